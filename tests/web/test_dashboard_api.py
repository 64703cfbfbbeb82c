"""`GET /api/v1/dashboard/`: supervisors only, the caller's agency, a validated period."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.api.conftest import body, error_of
from tests.web.conftest import make_task

pytestmark = pytest.mark.django_db


def test_a_supervisor_gets_the_figures_of_their_agency(api_as, lead, shared_case):
    make_task(case=shared_case, owner=lead.agency, title="Late", due_at=timezone.now() - timedelta(hours=2))

    response = api_as(lead.supervisor).get("dashboard/")

    assert response.status_code == 200
    data = body(response)
    assert data["agency"] == lead.agency.pk
    assert data["cases"] == {"open": 1, "open_led": 1, "opened_in_period": 1}
    assert data["overdue_total"] == 1
    assert [row["assignee"] for row in data["overdue_by_assignee"]] == [None]
    assert set(data) == {
        "agency",
        "since",
        "until",
        "generated_at",
        "stored",
        "period_generated_at",
        "cases",
        "overdue_total",
        "overdue_by_assignee",
        "upcoming_total",
        "upcoming",
        "upcoming_by_day",
        "pending_handoffs",
        "pending_incoming_total",
        "pending_outgoing_total",
        "response_times",
        "compliance",
        "compliance_share_met",
        "caseload",
        "relief_birthdays",
    }


def test_the_period_defaults_to_the_last_thirty_local_days(api_as, lead):
    data = body(api_as(lead.supervisor).get("dashboard/"))

    today = timezone.localdate()
    since = timezone.localtime(datetime.fromisoformat(data["since"])).date()
    until = timezone.localtime(datetime.fromisoformat(data["until"])).date()
    assert (since, until) == (today - timedelta(days=29), today + timedelta(days=1))


def test_the_period_can_be_chosen(api_as, lead):
    data = body(api_as(lead.supervisor).get("dashboard/", {"since": "2026-01-01", "until": "2026-01-31"}))

    assert (data["since"], data["until"]) == ("2026-01-01T06:00:00Z", "2026-02-01T06:00:00Z")


@pytest.mark.parametrize("role", ["caseworker", "liaison", "admin"])
def test_other_roles_are_refused(api_as, lead, role):
    response = api_as(getattr(lead, role)).get("dashboard/")

    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_without_signing_in_it_is_401(api_as):
    assert api_as(None).get("dashboard/").status_code == 401


def test_a_malformed_date_is_400_with_the_field(api_as, lead):
    response = api_as(lead.supervisor).get("dashboard/", {"since": "last week"})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["since"]


def test_a_period_ending_before_it_starts_is_400(api_as, lead):
    response = api_as(lead.supervisor).get("dashboard/", {"since": "2026-03-02", "until": "2026-03-01"})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"until": ["Must not be before since."]}
