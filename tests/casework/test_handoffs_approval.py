"""Issue 12, finding 2: a handoff must not bring a new agency onto a case without the invite rule.

Handing a task to an agency that does not take part in the case invites it. Proposed by someone
who may not invite (anyone but a liaison or supervisor of the lead agency), the handoff waits for
the lead agency's approval, and the receiving agency sees nothing of it until then."""

import importlib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.db import IntegrityError, ProgrammingError, connection, transaction
from guardian.shortcuts import get_groups_with_perms

from agencies.models import AgencyKind
from casework.access import (
    get_case_access,
    get_handoff_for_user,
    handoffs_visible_to,
    pending_handoffs_to_agency_visible_to,
    tasks_visible_to,
    timeline_visible,
)
from casework.models import (
    CaseParticipant,
    Handoff,
    HandoffStatus,
    ParticipationVia,
    SectionGrant,
    Task,
    TimelineEvent,
)
from casework.sections import default_sections_for
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
from casework.services.sharing import participant_invite
from casework.services.tasks import task_complete, task_create
from common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from notifications.models import Notification
from tests.conftest import Staff, make_staff
from tests.factories import in_hours, open_case

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def hsi() -> Staff:
    """A federal immigration agency that does not take part in the case."""
    return make_staff(kind=AgencyKind.IMMIGRATION, name="HSI Houston")


@pytest.fixture
def police_task(shared_case, partner) -> Task:
    return task_create(
        actor=partner.liaison, case=shared_case, title="Trace the trafficker's phone", due_at=in_hours(72)
    )


@pytest.fixture
def lead_task(case, lead) -> Task:
    return task_create(
        actor=lead.caseworker, case=case, title="Prepare T-visa declaration", due_at=in_hours(72)
    )


@pytest.fixture
def proposed(police_task, partner, hsi) -> Handoff:
    """The penetration test's path: the police liaison (who may not invite on a CPS-led case)
    hands its task to HSI, which is not on the case."""
    return handoff_create(
        actor=partner.liaison, task=police_task, to_agency=hsi.agency, note="Federal angle."
    )


def _recipients(handoff: Handoff, kind: str) -> set[int]:
    return set(Notification.objects.filter(handoff=handoff, kind=kind).values_list("recipient_id", flat=True))


def _hsi_sees_nothing(handoff: Handoff, hsi: Staff) -> None:
    for user in (hsi.caseworker, hsi.liaison, hsi.supervisor):
        assert list(handoffs_visible_to(user=user)) == []
        assert not tasks_visible_to(user=user).filter(pk=handoff.task_id).exists()
        assert list(handoff_list(user=user, direction="incoming")) == []
        with pytest.raises(NotFound):
            get_handoff_for_user(user=user, handoff_id=handoff.pk)
    assert not Notification.objects.filter(recipient__agency=hsi.agency).exists()
    assert not TimelineEvent.objects.filter(case=handoff.case, agencies__contains=[hsi.agency.pk]).exists()


# --- the penetration test's scenario ----------------------------------------------------------------


def test_police_liaisons_handoff_to_an_agency_not_on_the_case_awaits_the_lead_agencys_approval(
    proposed, partner
):
    proposed.refresh_from_db()
    assert (proposed.status, proposed.needs_approval, proposed.approved_by, proposed.respond_by) == (
        "awaiting_approval",
        True,
        None,
        NOW + timedelta(hours=24),
    )


def test_the_receiving_agency_sees_nothing_of_a_handoff_awaiting_approval(proposed, hsi):
    _hsi_sees_nothing(proposed, hsi)


def test_the_receiving_agency_cannot_accept_or_decline_a_handoff_awaiting_approval(proposed, hsi):
    with pytest.raises(NotFound):
        handoff_accept(actor=hsi.liaison, handoff=proposed)
    with pytest.raises(NotFound):
        handoff_decline(actor=hsi.supervisor, handoff=proposed, reason="No.")
    proposed.refresh_from_db()
    assert proposed.status == "awaiting_approval"
    assert not CaseParticipant.objects.filter(agency=hsi.agency).exists()


def test_after_the_lead_liaison_approves_the_receiver_accepts_and_joins_with_only_its_default_grants(
    proposed, shared_case, lead, hsi
):
    handoff_approve(actor=lead.liaison, handoff=proposed)
    assert list(handoffs_visible_to(user=hsi.liaison)) == [proposed]

    handoff_accept(actor=hsi.liaison, handoff=proposed)

    assert CaseParticipant.objects.get(case=shared_case, agency=hsi.agency).via == ParticipationVia.HANDOFF
    grants = SectionGrant.objects.filter(case=shared_case, agency=hsi.agency, ended_at__isnull=True)
    assert sorted(grants.values_list("section", "basis")) == [
        ("identity", "default"),
        ("investigation", "default"),
    ]
    assert get_case_access(user=hsi.liaison, case_id=shared_case.pk).readable == {
        "core",
        "identity",
        "investigation",
    }


def test_a_lead_caseworkers_handoff_to_an_agency_not_on_the_case_awaits_approval_too(lead_task, lead, hsi):
    handoff = handoff_create(actor=lead.caseworker, task=lead_task, to_agency=hsi.agency)

    assert handoff.status == "awaiting_approval"
    _hsi_sees_nothing(handoff, hsi)
    with pytest.raises(NotFound):
        handoff_accept(actor=hsi.liaison, handoff=handoff)


@pytest.mark.parametrize("role", ["liaison", "supervisor"])
def test_a_lead_liaisons_or_supervisors_handoff_to_a_new_agency_is_pending_at_once(
    lead_task, lead, hsi, role
):
    handoff = handoff_create(actor=lead.by_role(role), task=lead_task, to_agency=hsi.agency)

    assert (handoff.status, handoff.needs_approval) == ("pending", False)
    assert _recipients(handoff, "handoff_created") == {hsi.liaison.pk, hsi.supervisor.pk}


def test_a_handoff_to_an_agency_already_on_the_case_needs_no_approval(shared_case, lead, partner):
    task = task_create(actor=lead.caseworker, case=shared_case, title="Interview", due_at=in_hours(10))

    handoff = handoff_create(actor=lead.caseworker, task=task, to_agency=partner.agency)

    assert (handoff.status, handoff.needs_approval) == ("pending", False)


def test_a_lead_handoff_to_a_new_agency_is_pending_at_once_because_only_who_may_invite_proposes_it(
    case, lead, hsi
):
    handoff = lead_handoff_create(actor=lead.liaison, case=case, to_agency=hsi.agency)

    assert (handoff.status, handoff.needs_approval) == ("pending", False)
    with pytest.raises(PermissionDenied):
        lead_handoff_create(actor=lead.caseworker, case=case, to_agency=hsi.agency)


def test_a_handoff_that_nobody_at_the_lead_agency_could_approve_is_refused(
    proposed, police_task, lead, partner
):
    handoff_withdraw(actor=partner.liaison, handoff=proposed)
    for person in (lead.liaison, lead.supervisor):
        person.is_active = False
        person.save()
    outsider = make_staff(kind=AgencyKind.VICTIM_SERVICES, name="Quiet Shelter")

    with pytest.raises(ValidationFailed) as error:
        handoff_create(actor=partner.liaison, task=police_task, to_agency=outsider.agency)

    assert error.value.fields == {
        "to_agency": [
            "Quiet Shelter does not take part in the case, and the lead agency has no active liaison or "
            "supervisor to approve bringing it on."
        ]
    }


def test_a_second_handoff_of_a_task_awaiting_approval_is_a_conflict(proposed, police_task, partner, lead):
    with pytest.raises(Conflict):
        handoff_create(actor=partner.liaison, task=police_task, to_agency=lead.agency)


# --- who is asked, who sees it -------------------------------------------------------------------


def test_the_lead_agencys_liaisons_and_supervisors_are_asked_with_the_case_number_only(proposed, lead, hsi):
    assert _recipients(proposed, "handoff_approval_requested") == {lead.liaison.pk, lead.supervisor.pk}
    [message] = set(
        Notification.objects.filter(handoff=proposed, kind="handoff_approval_requested").values_list(
            "message", flat=True
        )
    )
    assert message == (
        f"Case {proposed.case.number}: Houston Police Department asks to hand a task to HSI Houston, which "
        "does not take part in the case yet. Please approve or decline by Tue 2 Jun, 10:00."
    )
    assert _recipients(proposed, "handoff_created") == set()


def test_a_handoff_awaiting_approval_is_seen_by_the_sender_and_the_lead_agencys_liaisons_only(
    proposed, lead, partner, unrelated
):
    for user in (partner.liaison, partner.supervisor, lead.liaison, lead.supervisor):
        assert list(handoffs_visible_to(user=user)) == [proposed]
    # The police caseworker is not on this case, so sees nothing on it, as for any handoff.
    for user in (lead.caseworker, lead.admin, partner.caseworker, partner.admin, unrelated.liaison):
        assert list(handoffs_visible_to(user=user)) == []


def test_the_lead_agency_sees_the_handoff_but_not_the_task_it_offers(proposed, police_task, lead):
    assert not tasks_visible_to(user=lead.liaison).filter(pk=police_task.pk).exists()


def test_a_handoff_awaiting_approval_is_incoming_for_the_lead_agency_and_outgoing_for_the_sender(
    proposed, lead, partner
):
    assert list(handoff_list(user=lead.liaison, direction="incoming")) == [proposed]
    assert list(handoff_list(user=lead.liaison, direction="outgoing")) == []
    assert list(handoff_list(user=partner.liaison, direction="outgoing", status="awaiting_approval")) == [
        proposed
    ]
    assert list(handoff_list(user=partner.liaison, direction="incoming")) == []


def test_incoming_by_status_gives_the_lead_agency_what_awaits_its_approval_only_under_that_status(
    proposed, lead
):
    assert list(handoff_list(user=lead.liaison, direction="incoming", status="awaiting_approval")) == [
        proposed
    ]
    assert list(handoff_list(user=lead.liaison, direction="incoming", status="pending")) == []


def test_the_pending_handoffs_to_an_agency_are_the_visible_ones_to_it_for_every_role(
    proposed, police_task, lead_task, shared_case, lead, partner, hsi
):
    # One awaiting approval (`proposed`), one pending at once (a lead liaison may invite), one to
    # the lead agency on a case its caseworker works on, and one answered.
    at_once = handoff_create(actor=lead.liaison, task=lead_task, to_agency=hsi.agency)
    second = task_create(actor=partner.liaison, case=shared_case, title="Second", due_at=in_hours(48))
    handoff_create(actor=partner.liaison, task=second, to_agency=lead.agency)
    third = task_create(actor=partner.liaison, case=shared_case, title="Third", due_at=in_hours(48))
    handoff_decline(
        actor=lead.liaison,
        handoff=handoff_create(actor=partner.liaison, task=third, to_agency=lead.agency),
        reason="No capacity",
    )
    assert at_once.status == HandoffStatus.PENDING

    for staff in (lead, partner, hsi):
        for user in (staff.caseworker, staff.liaison, staff.supervisor, staff.admin):
            expected = handoffs_visible_to(user=user).filter(
                to_agency_id=user.agency_id, status=HandoffStatus.PENDING
            )
            assert set(pending_handoffs_to_agency_visible_to(user=user)) == set(expected), user.username


def test_the_approval_stage_timeline_is_the_senders_and_the_lead_agencys_without_the_task_title(
    proposed, shared_case, lead, partner
):
    entry = TimelineEvent.objects.get(case=shared_case, kind="handoff_proposed")
    assert (entry.summary, sorted(entry.agencies)) == (
        "Handoff of a task to HSI Houston proposed; it awaits the lead agency's approval.",
        sorted([partner.agency.pk, lead.agency.pk]),
    )


def test_a_receiver_that_joins_later_never_sees_the_handoff_the_lead_agency_declined(
    proposed, shared_case, lead, hsi
):
    handoff_decline(actor=lead.liaison, handoff=proposed, reason="HSI is not needed on this case.")
    participant_invite(actor=lead.liaison, case=shared_case, agency=hsi.agency)

    access = get_case_access(user=hsi.liaison, case_id=shared_case.pk)
    assert not timeline_visible(access=access).filter(kind__startswith="handoff").exists()
    assert list(handoffs_visible_to(user=hsi.liaison)) == []


# --- approving -----------------------------------------------------------------------------------


def test_approval_makes_the_handoff_pending_with_a_window_counted_from_the_approval(proposed, lead):
    later = NOW + timedelta(hours=5)
    with time_machine.travel(later, tick=False):
        handoff_approve(actor=lead.supervisor, handoff=proposed)
    proposed.refresh_from_db()
    assert (proposed.status, proposed.approved_by, proposed.approved_at, proposed.respond_by) == (
        "pending",
        lead.supervisor,
        later,
        later + timedelta(hours=24),
    )


def test_approval_asks_the_receiving_agency_and_tells_the_sender(proposed, lead, partner, hsi):
    handoff_approve(actor=lead.liaison, handoff=proposed)

    assert _recipients(proposed, "handoff_created") == {hsi.liaison.pk, hsi.supervisor.pk}
    assert _recipients(proposed, "handoff_approved") == {partner.liaison.pk}
    entry = TimelineEvent.objects.get(case=proposed.case, kind="handoff_approved")
    assert (entry.summary, sorted(entry.agencies), entry.actor) == (
        "Harris County CPS approved the handoff of a task to HSI Houston.",
        sorted([partner.agency.pk, lead.agency.pk, hsi.agency.pk]),
        lead.liaison,
    )


def test_the_receiving_liaison_sees_the_offered_task_once_approved(proposed, police_task, lead, hsi):
    handoff_approve(actor=lead.liaison, handoff=proposed)

    assert tasks_visible_to(user=hsi.liaison).filter(pk=police_task.pk).exists()


def test_the_sending_agency_may_see_but_not_approve_its_own_handoff(proposed, partner):
    with pytest.raises(PermissionDenied):
        handoff_approve(actor=partner.supervisor, handoff=proposed)
    proposed.refresh_from_db()
    assert proposed.status == "awaiting_approval"


@pytest.mark.parametrize("who", ["lead caseworker", "hsi liaison", "unrelated liaison"])
def test_who_does_not_see_the_handoff_gets_not_found_when_approving(proposed, lead, hsi, unrelated, who):
    actor = {
        "lead caseworker": lead.caseworker,
        "hsi liaison": hsi.liaison,
        "unrelated liaison": unrelated.liaison,
    }
    with pytest.raises(NotFound):
        handoff_approve(actor=actor[who], handoff=proposed)


def test_a_handoff_approved_once_cannot_be_approved_again(proposed, lead):
    handoff_approve(actor=lead.liaison, handoff=proposed)
    with pytest.raises(Conflict) as error:
        handoff_approve(actor=lead.supervisor, handoff=proposed)
    assert error.value.message == "This handoff no longer awaits approval: it is pending."


def test_a_handoff_that_needed_no_approval_cannot_be_approved(lead_task, lead, hsi):
    handoff = handoff_create(actor=lead.liaison, task=lead_task, to_agency=hsi.agency)
    with pytest.raises(PermissionDenied):
        handoff_approve(actor=lead.supervisor, handoff=handoff)


def test_a_task_completed_while_awaiting_approval_cannot_be_approved(proposed, police_task, lead, partner):
    task_complete(actor=partner.liaison, task=police_task)
    with pytest.raises(Conflict):
        handoff_approve(actor=lead.liaison, handoff=proposed)
    proposed.refresh_from_db()
    assert proposed.status == "awaiting_approval"


# --- declining, withdrawing, expiring while awaiting approval ---------------------------------------


def test_the_lead_agency_declines_with_a_reason_and_the_task_stays_with_the_sender(
    proposed, police_task, lead, partner, hsi
):
    handoff_decline(actor=lead.liaison, handoff=proposed, reason="HSI is not needed on this case.")

    proposed.refresh_from_db()
    police_task.refresh_from_db()
    assert (proposed.status, proposed.responded_by, proposed.response_note, police_task.owner_agency) == (
        "declined",
        lead.liaison,
        "HSI is not needed on this case.",
        partner.agency,
    )
    [message] = Notification.objects.filter(handoff=proposed, kind="handoff_declined").values_list(
        "message", flat=True
    )
    assert message == (
        f"Case {proposed.case.number}: Harris County CPS declined your agency's handoff of a task to HSI "
        "Houston, which does not take part in the case; it stays with your agency."
    )
    assert _recipients(proposed, "handoff_declined") == {partner.liaison.pk}
    _hsi_sees_nothing(proposed, hsi)


def test_the_lead_agency_must_say_why_it_declines(proposed, lead):
    with pytest.raises(ValidationFailed) as error:
        handoff_decline(actor=lead.liaison, handoff=proposed, reason="  ")
    assert error.value.fields == {"reason": ["This field may not be blank."]}


def test_the_lead_agency_cannot_decline_once_it_approved(proposed, lead):
    handoff_approve(actor=lead.liaison, handoff=proposed)
    with pytest.raises(Conflict):
        handoff_decline(actor=lead.supervisor, handoff=proposed, reason="Changed our mind.")


def test_the_sender_may_not_decline_its_own_handoff_awaiting_approval(proposed, partner):
    with pytest.raises(PermissionDenied):
        handoff_decline(actor=partner.liaison, handoff=proposed, reason="No.")


def test_the_sender_withdraws_a_handoff_awaiting_approval_and_the_lead_agency_is_told(
    proposed, lead, partner, hsi
):
    handoff_withdraw(actor=partner.supervisor, handoff=proposed)

    proposed.refresh_from_db()
    assert (proposed.status, proposed.responded_by) == ("withdrawn", partner.supervisor)
    assert _recipients(proposed, "handoff_withdrawn") == {lead.liaison.pk}
    _hsi_sees_nothing(proposed, hsi)


def test_an_unapproved_handoff_expires_back_to_the_sender(proposed, police_task, partner, hsi):
    later = NOW + timedelta(hours=26)
    handoff_expire(handoff=proposed, now=later)

    proposed.refresh_from_db()
    police_task.refresh_from_db()
    assert (proposed.status, proposed.responded_at, police_task.owner_agency) == (
        "expired",
        later,
        partner.agency,
    )
    [message] = Notification.objects.filter(handoff=proposed, kind="handoff_expired").values_list(
        "message", flat=True
    )
    assert message == (
        f"Case {proposed.case.number}: the lead agency did not approve your agency's handoff of a task to "
        "HSI Houston in time; it stays with your agency."
    )
    _hsi_sees_nothing(proposed, hsi)


# --- accepting never grants more than inviting ----------------------------------------------------


@pytest.mark.parametrize("kind", AgencyKind.values)
def test_joining_through_an_accepted_handoff_grants_exactly_what_an_invitation_grants(lead, kind):
    by_handoff = open_case(actor=lead.caseworker)
    by_invite = open_case(actor=lead.caseworker)
    newcomer = make_staff(kind=kind, name=f"New {kind} agency")
    task = task_create(actor=lead.liaison, case=by_handoff, title="Follow up", due_at=in_hours(48))
    handoff = handoff_create(actor=lead.caseworker, task=task, to_agency=newcomer.agency)
    handoff_approve(actor=lead.liaison, handoff=handoff)

    handoff_accept(actor=newcomer.liaison, handoff=handoff)
    participant_invite(actor=lead.liaison, case=by_invite, agency=newcomer.agency)

    def granted(case):
        grants = SectionGrant.objects.filter(case=case, agency=newcomer.agency, ended_at__isnull=True)
        return sorted(grants.values_list("section", "basis", "consent", "expires_at"))

    assert granted(by_handoff) == granted(by_invite)
    assert {section for section, *_ in granted(by_handoff)} == default_sections_for(agency_kind=kind)
    assert newcomer.agency.group in get_groups_with_perms(by_handoff)
    assert get_case_access(user=newcomer.liaison, case_id=by_handoff.pk).readable == (
        get_case_access(user=newcomer.liaison, case_id=by_invite.pk).readable
    )


# --- the database guards the approval -----------------------------------------------------------


def test_database_refuses_to_accept_a_handoff_straight_from_awaiting_approval(proposed, hsi):
    with pytest.raises(ProgrammingError, match="Cannot update rows"), transaction.atomic():
        Handoff.objects.filter(pk=proposed.pk).update(
            status=HandoffStatus.ACCEPTED,
            responded_by=hsi.liaison,
            responded_at=NOW,
            approved_by=hsi.liaison,
            approved_at=NOW,
        )


def test_database_refuses_to_send_a_pending_handoff_back_to_awaiting_approval(proposed, lead):
    handoff_approve(actor=lead.liaison, handoff=proposed)
    with pytest.raises(ProgrammingError, match="Cannot update rows"), transaction.atomic():
        Handoff.objects.filter(pk=proposed.pk).update(
            status=HandoffStatus.AWAITING_APPROVAL, approved_by=None, approved_at=None
        )


def test_database_refuses_to_drop_the_need_for_approval(proposed):
    with pytest.raises(ProgrammingError, match="Cannot update rows"), transaction.atomic():
        Handoff.objects.filter(pk=proposed.pk).update(needs_approval=False, status=HandoffStatus.PENDING)


def test_database_refuses_a_handoff_needing_approval_made_pending_without_one(proposed):
    with pytest.raises(IntegrityError), transaction.atomic():
        Handoff.objects.filter(pk=proposed.pk).update(status=HandoffStatus.PENDING)


def test_database_refuses_a_handoff_awaiting_approval_that_needs_none(police_task, partner, hsi):
    with pytest.raises(IntegrityError), transaction.atomic():
        Handoff.objects.create(
            task=police_task,
            case=police_task.case,
            from_agency=partner.agency,
            to_agency=hsi.agency,
            status=HandoffStatus.AWAITING_APPROVAL,
            needs_approval=False,
            created_by=partner.liaison,
            respond_by=NOW + timedelta(hours=1),
        )


# --- handoffs proposed before the fix ---------------------------------------------------------------


def _hold_unapproved_invitations() -> None:
    migration = importlib.import_module("casework.migrations.0009_handoff_awaiting_approval")
    with connection.schema_editor() as schema_editor:
        migration.hold_unapproved_invitations(apps, schema_editor)


def test_the_migration_holds_pending_handoffs_that_invited_without_approval(
    police_task, lead_task, shared_case, lead, partner, hsi
):
    # What the old code wrote: pending at once, whoever proposed it.
    old = Handoff.objects.create(
        task=police_task,
        case=shared_case,
        from_agency=partner.agency,
        to_agency=hsi.agency,
        created_by=partner.liaison,
        respond_by=NOW + timedelta(hours=24),
    )
    by_lead_liaison = handoff_create(actor=lead.liaison, task=lead_task, to_agency=hsi.agency)
    to_participant_task = task_create(
        actor=lead.caseworker, case=shared_case, title="Visit", due_at=in_hours(9)
    )
    to_participant = handoff_create(actor=lead.caseworker, task=to_participant_task, to_agency=partner.agency)

    _hold_unapproved_invitations()

    statuses = dict(Handoff.objects.values_list("pk", "status"))
    assert statuses == {
        old.pk: "awaiting_approval",
        by_lead_liaison.pk: "pending",
        to_participant.pk: "pending",
    }
    assert list(handoffs_visible_to(user=hsi.liaison)) == [by_lead_liaison]
