"""The task page: marking done with what was done, reopening, and the sender's read-only view."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.models import TaskStatus
from casework.services.events import case_event_record
from casework.services.handoffs import handoff_accept, handoff_create
from casework.services.tasks import task_complete, task_create
from tests.web.conftest import text

pytestmark = pytest.mark.django_db


def _task(case, actor, **kwargs):
    return task_create(
        actor=actor, case=case, title="Call school", due_at=timezone.now() + timedelta(days=400), **kwargs
    )


def test_mark_done_opens_a_form_for_the_outcome_in_place(browser_as, lead, case):
    task = _task(case, lead.caseworker)

    response = browser_as(lead.caseworker).get(f"/tasks/{task.pk}/complete/", htmx=True)

    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#task-{task.pk}-complete"
    assert "What was done (optional)" in text(response)


def test_marking_done_with_an_outcome_returns_the_row_marked_done(browser_as, lead, case):
    task = _task(case, lead.caseworker)

    response = browser_as(lead.caseworker).post(
        f"/tasks/{task.pk}/complete/", {"outcome": "Spoke to the counsellor."}, htmx=True
    )

    assert response.status_code == 200
    assert "Done." in text(response)
    task.refresh_from_db()
    assert (task.status, task.outcome) == (TaskStatus.DONE, "Spoke to the counsellor.")


def test_a_statutory_task_without_an_outcome_shows_the_form_again_with_the_error(browser_as, lead, case):
    recorded = case_event_record(
        actor=lead.caseworker,
        case=case,
        event_type="missing_reported",
        occurred_at=timezone.now(),
        details={},
    )
    task = next(task for task in recorded.tasks if task.template.key == "report-missing-child")

    response = browser_as(lead.caseworker).post(f"/tasks/{task.pk}/complete/", {"outcome": ""}, htmx=True)

    assert response.status_code == 400
    assert response["HX-Retarget"] == f"#task-{task.pk}-complete"
    assert "Required for a deadline set by law" in text(response)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_the_task_page_shows_who_completed_it_and_what_was_done(browser_as, lead, case):
    task = task_complete(actor=lead.caseworker, task=_task(case, lead.caseworker), outcome="Report 1234567.")

    page = text(browser_as(lead.supervisor).get(f"/tasks/{task.pk}/"))

    assert f"by {lead.caseworker.get_full_name()}" in page
    assert "What was done Report 1234567." in page
    assert "Reopen task" in page


def test_reopening_from_the_task_page(browser_as, lead, case):
    task = task_complete(actor=lead.caseworker, task=_task(case, lead.caseworker))

    response = browser_as(lead.caseworker).post(f"/tasks/{task.pk}/reopen/", {"reason": "Not finished."})

    assert (response.status_code, response["Location"]) == (302, f"/tasks/{task.pk}/")
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_the_sender_sees_a_handed_off_task_read_only(browser_as, lead, partner, shared_case):
    task = _task(shared_case, lead.caseworker)
    handoff = handoff_create(actor=lead.caseworker, task=task, to_agency=partner.agency)
    handoff_accept(actor=partner.liaison, handoff=handoff, assignee=partner.caseworker)

    response = browser_as(lead.caseworker).get(f"/tasks/{task.pk}/")

    page = text(response)
    assert response.status_code == 200
    assert f"Handed off to {partner.agency.name} on" in page
    assert f"Owning agency {partner.agency.name}" in page
    assert "Mark done" not in page
    assert "Hand off" not in page
    assert browser_as(lead.caseworker).post(f"/tasks/{task.pk}/complete/", htmx=True).status_code == 403
