"""The primary/replica router against a real streaming replica (`scripts/replica`, run by
`scripts/test`): which reads the replica answers, and that a writer sees their own write while
the replica lags."""

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditRecord
from casework.models import Case
from casework.services.tasks import task_create
from casework.sweep import deadlines_sweep
from tests.api.conftest import Api, body

pytestmark = [
    pytest.mark.replica,
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


def replica_caught_up() -> None:
    """Wait until the replica has replayed everything the primary has committed so far."""
    # The insert position, not the write position: scripts/replica's primary commits with
    # synchronous_commit=off, so a commit record may still wait in the WAL buffers, behind
    # pg_current_wal_lsn(), until the WAL writer's next round.
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        (target,) = cursor.fetchone()
    deadline = time.monotonic() + 30
    with connections["replica"].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone() == (True,):
                return
            assert time.monotonic() < deadline, "the replica did not catch up within 30 s"
            time.sleep(0.05)


@pytest.fixture
def replay_paused() -> Iterator[None]:
    """Real lag: the replica receives WAL but applies none of it until the test ends."""
    replica_caught_up()
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")


def pseudonyms(response) -> set[str]:
    assert response.status_code == 200
    return {row["pseudonym"] for row in body(response)["results"]}


def test_the_replica_connection_is_a_streaming_standby():
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), status FROM pg_stat_wal_receiver")
        assert cursor.fetchone() == (True, "streaming")


def test_the_case_list_page_reads_from_the_replica(client, case, lead):
    client.force_login(lead.caseworker)
    replica_caught_up()

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get("/cases/")

    assert response.status_code == 200
    assert "M.R." in response.text
    assert any('"casework_case"' in query["sql"] for query in on_replica.captured_queries)


def test_the_case_list_endpoint_reads_from_the_replica(case, lead):
    replica_caught_up()

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = Api(lead.caseworker).get("cases/")

    assert pseudonyms(response) == {"M.R."}
    assert len(on_replica.captured_queries) > 0


def test_the_dashboard_endpoint_reads_its_figures_from_the_replica(case, lead):
    replica_caught_up()

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = Api(lead.supervisor).get("dashboard/")

    assert response.status_code == 200
    assert body(response)["cases"] == {"open": 1, "open_led": 1, "opened_in_period": 1}
    assert any('"casework_case"' in query["sql"] for query in on_replica.captured_queries)


def test_a_case_page_reads_only_from_the_primary(client, case, lead):
    client.force_login(lead.caseworker)
    replica_caught_up()

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    assert on_replica.captured_queries == []


def test_the_writer_sees_their_new_case_while_another_reader_does_not_yet(case, lead, replay_paused):
    writer, other_reader = Api(lead.caseworker), Api(lead.liaison)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        created = writer.post("cases/", {"pseudonym": "T.N.", "age_band": "12-14"})
        writers_list = writer.get("cases/")
    assert created.status_code == 201
    assert pseudonyms(writers_list) == {"M.R.", "T.N."}
    assert on_replica.captured_queries == []

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        others_list = other_reader.get("cases/")

    # The replica answered the other reader, and its replay really was behind.
    assert pseudonyms(others_list) == {"M.R."}
    assert len(on_replica.captured_queries) > 0


def test_the_writer_reads_from_the_replica_again_once_the_sticky_time_is_over(case, lead, settings):
    settings.BRIDGE_REPLICA_STICKY_SECONDS = 1
    writer = Api(lead.caseworker)
    assert writer.post("cases/", {"pseudonym": "T.N.", "age_band": "12-14"}).status_code == 201
    replica_caught_up()
    time.sleep(1.5)

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = writer.get("cases/")

    assert pseudonyms(response) == {"M.R.", "T.N."}
    assert len(on_replica.captured_queries) > 0


def test_an_export_that_audits_its_copy_writes_the_record_on_the_primary(case, lead):
    replica_caught_up()

    response = Api(lead.liaison).get("cases/export.csv", {"purpose": "Monthly review"})

    assert response.status_code == 200
    assert "M.R." in response.content.decode("utf-8-sig")
    assert AuditRecord.objects.filter(user=lead.liaison, event_type="copy.case_list").count() == 1


def test_the_reminder_sweep_uses_only_the_primary(case, lead, replay_paused):
    now = timezone.now()
    task_create(actor=lead.caseworker, case=case, title="Call the school", due_at=now + timedelta(minutes=30))

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        result = deadlines_sweep(now=now)

    assert result.reminders == 1
    assert on_replica.captured_queries == []
    assert Case.objects.count() == 1
