"""The audit log is append-only in the database and hash-chained; the verifier finds tampering."""

import hashlib
import threading
from io import StringIO

import pgtrigger
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit.chain import GENESIS_HASH, canonical, verify_chain
from audit.models import AuditRecord, AuditSeal, CaseHistory, UnsealedRecord
from audit.services import audit_record, audit_seal_pending

pytestmark = pytest.mark.django_db


def written(count: int) -> list[AuditRecord]:
    return [audit_record(event_type="test.event", detail={"n": n}) for n in range(count)]


def verify() -> str:
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    return out.getvalue()


def test_sealing_links_each_record_to_the_one_before():
    records = written(3)

    audit_seal_pending()

    seals = list(AuditSeal.objects.filter(record__in=records).order_by("position"))
    first_prev = seals[0].prev_hash
    assert [seal.record_id for seal in seals] == [record.pk for record in records]
    assert [seal.prev_hash for seal in seals[1:]] == [seal.hash for seal in seals[:-1]]
    fresh = AuditRecord.objects.get(pk=records[0].pk)
    assert seals[0].hash == hashlib.sha256((first_prev + canonical(fresh)).encode()).hexdigest()


def test_the_first_seal_follows_the_genesis_hash():
    written(1)
    audit_seal_pending()

    assert AuditSeal.objects.order_by("position").first().prev_hash == GENESIS_HASH


def test_sealing_empties_the_queue():
    written(2)

    sealed = audit_seal_pending()

    assert sealed >= 2
    assert UnsealedRecord.objects.count() == 0


def test_the_verifier_reports_an_intact_chain():
    written(3)

    output = verify()

    report = verify_chain()
    assert report.intact
    assert f"Audit chain intact: {report.sealed} record(s), head {report.head}." in output


def test_the_verifier_names_the_first_tampered_record():
    _, second, third = written(3)
    audit_seal_pending()
    # What an attacker with the database's owner role could do: bypass the trigger and edit.
    with pgtrigger.ignore("audit.AuditRecord:audit_append_only"):
        AuditRecord.objects.filter(pk__in=[second.pk, third.pk]).update(outcome="failure")

    with pytest.raises(CommandError) as raised:
        verify()

    assert str(raised.value).startswith(
        f"Audit chain broken at record #{second.pk}: its content does not match its seal"
    )


def test_the_verifier_names_a_record_whose_seal_was_removed():
    _, second, third = written(3)
    audit_seal_pending()
    with pgtrigger.ignore("audit.AuditSeal:audit_seal_append_only"):
        AuditSeal.objects.filter(record=second).delete()

    report = verify_chain()

    assert (report.broken_record_id, report.problem.startswith("seal ")) == (third.pk, True)


def test_the_verifier_names_a_record_taken_out_of_the_seal_queue():
    (record,) = written(1)
    UnsealedRecord.objects.filter(record=record).delete()

    report = verify_chain()

    assert (report.broken_record_id, report.problem) == (
        record.pk,
        "it was never sealed and is no longer queued to be",
    )


def test_the_database_refuses_to_update_an_audit_record():
    (record,) = written(1)

    with (
        pytest.raises(DatabaseError, match="Cannot update or delete rows from audit_auditrecord"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditrecord SET outcome = 'failure' WHERE id = %s", [record.pk])


def test_the_database_refuses_to_delete_an_audit_record():
    (record,) = written(1)

    with (
        pytest.raises(DatabaseError, match="Cannot update or delete rows from audit_auditrecord"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditrecord WHERE id = %s", [record.pk])


def test_the_database_refuses_to_change_a_seal():
    written(1)
    audit_seal_pending()

    with (
        pytest.raises(DatabaseError, match="Cannot update or delete rows from audit_auditseal"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditseal SET hash = repeat('0', 64)")


def test_the_database_refuses_to_change_the_change_history(case):
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete rows from audit_casehistory"),
        transaction.atomic(),
    ):
        CaseHistory.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_sealers_keep_one_unbroken_chain():
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                with transaction.atomic():
                    audit_record(event_type="test.concurrent")
                audit_seal_pending()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    audit_seal_pending()

    report = verify_chain()
    assert errors == []
    assert report.intact
    assert AuditSeal.objects.filter(record__event_type="test.concurrent").count() == 40
