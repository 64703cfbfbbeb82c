"""A caseworker records a court hearing, finds its date on the case, and voids it when it turns
out to be recorded on the wrong case, in a real Chromium (issue 13, item 6)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.models import CaseEvent, Task, TaskStatus
from tests.e2e.conftest import enrol_second_factor, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_records_a_hearing_sees_it_on_the_case_and_voids_it(page, lead, case):
    secret = enrol_second_factor(lead.caseworker)
    sign_in(page, lead.caseworker, second_factor=secret)
    page.goto(f"/cases/{case.pk}/events/")

    what = page.get_by_label("What happened")
    assert what.input_value() == ""
    # Nothing chosen, the browser asks before anything is sent.
    assert what.evaluate("element => element.required") is True
    page.get_by_role("button", name="Record the event").click()
    assert what.evaluate("element => element.validity.valueMissing") is True
    assert not CaseEvent.objects.filter(case=case).exists()

    hearing = timezone.localtime() + timedelta(days=20)
    page.get_by_label("What happened").select_option("court_hearing_scheduled")
    page.get_by_label("When it happened").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Hearing date and time").fill(hearing.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Record the event").click()
    created = page.locator("#created-tasks")
    created.wait_for()
    assert "Prepare for the court hearing" in created.inner_text()

    page.goto(f"/cases/{case.pk}/")
    hearings = page.get_by_role("region", name="Court hearings").inner_text()
    assert hearing.strftime("%H:%M") in hearings

    page.goto(f"/cases/{case.pk}/events/")
    page.get_by_text("Correct or void this event").click()
    page.get_by_label("Why it is voided").fill("Recorded on the wrong case.")
    page.get_by_role("button", name="Void the event").click()
    page.wait_for_url(f"**/cases/{case.pk}/events/")
    assert "Event voided. 2 open tasks cancelled." in page.locator("body").inner_text()
    assert "Voided" in page.locator("#event-panel").inner_text()

    event = CaseEvent.objects.get(case=case)
    assert event.void_reason == "Recorded on the wrong case."
    statuses = list(Task.objects.filter(event=event).values_list("status", flat=True))
    assert statuses == [TaskStatus.CANCELLED, TaskStatus.CANCELLED]
    page.goto(f"/cases/{case.pk}/")
    assert page.get_by_role("region", name="Court hearings").count() == 0
