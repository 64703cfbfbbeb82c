"""Recording, correcting and voiding case events in the browser's pages (issue 13, item 6)."""

import re
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from casework.models import CaseEvent, Task, TaskStatus
from casework.services.events import case_event_record, case_event_void
from tests.web.conftest import text

pytestmark = pytest.mark.django_db


def _hearing(actor, case, hearing_at="2030-07-15T14:00:00+00:00"):
    return case_event_record(
        actor=actor,
        case=case,
        event_type="court_hearing_scheduled",
        occurred_at=timezone.now(),
        details={"hearing_at": hearing_at},
    ).event


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, flags=re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select.group(0))


def test_the_event_form_chooses_no_event_for_the_user(browser_as, lead, case):
    html = browser_as(lead.caseworker).get(f"/cases/{case.pk}/events/").content.decode()

    assert '<option value="" selected>Choose what happened</option>' in html
    assert _selected(html, "event_type") == [""]


def test_recording_without_choosing_what_happened_says_so(browser_as, lead, case):
    response = browser_as(lead.caseworker).post(
        f"/cases/{case.pk}/events/", {"occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    )

    assert response.status_code == 400
    assert "Choose what happened." in text(response)
    assert not CaseEvent.objects.exists()


def test_the_new_case_form_chooses_no_age_band_for_the_user(browser_as, lead):
    html = browser_as(lead.caseworker).get("/cases/new/").content.decode()

    assert _selected(html, "age_band") == [""]


def test_opening_a_case_without_an_age_band_says_what_to_choose(browser_as, lead):
    response = browser_as(lead.caseworker).post("/cases/new/", {"pseudonym": "A.B."})

    assert response.status_code == 400
    assert "Choose the child's age band, or Unknown if nobody knows it yet." in text(response)


def test_the_overview_shows_an_upcoming_court_hearing(browser_as, lead, case, settings):
    settings.TIME_ZONE = "America/Chicago"
    _hearing(lead.caseworker, case)

    page = text(browser_as(lead.caseworker).get(f"/cases/{case.pk}/"))

    assert "Court hearings Mon 15 Jul 2030, 09:00 (recorded by Harris County CPS)" in page


def test_the_overview_shows_no_voided_hearing(browser_as, lead, case):
    event = _hearing(lead.caseworker, case)
    case_event_void(actor=lead.caseworker, case=case, event_id=event.pk, reason="Recorded by mistake.")

    page = text(browser_as(lead.caseworker).get(f"/cases/{case.pk}/"))

    assert "Court hearings" not in page


def test_voiding_from_the_events_page_cancels_its_open_tasks(browser_as, lead, case):
    event = _hearing(lead.caseworker, case)
    prefix = f"event-{event.pk.hex[:12]}-void"

    response = browser_as(lead.caseworker).post(
        f"/cases/{case.pk}/events/{event.pk}/void/", {f"{prefix}-reason": "Recorded on the wrong case."}
    )

    assert response.status_code == 302
    assert set(Task.objects.filter(event=event).values_list("status", flat=True)) == {TaskStatus.CANCELLED}
    page = text(browser_as(lead.caseworker).get(f"/cases/{case.pk}/events/"))
    assert "Voided" in page
    assert "Recorded on the wrong case." in page


def test_correcting_without_a_reason_is_refused_next_to_the_reason(browser_as, lead, case):
    event = _hearing(lead.caseworker, case)
    prefix = f"event-{event.pk.hex[:12]}-correct"

    response = browser_as(lead.caseworker).post(
        f"/cases/{case.pk}/events/{event.pk}/correct/",
        {f"{prefix}-occurred_at": "2026-01-05T10:00", f"{prefix}-hearing_at": "2030-07-20T10:00"},
    )

    assert response.status_code == 400
    assert "Say why the event is being corrected." in text(response)
    assert CaseEvent.objects.get(pk=event.pk).corrected_at is None


def test_a_caseworker_who_did_not_record_the_event_is_offered_no_correction(browser_as, lead, case):
    _hearing(lead.liaison, case)

    page = text(browser_as(lead.caseworker).get(f"/cases/{case.pk}/events/"))

    assert "Correct or void this event" not in page


def test_a_cancelled_task_says_why_on_its_page_and_offers_no_mark_done(browser_as, lead, case):
    event = _hearing(lead.caseworker, case)
    case_event_void(actor=lead.caseworker, case=case, event_id=event.pk, reason="Recorded by mistake.")
    task = Task.objects.filter(event=event).first()
    assert task is not None

    page = text(browser_as(lead.caseworker).get(f"/tasks/{task.pk}/"))

    assert "Status Cancelled: The case event that started it was voided." in page
    assert "Mark done" not in page


def test_correcting_only_the_hearing_time_leaves_when_it_happened_as_recorded(
    browser_as, lead, case, settings
):
    settings.TIME_ZONE = "America/Chicago"
    event = _hearing(lead.caseworker, case)
    recorded_at = CaseEvent.objects.get(pk=event.pk).occurred_at
    prefix = f"event-{event.pk.hex[:12]}-correct"
    shown = timezone.localtime(recorded_at).strftime("%Y-%m-%dT%H:%M")

    response = browser_as(lead.caseworker).post(
        f"/cases/{case.pk}/events/{event.pk}/correct/",
        {
            f"{prefix}-occurred_at": shown,
            f"{prefix}-hearing_at": "2030-07-20T10:00",
            f"{prefix}-reason": "The court moved the hearing.",
        },
    )

    assert response.status_code == 302
    corrected = CaseEvent.objects.get(pk=event.pk)
    assert corrected.occurred_at == recorded_at
    assert corrected.hearing_at == datetime(2030, 7, 20, 15, 0, tzinfo=UTC)
