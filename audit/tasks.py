from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from audit.services import audit_archive, audit_seal_pending


@shared_task(name="audit.tasks.seal")
def seal() -> int:
    """Seal the audit records written since the last tick into the hash chain."""
    return audit_seal_pending()


@shared_task(name="audit.tasks.archive")
def archive() -> int:
    """Move the records older than the retention period into the archive, batch by batch."""
    before = timezone.now() - timedelta(days=settings.BRIDGE_AUDIT_RETENTION_DAYS)
    moved = 0
    while batch := audit_archive(before=before):
        moved += batch
    return moved
