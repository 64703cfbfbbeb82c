"""The case's Closing tab (issue 16, part 3): the lead agency asks, another supervisor decides,
the lead agency reopens; other agencies have no such tab and never read the summary."""

import pytest
from django.utils import timezone

from casework.models import CaseClosure, CaseStatus, ClosureStatus, Task
from casework.services.closure import case_closure_approve, case_closure_request
from casework.services.events import case_event_record
from tests.web.conftest import Browser, text

pytestmark = pytest.mark.django_db

SUMMARY = "MKCLOSINGSUMMARY home with her aunt"


def closing_url(case):
    return f"/cases/{case.pk}/closing/"


def _ask(case, lead):
    return case_closure_request(
        actor=lead.caseworker, case_id=case.pk, reason="reunified", summary=SUMMARY, reviewer=lead.supervisor
    )


def test_the_lead_agency_has_the_tab_and_asks_to_close(case, lead):
    overview = Browser(lead.caseworker).get(f"/cases/{case.pk}/").content.decode()
    response = Browser(lead.caseworker).post(
        closing_url(case),
        {"reason": "aged_out", "summary": "Turned 18, own flat.", "reviewer": lead.supervisor.pk},
    )

    assert f'href="{closing_url(case)}"' in overview
    assert response.status_code == 302
    assert CaseClosure.objects.get().status == ClosureStatus.AWAITING_APPROVAL


def test_a_deadline_task_left_open_must_be_justified_on_the_form(case, lead):
    case_event_record(
        actor=lead.caseworker, case=case, event_type="missing_reported", occurred_at=timezone.now()
    )

    page = Browser(lead.caseworker).get(closing_url(case))
    refused = Browser(lead.caseworker).post(
        closing_url(case), {"reason": "aged_out", "summary": "Turned 18.", "reviewer": lead.supervisor.pk}
    )

    assert "Report missing child" in text(page)
    assert refused.status_code == 400
    assert "say why the case may close with it open" in text(refused)
    assert not CaseClosure.objects.exists()


def test_the_supervisor_approves_on_the_page(case, lead):
    closure = _ask(case, lead)

    page = Browser(lead.supervisor).get(closing_url(case))
    response = Browser(lead.supervisor).post(f"{closing_url(case)}{closure.pk}/approve/", {"comments": ""})

    assert "Approve and close the case" in text(page)
    assert SUMMARY in text(page)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_the_requester_is_not_offered_the_decision(case, lead):
    _ask(case, lead)

    page = text(Browser(lead.caseworker).get(closing_url(case)))

    assert "Approve and close the case" not in page
    assert "Withdraw the request" in page


def test_a_return_needs_comments(case, lead):
    closure = _ask(case, lead)

    response = Browser(lead.supervisor).post(f"{closing_url(case)}{closure.pk}/return/", {"comments": ""})

    assert response.status_code == 400
    closure.refresh_from_db()
    assert closure.status == ClosureStatus.AWAITING_APPROVAL


def test_partners_have_no_tab_and_the_page_does_not_exist(shared_case, lead, partner):
    _ask(shared_case, lead)

    overview = Browser(partner.liaison).get(f"/cases/{shared_case.pk}/").content.decode()
    page = Browser(partner.liaison).get(closing_url(shared_case))
    timeline = Browser(partner.liaison).get(f"/cases/{shared_case.pk}/timeline/")

    assert closing_url(shared_case) not in overview
    assert page.status_code == 404
    assert "Closing requested" in text(timeline)
    assert "MKCLOSINGSUMMARY" not in timeline.content.decode()


def test_a_closed_case_is_reopened_with_a_reason(case, lead):
    closure = _ask(case, lead)
    case_closure_approve(actor=lead.supervisor, closure_id=closure.pk)

    page = text(Browser(lead.liaison).get(closing_url(case)))
    response = Browser(lead.liaison).post(f"/cases/{case.pk}/reopen/", {"reason": "Ran away again."})

    assert "This case is closed" in page
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert not Task.objects.filter(case=case, status="open").exists()
