"""Two people answering one handoff at the same moment, on two real database connections.

The test holds the handoff's row lock itself, starts both answers, waits until PostgreSQL shows
both queued on that lock, and only then lets them go, so the answers truly race."""

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from agencies.models import AgencyKind, User
from casework.models import CaseParticipant, Handoff, Task
from casework.services.handoffs import (
    handoff_accept,
    handoff_approve,
    handoff_create,
    handoff_decline,
    handoff_withdraw,
)
from casework.services.tasks import task_create
from common.errors import Conflict
from notifications.models import Notification
from tests.conftest import Staff, make_staff
from tests.factories import in_hours, open_case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sender() -> Staff:
    return make_staff(kind=AgencyKind.CHILD_WELFARE, name="Harris County CPS")


@pytest.fixture
def receiver() -> Staff:
    return make_staff(kind=AgencyKind.LEGAL_ADVOCATE, name="Gulf Coast Immigrant Legal Aid")


@pytest.fixture
def proposed(sender, receiver) -> Handoff:
    """A caseworker's handoff to an agency not on the case: it awaits the lead agency's approval."""
    case = open_case(actor=sender.caseworker)
    task = task_create(
        actor=sender.caseworker, case=case, title="Prepare T-visa declaration", due_at=in_hours(72)
    )
    return handoff_create(actor=sender.caseworker, task=task, to_agency=receiver.agency)


@pytest.fixture
def handoff(proposed, sender) -> Handoff:
    return handoff_approve(actor=sender.liaison, handoff=proposed)


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


def _race(handoff: Handoff, answers: dict[str, Callable[[], object]]) -> dict[str, str]:
    """Run every answer in its own thread (its own connection) while this thread holds the lock."""
    outcomes: dict[str, str] = {}

    def run(name: str, answer: Callable[[], object]) -> None:
        try:
            answer()
            outcomes[name] = "done"
        except Conflict:
            outcomes[name] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(name, answer)) for name, answer in answers.items()]
    with transaction.atomic():
        Handoff.objects.select_for_update().get(pk=handoff.pk)
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while _waiting_on_locks() < len(threads):
            assert time.monotonic() < deadline, "the answers never queued on the handoff's lock"
            time.sleep(0.02)
    for thread in threads:
        thread.join(timeout=10)
    return outcomes


def _sender_notifications(handoff: Handoff, kind: str) -> list[int]:
    return sorted(
        Notification.objects.filter(handoff=handoff, kind=kind).values_list("recipient_id", flat=True)
    )


def test_two_liaisons_accepting_at_once_give_one_accept_and_one_conflict(handoff, sender, receiver):
    liaison, supervisor = receiver.liaison, receiver.supervisor
    outcomes = _race(
        handoff,
        {
            "liaison": lambda: handoff_accept(actor=liaison, handoff=handoff, assignee=liaison),
            "supervisor": lambda: handoff_accept(actor=supervisor, handoff=handoff, assignee=supervisor),
        },
    )
    assert sorted(outcomes.values()) == ["conflict", "done"]
    winner: User = liaison if outcomes["liaison"] == "done" else supervisor
    handoff.refresh_from_db()
    task = Task.objects.get(pk=handoff.task_id)
    assert (handoff.status, handoff.responded_by, task.owner_agency, task.assignee, task.version) == (
        "accepted",
        winner,
        receiver.agency,
        winner,
        2,
    )
    assert CaseParticipant.objects.filter(case=handoff.case, agency=receiver.agency).count() == 1
    assert _sender_notifications(handoff, "handoff_accepted") == sorted(
        [sender.caseworker.pk, sender.liaison.pk]
    )


def test_accept_and_withdraw_at_once_leave_exactly_one_outcome(handoff, sender, receiver):
    outcomes = _race(
        handoff,
        {
            "accept": lambda: handoff_accept(actor=receiver.liaison, handoff=handoff),
            "withdraw": lambda: handoff_withdraw(actor=sender.caseworker, handoff=handoff),
        },
    )
    assert sorted(outcomes.values()) == ["conflict", "done"]
    handoff.refresh_from_db()
    task = Task.objects.get(pk=handoff.task_id)
    if outcomes["accept"] == "done":
        assert (handoff.status, task.owner_agency) == ("accepted", receiver.agency)
    else:
        assert (handoff.status, task.owner_agency) == ("withdrawn", sender.agency)


def test_two_lead_liaisons_approving_at_once_give_one_approval_and_one_conflict(proposed, sender, receiver):
    liaison, supervisor = sender.liaison, sender.supervisor
    outcomes = _race(
        proposed,
        {
            "liaison": lambda: handoff_approve(actor=liaison, handoff=proposed),
            "supervisor": lambda: handoff_approve(actor=supervisor, handoff=proposed),
        },
    )
    assert sorted(outcomes.values()) == ["conflict", "done"]
    winner: User = liaison if outcomes["liaison"] == "done" else supervisor
    proposed.refresh_from_db()
    assert (proposed.status, proposed.approved_by) == ("pending", winner)
    assert sorted(
        Notification.objects.filter(handoff=proposed, kind="handoff_created").values_list(
            "recipient_id", flat=True
        )
    ) == sorted([receiver.liaison.pk, receiver.supervisor.pk])


def test_approve_and_decline_at_once_leave_exactly_one_outcome(proposed, sender, receiver):
    outcomes = _race(
        proposed,
        {
            "approve": lambda: handoff_approve(actor=sender.liaison, handoff=proposed),
            "decline": lambda: handoff_decline(
                actor=sender.supervisor, handoff=proposed, reason="Not needed."
            ),
        },
    )
    assert sorted(outcomes.values()) == ["conflict", "done"]
    proposed.refresh_from_db()
    assert proposed.status == ("pending" if outcomes["approve"] == "done" else "declined")


def test_approve_and_withdraw_at_once_end_withdrawn_and_the_receiver_hears_only_after_an_approval(
    proposed, sender, receiver
):
    outcomes = _race(
        proposed,
        {
            "approve": lambda: handoff_approve(actor=sender.liaison, handoff=proposed),
            "withdraw": lambda: handoff_withdraw(actor=sender.caseworker, handoff=proposed),
        },
    )
    # A pending handoff may still be withdrawn: if the approval went first, both succeed.
    assert outcomes["withdraw"] == "done"
    proposed.refresh_from_db()
    told = sorted(
        Notification.objects.filter(handoff=proposed, recipient__agency=receiver.agency).values_list(
            "kind", flat=True
        )
    )
    if outcomes["approve"] == "done":
        assert (proposed.status, told) == (
            "withdrawn",
            ["handoff_created", "handoff_created", "handoff_withdrawn"],
        )
    else:
        assert (outcomes["approve"], proposed.status, told) == ("conflict", "withdrawn", [])
