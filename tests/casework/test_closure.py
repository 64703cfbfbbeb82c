"""Issue 16, part 3: closing a case needs a reason, a summary, every open deadline task set by law
done or justified, and a second person's approval; it keeps every record and stops reminders. The
lead agency reopens it with a reason."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import AgencyKind, Role
from casework.closure import ClosureBlocker, ClosureParticipant, closure_participant_register
from casework.closure import _participants as registered_participants
from casework.models import (
    Case,
    CaseClosure,
    CaseStatus,
    ClosureStatus,
    Handoff,
    HandoffStatus,
    SectionGrant,
    Task,
    TaskStatus,
    TimelineEvent,
)
from casework.services.cases import case_update
from casework.services.closure import (
    case_closure_approve,
    case_closure_request,
    case_closure_return,
    case_closure_withdraw,
    case_reopen,
)
from casework.services.events import case_event_record
from casework.services.handoffs import handoff_create
from casework.services.notes import note_add
from casework.services.sharing import consent_record, consent_revoke, grant_create, participant_invite
from casework.services.tasks import task_create
from casework.sweep import deadlines_sweep
from common.errors import Conflict, PermissionDenied, ValidationFailed
from notifications.models import Notification
from tests.conftest import Staff, make_staff
from tests.factories import UserFactory, in_hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_supervisor(lead: Staff):  # type: ignore[no-untyped-def]
    return UserFactory(agency=lead.agency, role=Role.SUPERVISOR)


def _request(case: Case, lead: Staff, **overrides: object) -> CaseClosure:
    values: dict[str, object] = {
        "actor": lead.caseworker,
        "case_id": case.pk,
        "reason": "reunified",
        "summary": "Returned home with a safety plan; family services in place.",
        "reviewer": lead.supervisor,
    }
    values.update(overrides)
    return case_closure_request(**values)  # type: ignore[arg-type]


def _missing_report_task(case: Case, lead: Staff) -> Task:
    """Reporting a child missing starts two clocks (the report and the NCIC entry); the other one
    is done here, so the report is the one left open."""
    case_event_record(
        actor=lead.caseworker, case=case, event_type="missing_reported", occurred_at=timezone.now()
    )
    Task.objects.filter(case=case, template__isnull=False).exclude(
        template__key="report-missing-child"
    ).update(status=TaskStatus.DONE, completed_at=timezone.now(), outcome="Entered, NIC M123456789.")
    return Task.objects.get(case=case, template__key="report-missing-child")


def test_a_closing_needs_a_reason_a_summary_and_a_supervisor(case: Case, lead: Staff) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _request(case, lead, reason="bored", summary=" ", reviewer=lead.liaison)

    assert set(refused.value.fields) == {"reason", "summary", "reviewer"}
    assert not CaseClosure.objects.exists()


def test_only_the_lead_agency_asks_to_close(shared_case: Case, partner: Staff, lead: Staff) -> None:
    with pytest.raises(PermissionDenied, match="Only the lead agency"):
        _request(shared_case, lead, actor=partner.liaison)


def test_an_open_statutory_task_refuses_closing_until_justified(case: Case, lead: Staff) -> None:
    task = _missing_report_task(case, lead)

    with pytest.raises(ValidationFailed) as refused:
        _request(case, lead)
    assert "Report missing child" in " ".join(refused.value.fields["justifications"])

    closure = _request(case, lead, justifications={f"task:{task.pk}": "Reported by phone to PD, ref 26-118."})
    assert closure.task_justifications == {str(task.pk): "Reported by phone to PD, ref 26-118."}


def test_a_justification_for_something_that_holds_nothing_open_is_refused(case: Case, lead: Staff) -> None:
    with pytest.raises(ValidationFailed, match="cannot be closed"):
        _request(case, lead, justifications={"task:00000000-0000-0000-0000-000000000000": "x"})


def test_requesting_creates_the_reviewers_task(case: Case, lead: Staff) -> None:
    closure = _request(case, lead)

    assert closure.review_task.assignee == lead.supervisor
    assert closure.review_task.status == TaskStatus.OPEN
    assert Notification.objects.filter(recipient=lead.supervisor, kind="case_closure").exists()


def test_an_unanswered_request_is_reminded_and_escalated(case: Case, lead: Staff, second_supervisor) -> None:  # type: ignore[no-untyped-def]
    closure = _request(case, lead)

    deadlines_sweep(now=closure.review_task.due_at + timedelta(minutes=1))

    assert Notification.objects.filter(recipient=second_supervisor, task=closure.review_task).exists()


def test_nobody_approves_their_own_request(case: Case, lead: Staff, second_supervisor) -> None:  # type: ignore[no-untyped-def]
    closure = _request(case, lead, actor=lead.supervisor, reviewer=second_supervisor)

    with pytest.raises(PermissionDenied, match="never the person who asked"):
        case_closure_approve(actor=lead.supervisor, closure_id=closure.pk)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_a_liaison_does_not_approve(case: Case, lead: Staff) -> None:
    closure = _request(case, lead)

    with pytest.raises(PermissionDenied):
        case_closure_approve(actor=lead.liaison, closure_id=closure.pk)


def test_approval_closes_the_case_and_ends_open_work(shared_case: Case, lead: Staff, partner: Staff) -> None:
    statutory = _missing_report_task(shared_case, lead)
    chore = task_create(actor=lead.caseworker, case=shared_case, title="Call school", due_at=in_hours(48))
    handoff = handoff_create(actor=lead.liaison, task=chore, to_agency=partner.agency, note="")
    closure = _request(shared_case, lead, justifications={f"task:{statutory.pk}": "Reported, ref 26-118."})

    case_closure_approve(actor=lead.supervisor, closure_id=closure.pk, comments="Agreed.")

    shared_case.refresh_from_db()
    assert shared_case.status == CaseStatus.CLOSED
    statutory.refresh_from_db()
    assert statutory.status == TaskStatus.CANCELLED
    assert "Reported, ref 26-118." in statutory.cancel_reason
    chore.refresh_from_db()
    assert chore.status == TaskStatus.CANCELLED
    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.WITHDRAWN
    assert handoff.response_note == "Ended: the case was closed."
    closure.refresh_from_db()
    assert closure.status == ClosureStatus.APPROVED
    assert closure.review_task.status == TaskStatus.DONE
    assert TimelineEvent.objects.filter(case=shared_case, kind="case_closed").exists()


def test_a_statutory_task_opened_after_the_request_blocks_approval(case: Case, lead: Staff) -> None:
    closure = _request(case, lead)
    _missing_report_task(case, lead)

    with pytest.raises(Conflict, match="neither done nor justified"):
        case_closure_approve(actor=lead.supervisor, closure_id=closure.pk)


def test_a_closed_case_is_never_reminded(case: Case, lead: Staff) -> None:
    task = task_create(actor=lead.caseworker, case=case, title="Call school", due_at=in_hours(2))
    closure = _request(case, lead)
    case_closure_approve(actor=lead.supervisor, closure_id=closure.pk)

    deadlines_sweep(now=task.due_at + timedelta(hours=30))

    assert not Notification.objects.filter(task=task).exists()


@pytest.fixture
def closed_case(case: Case, lead: Staff) -> Case:
    closure = _request(case, lead)
    case_closure_approve(actor=lead.supervisor, closure_id=closure.pk)
    case.refresh_from_db()
    return case


@pytest.mark.parametrize(
    "change",
    [
        lambda case, lead: case_update(
            actor=lead.caseworker, case=case, expected_version=case.version, core={"pseudonym": "A.B."}
        ),
        lambda case, lead: note_add(actor=lead.caseworker, case=case, section="core", body="Still here."),
        lambda case, lead: task_create(actor=lead.caseworker, case=case, title="x", due_at=in_hours(5)),
        lambda case, lead: case_event_record(
            actor=lead.caseworker, case=case, event_type="missing_reported", occurred_at=timezone.now()
        ),
    ],
    ids=["edit", "note", "task", "event"],
)
def test_a_closed_case_refuses_changes(closed_case: Case, lead: Staff, change) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Conflict, match="This case is closed"):
        change(closed_case, lead)


def test_a_consent_is_revocable_on_a_closed_case(case: Case, lead: Staff) -> None:
    provider = make_staff(kind=AgencyKind.VICTIM_SERVICES, name="Safe Harbor")
    participant_invite(actor=lead.liaison, case=case, agency=provider.agency)
    consent = consent_record(
        actor=lead.liaison,
        case=case,
        recipient_agency=provider.agency,
        sections=["location"],
        purpose="Shelter placement",
        signed_by="M.R. and her aunt",
        signed_on=timezone.localdate(),
    )
    grant_create(actor=lead.liaison, case=case, agency=provider.agency, section="location", consent=consent)
    closure = _request(case, lead)
    case_closure_approve(actor=lead.supervisor, closure_id=closure.pk)

    consent_revoke(actor=lead.liaison, consent=consent)

    assert not SectionGrant.objects.filter(consent=consent, ended_at__isnull=True).exists()


def test_returning_needs_comments_and_leaves_the_case_open(case: Case, lead: Staff) -> None:
    closure = _request(case, lead)
    with pytest.raises(ValidationFailed):
        case_closure_return(actor=lead.supervisor, closure_id=closure.pk, comments=" ")

    case_closure_return(actor=lead.supervisor, closure_id=closure.pk, comments="Wait for the hearing.")

    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert _request(case, lead).status == ClosureStatus.AWAITING_APPROVAL


def test_one_request_at_a_time(case: Case, lead: Staff) -> None:
    _request(case, lead)

    with pytest.raises(Conflict, match="already awaiting"):
        _request(case, lead)


def test_the_requester_withdraws_a_request(case: Case, lead: Staff) -> None:
    closure = _request(case, lead)

    case_closure_withdraw(actor=lead.caseworker, closure_id=closure.pk)

    closure.refresh_from_db()
    assert closure.status == ClosureStatus.WITHDRAWN
    assert closure.review_task.status == TaskStatus.CANCELLED


def test_the_lead_agency_reopens_with_a_reason(closed_case: Case, lead: Staff) -> None:
    case_reopen(actor=lead.liaison, case_id=closed_case.pk, reason="Child ran away from home again.")

    closed_case.refresh_from_db()
    assert closed_case.status == CaseStatus.OPEN
    kinds = list(TimelineEvent.objects.filter(case=closed_case).values_list("kind", flat=True))
    assert "case_closed" in kinds
    assert "case_reopened" in kinds


def test_reopening_needs_a_reason_and_the_lead_agency(closed_case: Case, lead: Staff, partner: Staff) -> None:
    with pytest.raises(ValidationFailed):
        case_reopen(actor=lead.liaison, case_id=closed_case.pk, reason="")
    with pytest.raises(PermissionDenied):
        case_reopen(actor=lead.caseworker, case_id=closed_case.pk, reason="Because.")


def test_an_open_case_is_not_reopened(case: Case, lead: Staff) -> None:
    with pytest.raises(Conflict, match="open"):
        case_reopen(actor=lead.liaison, case_id=case.pk, reason="Because.")


@pytest.fixture
def ongoing_service() -> Iterator[list[str]]:
    """A feature app that holds the case open until it is given a hand-over note."""
    closed_with: list[str] = []

    def blockers(*, case: Case) -> list[ClosureBlocker]:
        return [ClosureBlocker(key="service:1", message="Counselling is ongoing.", justifiable=True)]

    def on_close(*, case: Case, justifications: dict[str, str], **_: object) -> None:
        closed_with.append(justifications["service:1"])

    closure_participant_register(
        ClosureParticipant(name="test-service", blockers=blockers, on_close=on_close)
    )
    yield closed_with
    registered_participants.pop("test-service")


def test_a_feature_app_holds_the_case_open_until_justified(
    case: Case, lead: Staff, ongoing_service: list[str]
) -> None:
    with pytest.raises(ValidationFailed, match="cannot be closed"):
        _request(case, lead)
    closure = _request(
        case, lead, justifications={"service:1": "Counsellor continues weekly, paid by grant."}
    )

    case_closure_approve(actor=lead.supervisor, closure_id=closure.pk)

    assert ongoing_service == ["Counsellor continues weekly, paid by grant."]


def test_nothing_is_deleted_by_closing(shared_case: Case, lead: Staff) -> None:
    task_create(actor=lead.caseworker, case=shared_case, title="Call school", due_at=in_hours(48))
    before = (Task.objects.count(), Handoff.objects.count(), TimelineEvent.objects.count())
    closure = _request(shared_case, lead)

    case_closure_approve(actor=lead.supervisor, closure_id=closure.pk)

    after = (Task.objects.count(), Handoff.objects.count(), TimelineEvent.objects.count())
    assert after[0] == before[0] + 1  # the review task
    assert after[1] == before[1]
    assert after[2] > before[2]
