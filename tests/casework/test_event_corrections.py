"""Correcting and voiding a wrongly recorded case event (issue 13, item 6)."""

from datetime import UTC, datetime

import pytest
import time_machine

from agencies.models import AgencyKind
from audit.models import AuditRecord
from casework.models import CaseEvent, Task, TaskStatus, TimelineEvent
from casework.services.events import case_event_correct, case_event_record, case_event_void
from casework.services.sharing import participant_invite
from casework.services.tasks import task_complete
from casework.sweep import due_task_batches
from common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.conftest import Staff, make_staff
from tests.factories import federal_deadline_templates

pytestmark = pytest.mark.django_db

OCCURRED = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
NOW = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def templates():
    federal_deadline_templates()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def advocate() -> Staff:
    return make_staff(kind=AgencyKind.LEGAL_ADVOCATE, name="Gulf Coast Immigrant Legal Aid")


def _record(actor, case, event_type, occurred_at=OCCURRED, details=None):
    return case_event_record(
        actor=actor, case=case, event_type=event_type, occurred_at=occurred_at, details=details
    )


def _hearing(actor, case, hearing_at="2026-07-15T14:00:00+00:00"):
    return _record(actor, case, "court_hearing_scheduled", details={"hearing_at": hearing_at})


def test_correcting_when_it_happened_makes_open_tasks_due_from_the_corrected_time(shared_case, lead):
    recorded = _record(lead.caseworker, shared_case, "sex_trafficking_identified")
    corrected = case_event_correct(
        actor=lead.caseworker,
        case=shared_case,
        event_id=recorded.event.pk,
        occurred_at=datetime(2026, 5, 31, 9, 0, tzinfo=UTC),
        reason="Typed the wrong day.",
    )
    task = Task.objects.get(pk=recorded.tasks[0].pk)
    assert task.due_at == datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    assert task.version == 2
    assert [t.pk for t in corrected.updated] == [task.pk]
    event = CaseEvent.objects.get(pk=recorded.event.pk)
    assert event.occurred_at == datetime(2026, 5, 31, 9, 0, tzinfo=UTC)
    assert event.corrected_at == NOW


def test_correcting_leaves_a_done_task_done_and_its_due_time_as_it_was(shared_case, lead):
    recorded = _record(lead.caseworker, shared_case, "sex_trafficking_identified")
    task_complete(actor=lead.caseworker, task=recorded.tasks[0], outcome="Reported; reference 2026-0412.")
    case_event_correct(
        actor=lead.liaison,
        case=shared_case,
        event_id=recorded.event.pk,
        occurred_at=datetime(2026, 5, 31, 9, 0, tzinfo=UTC),
        reason="Typed the wrong day.",
    )
    task = Task.objects.get(pk=recorded.tasks[0].pk)
    assert (task.status, task.due_at) == (TaskStatus.DONE, datetime(2026, 6, 2, 15, 0, tzinfo=UTC))


def test_correcting_the_hearing_time_moves_the_court_reminders(shared_case, lead, advocate):
    participant_invite(actor=lead.liaison, case=shared_case, agency=advocate.agency)
    recorded = _hearing(lead.caseworker, shared_case)
    case_event_correct(
        actor=lead.caseworker,
        case=shared_case,
        event_id=recorded.event.pk,
        hearing_at="2026-07-20T15:30:00+00:00",
        reason="The court moved the hearing.",
    )
    assert CaseEvent.objects.get(pk=recorded.event.pk).details == {"hearing_at": "2026-07-20T15:30:00+00:00"}
    assert sorted(Task.objects.filter(event=recorded.event).values_list("due_at", flat=True)) == [
        datetime(2026, 7, 19, 15, 30, tzinfo=UTC),
        datetime(2026, 7, 19, 15, 30, tzinfo=UTC),
    ]


def test_correcting_writes_a_timeline_line_in_the_events_section_and_an_audit_record(shared_case, lead):
    recorded = _hearing(lead.caseworker, shared_case)
    case_event_correct(
        actor=lead.caseworker,
        case=shared_case,
        event_id=recorded.event.pk,
        hearing_at="2026-07-20T15:30:00+00:00",
        reason="The court moved the hearing.",
    )
    line = TimelineEvent.objects.get(kind="case_event_corrected")
    assert line.section == "location"
    assert line.summary == (
        "Court hearing scheduled: the hearing time corrected by Harris County CPS. "
        "Reason: The court moved the hearing."
    )
    audit = AuditRecord.objects.get(event_type="case_event.corrected")
    assert (audit.user_id, audit.object_id, audit.section, audit.detail) == (
        lead.caseworker.pk,
        str(recorded.event.pk),
        "location",
        {"type": "court_hearing_scheduled", "fields": ["hearing_at"]},
    )


def test_a_hearing_time_is_refused_for_an_event_that_is_no_hearing(shared_case, lead):
    recorded = _record(lead.caseworker, shared_case, "sex_trafficking_identified")
    with pytest.raises(ValidationFailed) as error:
        case_event_correct(
            actor=lead.caseworker,
            case=shared_case,
            event_id=recorded.event.pk,
            hearing_at="2026-07-20T15:30:00+00:00",
            reason="Oops.",
        )
    assert error.value.fields == {"hearing_at": ["Only a court hearing has a hearing time: leave it empty."]}


def test_a_correction_needs_a_reason(shared_case, lead):
    recorded = _record(lead.caseworker, shared_case, "sex_trafficking_identified")
    with pytest.raises(ValidationFailed) as error:
        case_event_correct(
            actor=lead.caseworker,
            case=shared_case,
            event_id=recorded.event.pk,
            occurred_at=datetime(2026, 5, 31, 9, 0, tzinfo=UTC),
            reason="   ",
        )
    assert error.value.fields == {"reason": ["Say why the event is being corrected."]}


def test_a_correction_to_the_recorded_time_is_refused_as_nothing_to_correct(shared_case, lead):
    recorded = _record(lead.caseworker, shared_case, "sex_trafficking_identified")
    with pytest.raises(ValidationFailed) as error:
        case_event_correct(
            actor=lead.caseworker,
            case=shared_case,
            event_id=recorded.event.pk,
            occurred_at=OCCURRED,
            reason="x",
        )
    assert error.value.message == "Nothing to correct."


def test_voiding_cancels_open_tasks_with_the_reason_and_deletes_nothing(shared_case, lead):
    recorded = _record(lead.caseworker, shared_case, "missing_reported")
    voided = case_event_void(
        actor=lead.caseworker, case=shared_case, event_id=recorded.event.pk, reason="Wrong case."
    )
    tasks = list(Task.objects.filter(event=recorded.event))
    assert len(tasks) == 2
    assert {(t.status, t.cancel_reason) for t in tasks} == {
        (TaskStatus.CANCELLED, "The case event that started it was voided: Wrong case.")
    }
    assert sorted(t.pk for t in voided.cancelled) == sorted(t.pk for t in tasks)
    event = CaseEvent.objects.get(pk=recorded.event.pk)
    voided_by = (event.voided_at, event.voided_by_id, event.void_reason)
    assert voided_by == (NOW, lead.caseworker.pk, "Wrong case.")
    assert AuditRecord.objects.filter(event_type="case_event.voided", object_id=str(event.pk)).count() == 1


def test_voiding_leaves_a_done_task_done(shared_case, lead):
    recorded = _record(lead.caseworker, shared_case, "sex_trafficking_identified")
    task_complete(actor=lead.caseworker, task=recorded.tasks[0], outcome="Reported; reference 2026-0412.")
    voided = case_event_void(
        actor=lead.caseworker, case=shared_case, event_id=recorded.event.pk, reason="Oops."
    )
    assert voided.cancelled == []
    assert Task.objects.get(pk=recorded.tasks[0].pk).status == TaskStatus.DONE


def test_a_core_task_of_a_location_event_is_cancelled_without_the_reason(shared_case, lead):
    recorded = _hearing(lead.caseworker, shared_case)
    case_event_void(
        actor=lead.caseworker,
        case=shared_case,
        event_id=recorded.event.pk,
        reason="Hearing at 12 Main St is off.",
    )
    reasons = set(Task.objects.filter(event=recorded.event).values_list("cancel_reason", flat=True))
    assert reasons == {"The case event that started it was voided."}


def test_a_cancelled_task_fires_no_reminder(shared_case, lead):
    recorded = _record(lead.caseworker, shared_case, "sex_trafficking_identified")
    case_event_void(actor=lead.caseworker, case=shared_case, event_id=recorded.event.pk, reason="Oops.")
    batches = due_task_batches(now=datetime(2026, 6, 3, 15, 0, tzinfo=UTC))
    assert recorded.tasks[0].pk not in {task_id for batch in batches for task_id in batch}


def test_a_cancelled_task_cannot_be_marked_done(shared_case, lead):
    recorded = _record(lead.caseworker, shared_case, "sex_trafficking_identified")
    case_event_void(actor=lead.caseworker, case=shared_case, event_id=recorded.event.pk, reason="Oops.")
    with pytest.raises(Conflict):
        task_complete(actor=lead.caseworker, task=recorded.tasks[0], outcome="Reported; reference 2026-0412.")


def test_a_voided_event_can_be_neither_voided_again_nor_corrected(shared_case, lead):
    recorded = _record(lead.caseworker, shared_case, "sex_trafficking_identified")
    case_event_void(actor=lead.caseworker, case=shared_case, event_id=recorded.event.pk, reason="Oops.")
    with pytest.raises(Conflict):
        case_event_void(actor=lead.liaison, case=shared_case, event_id=recorded.event.pk, reason="Again.")
    with pytest.raises(Conflict):
        case_event_correct(
            actor=lead.liaison,
            case=shared_case,
            event_id=recorded.event.pk,
            occurred_at=datetime(2026, 5, 31, 9, 0, tzinfo=UTC),
            reason="Too late.",
        )


def test_a_caseworker_who_did_not_record_it_may_not_void_it(shared_case, lead):
    recorded = _record(lead.liaison, shared_case, "sex_trafficking_identified")
    with pytest.raises(PermissionDenied):
        case_event_void(actor=lead.caseworker, case=shared_case, event_id=recorded.event.pk, reason="Mine.")


def test_a_supervisor_of_the_recording_agency_may_void_what_a_caseworker_recorded(shared_case, lead):
    recorded = _record(lead.caseworker, shared_case, "sex_trafficking_identified")
    case_event_void(actor=lead.supervisor, case=shared_case, event_id=recorded.event.pk, reason="Oops.")
    assert CaseEvent.objects.get(pk=recorded.event.pk).voided_by_id == lead.supervisor.pk


def test_another_agency_on_the_case_may_not_void_it(shared_case, lead, partner):
    recorded = _record(lead.caseworker, shared_case, "sex_trafficking_identified")
    with pytest.raises(PermissionDenied):
        case_event_void(actor=partner.supervisor, case=shared_case, event_id=recorded.event.pk, reason="No.")
    assert Task.objects.get(pk=recorded.tasks[0].pk).status == TaskStatus.OPEN


def test_an_event_in_a_section_the_agency_does_not_read_is_not_found(shared_case, lead, partner):
    recorded = _hearing(lead.caseworker, shared_case)
    with pytest.raises(NotFound):
        case_event_void(actor=partner.supervisor, case=shared_case, event_id=recorded.event.pk, reason="No.")
