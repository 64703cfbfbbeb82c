"""Audit retention: records older than the retention period move, with their seals, into the
archive tables; nothing is lost or deleted, and the hash chain verifies across the boundary."""

from datetime import timedelta

import pgtrigger
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction
from django.utils import timezone

from audit.chain import verify_chain
from audit.models import ArchivedAuditRecord, ArchivedAuditSeal, AuditRecord, AuditSeal
from audit.services import audit_archive, audit_record, audit_seal_pending
from audit.tasks import archive

pytestmark = pytest.mark.django_db

RETENTION = timedelta(days=2555)


def written(count, *, age):
    records = [audit_record(event_type="test.event", detail={"n": n}) for n in range(count)]
    # Backdated as the years would have aged them; the chain is sealed after, over these values.
    with pgtrigger.ignore("audit.AuditRecord:audit_append_only"):
        AuditRecord.objects.filter(pk__in=[record.pk for record in records]).update(
            occurred_at=timezone.now() - age
        )
    return records


def all_records():
    return AuditRecord.objects.count() + ArchivedAuditRecord.objects.count()


def test_records_older_than_the_retention_period_move_with_their_seals():
    old = written(3, age=RETENTION + timedelta(days=1))
    recent = written(2, age=timedelta(days=1))
    audit_seal_pending()
    before = all_records()

    moved = archive()

    assert moved >= 3
    assert set(ArchivedAuditRecord.objects.values_list("pk", flat=True)) >= {record.pk for record in old}
    assert not AuditRecord.objects.filter(pk__in=[record.pk for record in old]).exists()
    assert AuditRecord.objects.filter(pk__in=[record.pk for record in recent]).count() == 2
    assert ArchivedAuditSeal.objects.filter(record_id__in=[record.pk for record in old]).count() == 3
    assert all_records() == before


def test_the_chain_verifies_across_the_archives_boundary():
    written(3, age=RETENTION + timedelta(days=1))
    written(2, age=timedelta(days=1))
    audit_seal_pending()
    archive()

    report = verify_chain()

    assert report.intact, report.problem
    assert report.sealed == ArchivedAuditSeal.objects.count() + AuditSeal.objects.count()


def test_sealing_goes_on_from_the_archived_head_when_every_record_was_archived():
    written(2, age=RETENTION + timedelta(days=1))
    audit_seal_pending()
    audit_archive(before=timezone.now())
    head = ArchivedAuditSeal.objects.order_by("-position").first()

    audit_record(event_type="test.after")
    audit_seal_pending()

    first_live = AuditSeal.objects.order_by("position").first()
    assert (first_live.position, first_live.prev_hash) == (head.position + 1, head.hash)
    assert verify_chain().intact


def test_records_not_yet_sealed_never_move():
    unsealed = written(1, age=RETENTION + timedelta(days=1))

    audit_archive(before=timezone.now())

    assert AuditRecord.objects.filter(pk=unsealed[0].pk).exists()


def test_an_altered_archived_record_breaks_the_chain():
    old = written(2, age=RETENTION + timedelta(days=1))
    audit_seal_pending()
    archive()

    with pgtrigger.ignore("audit.ArchivedAuditRecord:audit_archive_append_only"):
        ArchivedAuditRecord.objects.filter(pk=old[0].pk).update(detail={"n": 99})

    report = verify_chain()
    assert not report.intact
    assert report.broken_record_id == old[0].pk


def test_the_archive_refuses_changes_and_removals():
    old = written(1, age=RETENTION + timedelta(days=1))
    audit_seal_pending()
    archive()

    with pytest.raises(DatabaseError), transaction.atomic():
        ArchivedAuditRecord.objects.filter(pk=old[0].pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        ArchivedAuditSeal.objects.filter(record_id=old[0].pk).update(hash="0" * 64)


def test_a_retention_period_under_a_year_is_refused(monkeypatch):
    import importlib

    import config.settings.base as base_settings

    monkeypatch.setenv("BRIDGE_AUDIT_RETENTION_DAYS", "364")
    with pytest.raises(ImproperlyConfigured, match="at least 365"):
        importlib.reload(base_settings)
    monkeypatch.delenv("BRIDGE_AUDIT_RETENTION_DAYS")
    importlib.reload(base_settings)
