"""Completing a task records what was done; the owning agency may reopen it with a reason."""

from datetime import UTC, datetime

import pytest
import time_machine

from agencies.models import AgencyKind
from audit.models import AuditRecord
from casework.access import get_task_for_user
from casework.models import Task, TaskStatus, TimelineEvent
from casework.services.events import case_event_record
from casework.services.handoffs import handoff_create
from casework.services.tasks import task_complete, task_create, task_reopen, task_update
from common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.conftest import make_staff
from tests.factories import in_hours

pytestmark = pytest.mark.django_db

OCCURRED = datetime(2026, 5, 1, 14, 0, tzinfo=UTC)


def _plain(case, lead) -> Task:
    return task_create(actor=lead.caseworker, case=case, title="Call school", due_at=in_hours(48))


def _statutory(case, lead) -> Task:
    """The NCMEC report a missing child's case owes (a deadline template's task)."""
    recorded = case_event_record(
        actor=lead.caseworker, case=case, event_type="missing_reported", occurred_at=OCCURRED, details={}
    )
    return next(task for task in recorded.tasks if task.template.key == "report-missing-child")


def _review(case, lead) -> Task:
    recorded = case_event_record(
        actor=lead.caseworker, case=case, event_type="removed_from_home", occurred_at=OCCURRED, details={}
    )
    return next(task for task in recorded.tasks if task.template.key == "periodic-case-review")


def _complete_review(task, actor) -> Task:
    with time_machine.travel(datetime(2026, 11, 2, 16, 0, tzinfo=UTC), tick=False):
        return task_complete(actor=actor, task=task, outcome="Review held with the child and the judge.")


# --- completing ----------------------------------------------------------------------------------


def test_completing_records_the_outcome_and_who_completed_it(case, lead):
    task = _plain(case, lead)

    done = task_complete(actor=lead.caseworker, task=task, outcome="  Spoke to the counsellor.  ")

    done.refresh_from_db()
    assert (done.status, done.outcome, done.completed_by) == (
        TaskStatus.DONE,
        "Spoke to the counsellor.",
        lead.caseworker,
    )


def test_an_outcome_is_optional_for_a_task_people_created(case, lead):
    done = task_complete(actor=lead.caseworker, task=_plain(case, lead))

    assert (done.status, done.outcome) == (TaskStatus.DONE, "")


def test_a_statutory_task_is_not_done_without_an_outcome(case, lead):
    task = _statutory(case, lead)

    with pytest.raises(ValidationFailed) as raised:
        task_complete(actor=lead.caseworker, task=task, outcome="   ")

    assert list(raised.value.fields) == ["outcome"]
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_a_statutory_task_is_done_with_its_report_number(case, lead):
    task = _statutory(case, lead)

    task_complete(actor=lead.caseworker, task=task, outcome="Reported to NCMEC, report 1234567.")

    task.refresh_from_db()
    assert (task.status, task.outcome) == (TaskStatus.DONE, "Reported to NCMEC, report 1234567.")


def test_the_completion_line_carries_the_outcome_in_the_tasks_section(case, lead):
    task = _statutory(case, lead)

    task_complete(actor=lead.caseworker, task=task, outcome="Report 1234567.")

    line = TimelineEvent.objects.get(case=case, kind="task_completed")
    assert (line.summary, line.section) == (
        f"Task done: {task.title}. Outcome: Report 1234567.",
        task.section,
    )


# --- reopening -----------------------------------------------------------------------------------


def test_the_owning_agency_reopens_a_done_task_with_a_reason(case, lead):
    task = task_complete(actor=lead.caseworker, task=_plain(case, lead), outcome="Called.")

    reopened = task_reopen(actor=lead.supervisor, task=task, reason="Nobody answered the call.")

    reopened.refresh_from_db()
    assert (reopened.status, reopened.completed_at, reopened.completed_by, reopened.outcome) == (
        TaskStatus.OPEN,
        None,
        None,
        "",
    )


def test_reopening_is_on_the_timeline_with_the_reason_and_the_earlier_outcome(case, lead):
    task = task_complete(actor=lead.caseworker, task=_statutory(case, lead), outcome="Report 1234567.")

    task_reopen(actor=lead.caseworker, task=task, reason="Wrong report number.")

    line = TimelineEvent.objects.get(case=case, kind="task_reopened")
    assert (line.summary, line.section, line.agencies, line.data["previous_outcome"]) == (
        f"Task reopened: {task.title}. Reason: Wrong report number.",
        task.section,
        [lead.agency.pk],
        "Report 1234567.",
    )


def test_reopening_is_in_the_audit_log(case, lead):
    task = task_complete(actor=lead.caseworker, task=_plain(case, lead))

    task_reopen(actor=lead.caseworker, task=task, reason="Not finished.")

    record = AuditRecord.objects.get(event_type="task_reopened")
    assert (record.user, record.object_id, record.case_id) == (lead.caseworker, str(task.pk), case.pk)


def test_reopening_needs_a_reason(case, lead):
    task = task_complete(actor=lead.caseworker, task=_plain(case, lead))

    with pytest.raises(ValidationFailed) as raised:
        task_reopen(actor=lead.caseworker, task=task, reason="  ")

    assert list(raised.value.fields) == ["reason"]


def test_reopening_an_open_task_is_a_conflict(case, lead):
    with pytest.raises(Conflict):
        task_reopen(actor=lead.caseworker, task=_plain(case, lead), reason="Again.")


def test_another_agency_cannot_reopen_a_task(shared_case, lead, partner, unrelated):
    task = task_complete(actor=lead.caseworker, task=_plain(shared_case, lead))

    with pytest.raises(NotFound):
        task_reopen(actor=partner.supervisor, task=task, reason="Ours now.")
    with pytest.raises(NotFound):
        task_reopen(actor=unrelated.supervisor, task=task, reason="Ours now.")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


# --- a repeating series keeps one open task --------------------------------------------------------


def test_reopening_a_review_withdraws_the_next_one_nobody_touched(case, lead):
    review = _complete_review(_review(case, lead), lead.caseworker)

    task_reopen(actor=lead.caseworker, task=review, reason="The hearing was postponed.")

    open_reviews = Task.objects.filter(case=case, template__key="periodic-case-review", status="open")
    assert list(open_reviews) == [review]
    assert TimelineEvent.objects.filter(case=case, kind="task_withdrawn").count() == 1


def test_reopening_a_review_is_refused_once_the_next_one_was_worked_on(case, lead):
    review = _complete_review(_review(case, lead), lead.caseworker)
    following = Task.objects.get(case=case, template__key="periodic-case-review", status="open")
    task_update(actor=lead.caseworker, task=following, expected_version=1, assignee=lead.caseworker)

    with pytest.raises(Conflict):
        task_reopen(actor=lead.caseworker, task=review, reason="The hearing was postponed.")

    review.refresh_from_db()
    assert review.status == TaskStatus.DONE
    assert Task.objects.filter(case=case, template__key="periodic-case-review", status="open").count() == 1


def test_reopening_a_review_is_refused_once_the_next_one_was_offered(case, lead):
    advocate = make_staff(kind=AgencyKind.LEGAL_ADVOCATE, name="Gulf Coast Legal Aid")
    review = _complete_review(_review(case, lead), lead.caseworker)
    following = Task.objects.get(case=case, template__key="periodic-case-review", status="open")
    handoff_create(actor=lead.liaison, task=following, to_agency=advocate.agency)

    with pytest.raises(Conflict):
        task_reopen(actor=lead.caseworker, task=review, reason="The hearing was postponed.")


def test_a_reopened_review_completed_again_schedules_the_next_one_again(case, lead):
    review = _complete_review(_review(case, lead), lead.caseworker)
    task_reopen(actor=lead.caseworker, task=review, reason="The hearing was postponed.")

    _complete_review(get_task_for_user(user=lead.caseworker, task_id=review.pk), lead.caseworker)

    assert Task.objects.filter(case=case, template__key="periodic-case-review", status="open").count() == 1


def test_a_writer_of_another_agency_is_refused_before_any_check(shared_case, lead, partner):
    task = _plain(shared_case, lead)

    with pytest.raises((NotFound, PermissionDenied)):
        task_complete(actor=partner.caseworker, task=task, outcome="x")
