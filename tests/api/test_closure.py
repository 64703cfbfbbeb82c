"""Closing and reopening a case through the API (issue 16, part 3)."""

import pytest

from casework.models import CaseStatus
from tests.api.conftest import body, error_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _ask(api, case, reviewer, **extra):
    payload = {
        "reason": "reunified",
        "summary": "Home with her mother; services in place.",
        "reviewer": reviewer.pk,
    }
    return api.post(f"cases/{case.pk}/closures/", {**payload, **extra})


def test_the_lead_asks_a_supervisor_approves_and_everyone_sees_why(api_as, lead, partner, shared_case):
    asked = _ask(api_as(lead.caseworker), shared_case, lead.supervisor)
    assert asked.status_code == 201, asked.content
    closure_id = body(asked)["id"]

    approved = api_as(lead.supervisor).post(f"cases/{shared_case.pk}/closures/{closure_id}/approve/", {})

    assert approved.status_code == 200, approved.content
    shared_case.refresh_from_db()
    assert shared_case.status == CaseStatus.CLOSED
    seen_by_partner = body(api_as(partner.liaison).get(f"cases/{shared_case.pk}/closures/"))["results"]
    assert seen_by_partner[0]["reason"] == "reunified"
    assert "summary" not in seen_by_partner[0]


def test_a_closing_without_a_summary_answers_field_messages(api_as, lead, case):
    response = _ask(api_as(lead.caseworker), case, lead.supervisor, summary="")

    assert response.status_code == 400
    assert "summary" in error_of(response)["fields"]


def test_a_reviewer_from_another_agency_is_refused_like_an_unknown_id(api_as, lead, partner, case):
    other = _ask(api_as(lead.caseworker), case, partner.supervisor)
    unknown = api_as(lead.caseworker).post(
        f"cases/{case.pk}/closures/", {"reason": "reunified", "summary": "x", "reviewer": 999_999}
    )

    assert other.status_code == unknown.status_code == 400
    assert error_of(other)["fields"]["reviewer"] == error_of(unknown)["fields"]["reviewer"]


def test_self_approval_is_403(api_as, lead, case):
    second = UserFactory(agency=lead.agency, role="supervisor")
    closure_id = body(_ask(api_as(lead.supervisor), case, second))["id"]

    response = api_as(lead.supervisor).post(f"cases/{case.pk}/closures/{closure_id}/approve/", {})

    assert response.status_code == 403


def test_editing_the_status_directly_is_refused(api_as, lead, case):
    response = api_as(lead.liaison).patch(f"cases/{case.pk}/", {"status": "closed"}, **{"If-Match": '"1"'})

    assert response.status_code == 400
    assert "status" in error_of(response)["fields"]


def test_a_closed_case_answers_409_to_changes_and_reopens(api_as, lead, case):
    closure_id = body(_ask(api_as(lead.caseworker), case, lead.supervisor))["id"]
    api_as(lead.supervisor).post(f"cases/{case.pk}/closures/{closure_id}/approve/", {})

    note = api_as(lead.caseworker).post(f"cases/{case.pk}/notes/", {"section": "core", "body": "Hello"})
    assert note.status_code == 409
    assert "closed" in error_of(note)["message"]

    reopened = api_as(lead.liaison).post(f"cases/{case.pk}/reopen/", {"reason": "Ran away again."})
    assert reopened.status_code == 200, reopened.content
    assert body(reopened)["reopen_reason"] == "Ran away again."
