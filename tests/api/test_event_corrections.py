"""`POST /cases/{id}/events/{event_id}/correct/` and `/void/` (issue 13, item 6)."""

import pytest

from casework.models import Task, TaskStatus
from tests.api.conftest import body, error_of

pytestmark = pytest.mark.django_db

HEARING = {
    "type": "court_hearing_scheduled",
    "occurred_at": "2026-06-01T09:00:00-05:00",
    "details": {"hearing_at": "2026-07-15T09:00:00-05:00"},
}


def _record(api, case, payload=None):
    response = api.post(f"cases/{case.pk}/events/", payload or HEARING)
    assert response.status_code == 201
    return body(response)


def test_the_events_list_shows_a_court_hearings_date(api_as, lead, case):
    _record(api_as(lead.caseworker), case)

    events = body(api_as(lead.caseworker).get(f"cases/{case.pk}/events/"))["results"]

    assert [(event["type"], event["hearing_at"], event["voided"]) for event in events] == [
        ("court_hearing_scheduled", "2026-07-15T14:00:00Z", False)
    ]


def test_correcting_the_hearing_time_answers_the_event_with_its_tasks_due_again(api_as, lead, case):
    event = _record(api_as(lead.caseworker), case)

    response = api_as(lead.caseworker).post(
        f"cases/{case.pk}/events/{event['id']}/correct/",
        {"hearing_at": "2026-07-20T10:30:00-05:00", "reason": "The court moved it."},
    )

    assert response.status_code == 200
    corrected = body(response)
    assert corrected["hearing_at"] == "2026-07-20T15:30:00Z"
    assert {task["due_at"] for task in corrected["tasks"]} == {"2026-07-19T15:30:00Z"}


def test_voiding_answers_the_event_voided_and_its_tasks_cancelled(api_as, lead, case):
    event = _record(api_as(lead.caseworker), case)

    response = api_as(lead.caseworker).post(
        f"cases/{case.pk}/events/{event['id']}/void/", {"reason": "Wrong case."}
    )

    assert response.status_code == 200
    voided = body(response)
    assert (voided["voided"], voided["void_reason"]) == (True, "Wrong case.")
    assert {task["status"] for task in voided["tasks"]} == {"cancelled"}
    assert set(Task.objects.filter(case=case).values_list("status", flat=True)) == {TaskStatus.CANCELLED}


def test_voiding_without_a_reason_is_a_400_on_the_reason(api_as, lead, case):
    event = _record(api_as(lead.caseworker), case)

    response = api_as(lead.caseworker).post(f"cases/{case.pk}/events/{event['id']}/void/", {"reason": ""})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["reason"]


def test_voiding_twice_is_a_409(api_as, lead, case):
    event = _record(api_as(lead.caseworker), case)
    api_as(lead.caseworker).post(f"cases/{case.pk}/events/{event['id']}/void/", {"reason": "Oops."})

    response = api_as(lead.liaison).post(f"cases/{case.pk}/events/{event['id']}/void/", {"reason": "Again."})

    assert response.status_code == 409


def test_another_agency_that_sees_the_event_gets_403(api_as, lead, partner, shared_case):
    event = _record(
        api_as(lead.caseworker),
        shared_case,
        {"type": "sex_trafficking_identified", "occurred_at": "2026-06-01T09:00:00-05:00"},
    )

    response = api_as(partner.supervisor).post(
        f"cases/{shared_case.pk}/events/{event['id']}/void/", {"reason": "Not ours."}
    )

    assert response.status_code == 403


def test_an_event_in_a_section_the_caller_does_not_read_is_a_404(api_as, lead, partner, shared_case):
    event = _record(api_as(lead.caseworker), shared_case)

    response = api_as(partner.supervisor).post(
        f"cases/{shared_case.pk}/events/{event['id']}/correct/",
        {"occurred_at": "2026-05-31T09:00:00-05:00", "reason": "No."},
    )

    assert response.status_code == 404
