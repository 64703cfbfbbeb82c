from celery import shared_task

from audit.services import audit_seal_pending


@shared_task(name="audit.tasks.seal")
def seal() -> int:
    """Seal the audit records written since the last tick into the hash chain."""
    return audit_seal_pending()
