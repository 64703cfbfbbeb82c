"""Handoffs of tasks and of the lead of a case: the state machine, who may do what, what the
receiving agency sees, and who is told."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, ProgrammingError, transaction

from agencies.models import AgencyKind
from casework.access import (
    cases_visible_to,
    get_case_access,
    get_handoff_for_user,
    get_task_for_user,
    handoffs_visible_to,
    tasks_visible_to,
    timeline_visible,
)
from casework.models import CaseParticipant, Handoff, HandoffStatus, ParticipationVia, SectionGrant, Task
from casework.selectors import handoff_list
from casework.services.handoffs import (
    handoff_accept,
    handoff_approve,
    handoff_create,
    handoff_decline,
    handoff_expire,
    handoff_withdraw,
    lead_handoff_create,
)
from casework.services.tasks import task_complete, task_create
from common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from notifications.models import Notification
from tests.conftest import Staff, make_staff
from tests.factories import UserFactory, in_hours

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def advocate() -> Staff:
    """A legal advocate agency that does not take part in the case yet."""
    return make_staff(kind=AgencyKind.LEGAL_ADVOCATE, name="Gulf Coast Immigrant Legal Aid")


@pytest.fixture
def task(case, lead) -> Task:
    return task_create(
        actor=lead.caseworker, case=case, title="Prepare T-visa declaration", due_at=in_hours(72)
    )


@pytest.fixture
def proposed(task, lead, advocate) -> Handoff:
    """A lead caseworker's handoff to an agency not on the case: it awaits the lead's approval."""
    return handoff_create(actor=lead.caseworker, task=task, to_agency=advocate.agency, note="Needs counsel.")


@pytest.fixture
def handoff(proposed, lead) -> Handoff:
    """The same handoff once a lead liaison approved it: pending, and the advocate asked to answer."""
    return handoff_approve(actor=lead.liaison, handoff=proposed)


def _recipients(handoff: Handoff, kind: str) -> set[int]:
    return set(Notification.objects.filter(handoff=handoff, kind=kind).values_list("recipient_id", flat=True))


# --- proposing -----------------------------------------------------------------------------------


def test_new_handoff_is_pending_with_a_24_hour_window(handoff, lead, advocate, task):
    handoff.refresh_from_db()
    assert (
        handoff.status,
        handoff.kind,
        handoff.task,
        handoff.case,
        handoff.from_agency,
        handoff.to_agency,
        handoff.note,
        handoff.urgent,
        handoff.created_by,
        handoff.respond_by,
    ) == (
        "pending",
        "task",
        task,
        task.case,
        lead.agency,
        advocate.agency,
        "Needs counsel.",
        False,
        lead.caseworker,
        NOW + timedelta(hours=24),
    )


def test_urgent_handoff_must_be_answered_within_4_hours(task, lead, advocate):
    handoff = handoff_create(actor=lead.caseworker, task=task, to_agency=advocate.agency, urgent=True)
    assert handoff.respond_by == NOW + timedelta(hours=4)


def test_response_windows_come_from_settings(settings, task, lead, advocate):
    settings.BRIDGE_HANDOFF_URGENT_RESPONSE_HOURS = 2
    handoff = handoff_create(actor=lead.caseworker, task=task, to_agency=advocate.agency, urgent=True)
    assert handoff.respond_by == NOW + timedelta(hours=2)


def test_new_handoff_notifies_the_receiving_liaisons_and_supervisors_without_the_childs_name(
    handoff, advocate
):
    assert _recipients(handoff, "handoff_created") == {advocate.liaison.pk, advocate.supervisor.pk}
    message = (
        Notification.objects.filter(handoff=handoff, kind="handoff_created")
        .values_list("message", flat=True)
        .first()
    )
    assert message == (
        f"Case {handoff.case.number}: Harris County CPS asks your agency to take over a task. "
        "Please answer by Tue 2 Jun, 10:00."
    )


def test_handoff_to_own_agency_is_refused(task, lead):
    with pytest.raises(ValidationFailed) as error:
        handoff_create(actor=lead.caseworker, task=task, to_agency=lead.agency)
    assert error.value.fields == {"to_agency": ["Choose an agency other than your own."]}


def test_handoff_to_an_agency_nobody_can_answer_for_is_refused(task, lead):
    empty = make_staff(kind=AgencyKind.VICTIM_SERVICES, name="Quiet Shelter")
    empty.liaison.is_active = False
    empty.liaison.save()
    empty.supervisor.is_active = False
    empty.supervisor.save()
    with pytest.raises(ValidationFailed) as error:
        handoff_create(actor=lead.caseworker, task=task, to_agency=empty.agency)
    assert error.value.fields == {
        "to_agency": ["This agency has no active liaison or supervisor to answer a handoff."]
    }


def test_second_pending_handoff_of_a_task_is_a_conflict(handoff, task, lead, partner):
    with pytest.raises(Conflict):
        handoff_create(actor=lead.liaison, task=task, to_agency=partner.agency)
    assert Handoff.objects.count() == 1


def test_completed_task_cannot_be_handed_off(task, lead, advocate):
    task_complete(actor=lead.caseworker, task=task)
    with pytest.raises(Conflict):
        handoff_create(actor=lead.caseworker, task=task, to_agency=advocate.agency)


def test_member_of_another_agency_cannot_hand_off_a_task_it_does_not_see(
    task, shared_case, partner, advocate
):
    with pytest.raises(NotFound):
        handoff_create(actor=partner.liaison, task=task, to_agency=advocate.agency)
    assert Handoff.objects.count() == 0


def test_agency_admin_cannot_hand_off_a_task(task, lead, advocate):
    with pytest.raises(NotFound):
        handoff_create(actor=lead.admin, task=task, to_agency=advocate.agency)


def test_database_allows_one_pending_handoff_per_task(handoff, partner):
    with pytest.raises(IntegrityError), transaction.atomic():
        Handoff.objects.create(
            task=handoff.task,
            case=handoff.case,
            from_agency=handoff.from_agency,
            to_agency=partner.agency,
            created_by=handoff.created_by,
            respond_by=NOW + timedelta(hours=1),
        )


# --- what the receiving agency sees --------------------------------------------------------------


def test_receiving_liaison_sees_the_handoff_and_the_task_but_not_the_case(handoff, task, case, advocate):
    assert list(handoffs_visible_to(user=advocate.liaison)) == [handoff]
    assert get_task_for_user(user=advocate.liaison, task_id=task.pk) == task
    assert not cases_visible_to(user=advocate.liaison).filter(pk=case.pk).exists()
    with pytest.raises(NotFound):
        get_case_access(user=advocate.liaison, case_id=case.pk)


def test_receiving_caseworker_sees_neither_the_handoff_nor_the_task(handoff, task, advocate):
    assert list(handoffs_visible_to(user=advocate.caseworker)) == []
    assert not tasks_visible_to(user=advocate.caseworker).filter(pk=task.pk).exists()


def test_unrelated_agency_sees_nothing_of_the_handoff(handoff, task, unrelated):
    for user in (unrelated.caseworker, unrelated.liaison, unrelated.supervisor, unrelated.admin):
        assert list(handoffs_visible_to(user=user)) == []
        assert not tasks_visible_to(user=user).filter(pk=task.pk).exists()


def test_offered_task_is_no_longer_visible_once_declined(handoff, task, advocate):
    handoff_decline(actor=advocate.liaison, handoff=handoff, reason="No capacity.")
    assert not tasks_visible_to(user=advocate.liaison).filter(pk=task.pk).exists()


def test_receiving_liaison_cannot_complete_a_task_only_offered_to_it(handoff, task, advocate):
    with pytest.raises(PermissionDenied):
        task_complete(actor=advocate.liaison, task=task)
    task.refresh_from_db()
    assert task.status == "open"


def test_handoff_lists_filter_by_direction_and_status(handoff, lead, advocate):
    assert list(handoff_list(user=advocate.liaison, direction="incoming")) == [handoff]
    assert list(handoff_list(user=advocate.liaison, direction="outgoing")) == []
    assert list(handoff_list(user=lead.caseworker, direction="outgoing", status="pending")) == [handoff]
    assert list(handoff_list(user=lead.caseworker, status="accepted")) == []


def test_handoff_list_refuses_unknown_filter_values(lead):
    with pytest.raises(ValidationFailed) as error:
        handoff_list(user=lead.liaison, direction="sideways", status="lost")
    assert error.value.fields == {
        "direction": ["Must be one of: incoming, outgoing."],
        "status": ["Must be one of: awaiting_approval, pending, accepted, declined, withdrawn, expired."],
    }


# --- accepting -----------------------------------------------------------------------------------


def test_accept_moves_the_task_to_the_receiving_agency_and_assignee(handoff, task, advocate):
    handoff_accept(actor=advocate.liaison, handoff=handoff, assignee=advocate.caseworker, note="On it.")
    task.refresh_from_db()
    assert (task.owner_agency, task.assignee, task.version) == (advocate.agency, advocate.caseworker, 2)


def test_accept_records_who_answered_and_when(handoff, advocate):
    handoff_accept(actor=advocate.supervisor, handoff=handoff, note="On it.")
    handoff.refresh_from_db()
    assert (handoff.status, handoff.responded_by, handoff.responded_at, handoff.response_note) == (
        "accepted",
        advocate.supervisor,
        NOW,
        "On it.",
    )


def test_accept_makes_the_receiving_agency_a_participant_with_its_default_grants(handoff, case, advocate):
    handoff_accept(actor=advocate.liaison, handoff=handoff)
    participant = CaseParticipant.objects.get(case=case, agency=advocate.agency)
    assert participant.via == ParticipationVia.HANDOFF
    assert set(
        SectionGrant.objects.filter(case=case, agency=advocate.agency, ended_at__isnull=True).values_list(
            "section", flat=True
        )
    ) == {"identity", "immigration", "legal"}
    assert get_case_access(user=advocate.liaison, case_id=case.pk).readable == {
        "core",
        "identity",
        "immigration",
        "legal",
    }


def test_assignee_of_an_accepted_task_sees_the_case(handoff, case, advocate):
    handoff_accept(actor=advocate.liaison, handoff=handoff, assignee=advocate.caseworker)
    assert cases_visible_to(user=advocate.caseworker).filter(pk=case.pk).exists()


def test_accept_keeps_existing_participation(shared_case, lead, partner):
    task = task_create(actor=lead.caseworker, case=shared_case, title="Interview", due_at=in_hours(10))
    handoff = handoff_create(actor=lead.caseworker, task=task, to_agency=partner.agency)
    handoff_accept(actor=partner.liaison, handoff=handoff)
    assert (
        CaseParticipant.objects.get(case=shared_case, agency=partner.agency).via == ParticipationVia.INVITED
    )


def test_accept_notifies_the_proposer_and_the_sending_liaisons(handoff, lead, advocate):
    handoff_accept(actor=advocate.liaison, handoff=handoff)
    assert _recipients(handoff, "handoff_accepted") == {lead.caseworker.pk, lead.liaison.pk}


def test_accept_with_an_assignee_from_another_agency_is_refused(handoff, task, lead, advocate):
    with pytest.raises(ValidationFailed) as error:
        handoff_accept(actor=advocate.liaison, handoff=handoff, assignee=lead.caseworker)
    assert error.value.fields == {"assignee": ["Choose a caseworker, liaison or supervisor of your agency."]}
    handoff.refresh_from_db()
    assert handoff.status == "pending"


def test_receiving_caseworker_may_not_accept(handoff, advocate):
    with pytest.raises(NotFound):
        handoff_accept(actor=advocate.caseworker, handoff=handoff)


def test_sender_may_see_but_not_accept_its_own_handoff(handoff, lead):
    with pytest.raises(PermissionDenied):
        handoff_accept(actor=lead.liaison, handoff=handoff)
    handoff.refresh_from_db()
    assert handoff.status == "pending"


def test_unrelated_liaison_gets_not_found_when_accepting(handoff, unrelated):
    with pytest.raises(NotFound):
        handoff_accept(actor=unrelated.liaison, handoff=handoff)


@pytest.mark.parametrize("answered", ["declined", "withdrawn", "accepted"])
def test_answered_handoff_cannot_be_accepted(handoff, lead, advocate, answered):
    if answered == "declined":
        handoff_decline(actor=advocate.liaison, handoff=handoff, reason="No capacity.")
    elif answered == "withdrawn":
        handoff_withdraw(actor=lead.caseworker, handoff=handoff)
    else:
        handoff_accept(actor=advocate.liaison, handoff=handoff)
    with pytest.raises(Conflict) as error:
        handoff_accept(actor=advocate.supervisor, handoff=handoff)
    assert error.value.message == f"This handoff is already {answered}."


def test_task_completed_while_pending_cannot_be_accepted(handoff, task, lead, advocate):
    task_complete(actor=lead.caseworker, task=task)
    with pytest.raises(Conflict):
        handoff_accept(actor=advocate.liaison, handoff=handoff)
    handoff.refresh_from_db()
    assert handoff.status == "pending"


# --- declining and withdrawing -------------------------------------------------------------------


def test_decline_needs_a_reason(handoff, advocate):
    with pytest.raises(ValidationFailed) as error:
        handoff_decline(actor=advocate.liaison, handoff=handoff, reason="   ")
    assert error.value.fields == {"reason": ["This field may not be blank."]}


def test_decline_leaves_the_task_with_the_sender_and_tells_the_sender(handoff, task, lead, advocate):
    handoff_decline(actor=advocate.liaison, handoff=handoff, reason="No capacity this month.")
    task.refresh_from_db()
    handoff.refresh_from_db()
    assert (task.owner_agency, handoff.status, handoff.response_note, handoff.responded_by) == (
        lead.agency,
        "declined",
        "No capacity this month.",
        advocate.liaison,
    )
    assert _recipients(handoff, "handoff_declined") == {lead.caseworker.pk, lead.liaison.pk}
    assert not CaseParticipant.objects.filter(agency=advocate.agency).exists()


def test_withdraw_by_the_sender_tells_the_receiving_liaisons(handoff, lead, advocate):
    handoff_withdraw(actor=lead.caseworker, handoff=handoff)
    handoff.refresh_from_db()
    assert (handoff.status, handoff.responded_by) == ("withdrawn", lead.caseworker)
    assert _recipients(handoff, "handoff_withdrawn") == {advocate.liaison.pk}


def test_receiving_agency_cannot_withdraw(handoff, advocate):
    with pytest.raises(PermissionDenied):
        handoff_withdraw(actor=advocate.liaison, handoff=handoff)


def test_withdrawn_handoff_cannot_be_withdrawn_again(handoff, lead):
    handoff_withdraw(actor=lead.caseworker, handoff=handoff)
    with pytest.raises(Conflict):
        handoff_withdraw(actor=lead.liaison, handoff=handoff)


# --- expiring ------------------------------------------------------------------------------------


def test_expire_closes_an_unanswered_handoff_and_tells_the_sender(handoff, task, lead):
    later = NOW + timedelta(hours=30)
    with time_machine.travel(later, tick=False):
        handoff_expire(handoff=handoff)
    handoff.refresh_from_db()
    task.refresh_from_db()
    assert (handoff.status, handoff.responded_by, handoff.responded_at, task.owner_agency) == (
        "expired",
        None,
        later,
        lead.agency,
    )
    assert _recipients(handoff, "handoff_expired") == {lead.caseworker.pk, lead.liaison.pk}


def test_expire_records_the_time_the_sweep_gives(handoff):
    sweep_time = NOW + timedelta(hours=26)
    handoff_expire(handoff=handoff, now=sweep_time)
    handoff.refresh_from_db()
    assert (handoff.status, handoff.responded_at) == ("expired", sweep_time)


def test_expire_before_the_window_closes_is_a_conflict(handoff):
    with pytest.raises(Conflict):
        handoff_expire(handoff=handoff)
    handoff.refresh_from_db()
    assert handoff.status == "pending"


def test_expire_after_an_answer_changes_nothing(handoff, advocate):
    handoff_accept(actor=advocate.liaison, handoff=handoff)
    result = handoff_expire(handoff=handoff, now=NOW + timedelta(hours=30))
    assert result.status == "accepted"
    assert _recipients(handoff, "handoff_expired") == set()


# --- the database guards the state machine ---------------------------------------------------------


def test_database_refuses_to_reopen_an_answered_handoff(handoff, advocate):
    handoff_decline(actor=advocate.liaison, handoff=handoff, reason="No capacity.")
    with pytest.raises(ProgrammingError, match="Cannot update rows"), transaction.atomic():
        Handoff.objects.filter(pk=handoff.pk).update(
            status=HandoffStatus.PENDING, responded_at=None, responded_by=None
        )


def test_database_refuses_to_edit_an_answered_handoff(handoff, advocate):
    handoff_decline(actor=advocate.liaison, handoff=handoff, reason="No capacity.")
    with pytest.raises(ProgrammingError, match="Cannot update rows"), transaction.atomic():
        Handoff.objects.filter(pk=handoff.pk).update(response_note="Changed my mind.")


def test_database_refuses_a_decline_without_a_reason(handoff, advocate):
    with pytest.raises(IntegrityError), transaction.atomic():
        Handoff.objects.filter(pk=handoff.pk).update(
            status=HandoffStatus.DECLINED, responded_by=advocate.liaison, responded_at=NOW, response_note=""
        )


# --- handing off the lead ------------------------------------------------------------------------


def test_accepted_lead_handoff_makes_the_receiver_the_lead_agency(case, lead, unrelated):
    handoff = lead_handoff_create(
        actor=lead.liaison, case=case, to_agency=unrelated.agency, note="Child moved."
    )
    handoff_accept(actor=unrelated.supervisor, handoff=handoff)
    case.refresh_from_db()
    assert (case.lead_agency, case.version) == (unrelated.agency, 2)
    assert get_case_access(user=unrelated.liaison, case_id=case.pk).may_write("identity")
    assert not get_case_access(user=lead.liaison, case_id=case.pk).may_write("identity")


def test_accepted_lead_handoff_is_on_every_participants_timeline(shared_case, lead, partner, unrelated):
    handoff = lead_handoff_create(actor=lead.liaison, case=shared_case, to_agency=unrelated.agency)
    handoff_accept(actor=unrelated.liaison, handoff=handoff)
    police = get_case_access(user=partner.liaison, case_id=shared_case.pk)
    assert timeline_visible(access=police).get(kind="handoff_accepted").summary == (
        "Dallas County CPS took over the lead of the case."
    )


def test_caseworker_may_not_hand_off_the_lead(case, lead, unrelated):
    with pytest.raises(PermissionDenied):
        lead_handoff_create(actor=lead.caseworker, case=case, to_agency=unrelated.agency)


def test_partner_may_not_hand_off_the_lead(shared_case, partner, unrelated):
    with pytest.raises(PermissionDenied):
        lead_handoff_create(actor=partner.liaison, case=shared_case, to_agency=unrelated.agency)


def test_lead_handoff_accept_takes_no_assignee(case, lead, unrelated):
    handoff = lead_handoff_create(actor=lead.liaison, case=case, to_agency=unrelated.agency)
    with pytest.raises(ValidationFailed):
        handoff_accept(actor=unrelated.liaison, handoff=handoff, assignee=unrelated.caseworker)


def test_second_pending_lead_handoff_is_a_conflict(case, lead, unrelated, advocate):
    lead_handoff_create(actor=lead.liaison, case=case, to_agency=unrelated.agency)
    with pytest.raises(Conflict):
        lead_handoff_create(actor=lead.supervisor, case=case, to_agency=advocate.agency)


def test_sender_sees_its_handoff_only_while_it_sees_the_case(handoff, lead):
    other_caseworker = UserFactory(agency=lead.agency, role="caseworker")
    assert list(handoffs_visible_to(user=other_caseworker)) == []
    assert get_handoff_for_user(user=lead.caseworker, handoff_id=handoff.pk) == handoff
