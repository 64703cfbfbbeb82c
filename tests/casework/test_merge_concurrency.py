"""Two merges of the same case at the same moment, on two real database connections: one wins,
the other is a 409 once the winner has committed.

The test holds both case rows' locks itself, starts both merges, waits until PostgreSQL shows both
queued on a lock, and only then lets them go, so the merges truly race."""

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from agencies.models import AgencyKind, Role
from casework.models import Case, CaseMerge, Task
from casework.services.merge import case_merge
from casework.services.tasks import task_create
from common.errors import Conflict
from tests.conftest import Staff, make_staff
from tests.factories import UserFactory, in_hours, open_case

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "Same child: same date of birth and mother."


@pytest.fixture
def first_lead() -> Staff:
    return make_staff(kind=AgencyKind.CHILD_WELFARE, name="Harris County CPS")


@pytest.fixture
def second_lead() -> Staff:
    return make_staff(kind=AgencyKind.CHILD_WELFARE, name="Fort Bend County CPS")


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        # Activity statistics are a snapshot per transaction; this thread polls inside one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        (count,) = cursor.fetchone()
    return count


def _race(cases: list[Case], merges: dict[str, Callable[[], object]]) -> dict[str, str]:
    outcomes: dict[str, str] = {}

    def run(name: str, attempt: Callable[[], object]) -> None:
        try:
            attempt()
            outcomes[name] = "done"
        except Conflict:
            outcomes[name] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(name, attempt)) for name, attempt in merges.items()]
    with transaction.atomic():
        list(Case.objects.select_for_update().filter(pk__in=[case.pk for case in cases]).order_by("pk"))
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while _waiting_on_locks() < len(threads):
            assert time.monotonic() < deadline, "the merges never queued on the cases' locks"
            time.sleep(0.02)
    for thread in threads:
        thread.join(timeout=20)
    return outcomes


def test_two_merges_of_one_case_at_once_give_one_merge_and_one_conflict(first_lead, second_lead):
    survivor = open_case(actor=first_lead.caseworker, pseudonym="M.R.")
    merged = open_case(actor=second_lead.caseworker, pseudonym="M.R.L.")
    task = task_create(actor=second_lead.caseworker, case=merged, title="Home visit", due_at=in_hours(24))
    colleague = UserFactory(agency=first_lead.agency, role=Role.SUPERVISOR)
    outcomes = _race(
        [survivor, merged],
        {
            "supervisor": lambda: case_merge(
                surviving_case=survivor,
                merged_case=merged,
                proposed_by=first_lead.supervisor,
                agreed_by=second_lead.supervisor,
                reason=REASON,
            ),
            "colleague": lambda: case_merge(
                surviving_case=survivor,
                merged_case=merged,
                proposed_by=colleague,
                agreed_by=second_lead.supervisor,
                reason=REASON,
            ),
        },
    )
    assert sorted(outcomes.values()) == ["conflict", "done"]
    winner = first_lead.supervisor if outcomes["supervisor"] == "done" else colleague
    assert list(CaseMerge.objects.values_list("proposed_by", "merged_case")) == [(winner.pk, merged.pk)]
    assert Task.objects.get(pk=task.pk).case_id == survivor.pk


def test_merging_a_into_b_and_b_into_a_at_once_merges_one_way_only(first_lead, second_lead):
    one = open_case(actor=first_lead.caseworker, pseudonym="M.R.")
    other = open_case(actor=second_lead.caseworker, pseudonym="M.R.L.")
    outcomes = _race(
        [one, other],
        {
            "one_survives": lambda: case_merge(
                surviving_case=one,
                merged_case=other,
                proposed_by=first_lead.supervisor,
                agreed_by=second_lead.supervisor,
                reason=REASON,
            ),
            "other_survives": lambda: case_merge(
                surviving_case=other,
                merged_case=one,
                proposed_by=second_lead.supervisor,
                agreed_by=first_lead.supervisor,
                reason=REASON,
            ),
        },
    )
    assert sorted(outcomes.values()) == ["conflict", "done"]
    assert CaseMerge.objects.count() == 1
    assert Case.objects.filter(merged_into__isnull=False).count() == 1
