"""The liaison's home: incoming handoffs by urgency and time left, answered in place."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.models import Handoff, HandoffStatus
from casework.services.handoffs import handoff_create, handoff_decline
from casework.services.tasks import task_create
from tests.web.conftest import text

pytestmark = pytest.mark.django_db


def offer(*, lead, partner, case, title, urgent=False):
    task = task_create(
        actor=lead.caseworker, case=case, title=title, due_at=timezone.now() + timedelta(days=3)
    )
    return handoff_create(actor=lead.caseworker, task=task, to_agency=partner.agency, urgent=urgent)


def test_incoming_handoffs_are_urgent_first_then_least_time_left(browser_as, lead, partner, shared_case):
    offer(lead=lead, partner=partner, case=shared_case, title="Normal, older")
    offer(lead=lead, partner=partner, case=shared_case, title="Urgent", urgent=True)
    later = offer(lead=lead, partner=partner, case=shared_case, title="Normal, newer")
    Handoff.objects.filter(pk=later.pk).update(respond_by=later.respond_by + timedelta(hours=1))

    page = text(browser_as(partner.liaison).get("/handoffs/"))

    incoming = page.split("Waiting for your agency's answer", 1)[1].split("Sent by your agency", 1)[0]
    assert incoming.index("Urgent") < incoming.index("Normal, older") < incoming.index("Normal, newer")


def test_accepting_in_place_hands_the_task_to_the_chosen_member(browser_as, lead, partner, shared_case):
    handoff = offer(lead=lead, partner=partner, case=shared_case, title="Canvass")

    response = browser_as(partner.liaison).post(
        f"/handoffs/{handoff.pk}/accept/",
        {"assignee": str(partner.caseworker.public_id), "note": "On it"},
        htmx=True,
    )

    assert response.status_code == 200
    assert "Accepted. The work is your agency's now." in text(response)
    handoff.refresh_from_db()
    handoff.task.refresh_from_db()
    assert (handoff.status, handoff.task.owner_agency, handoff.task.assignee) == (
        HandoffStatus.ACCEPTED,
        partner.agency,
        partner.caseworker,
    )


def test_declining_needs_a_reason(browser_as, lead, partner, shared_case):
    handoff = offer(lead=lead, partner=partner, case=shared_case, title="Canvass")

    response = browser_as(partner.liaison).post(
        f"/handoffs/{handoff.pk}/decline/", {"reason": "  "}, htmx=True
    )

    assert response.status_code == 400
    assert "This field is required." in text(response)
    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.PENDING


def test_declining_with_a_reason_tells_the_sender(browser_as, lead, partner, shared_case):
    handoff = offer(lead=lead, partner=partner, case=shared_case, title="Canvass")

    response = browser_as(partner.liaison).post(
        f"/handoffs/{handoff.pk}/decline/", {"reason": "No officers free"}, htmx=True
    )

    assert response.status_code == 200
    handoff.refresh_from_db()
    assert (handoff.status, handoff.response_note) == (HandoffStatus.DECLINED, "No officers free")


def test_a_caseworker_of_the_receiving_agency_is_not_offered_the_answer(
    browser_as, lead, partner, shared_case
):
    handoff = offer(lead=lead, partner=partner, case=shared_case, title="Canvass")
    from casework.services.sharing import team_member_add

    team_member_add(actor=partner.liaison, case=shared_case, member=partner.caseworker)
    browser = browser_as(partner.caseworker)

    html = browser.get("/handoffs/").content.decode()
    response = browser.post(f"/handoffs/{handoff.pk}/accept/", {}, htmx=True)

    assert f"/handoffs/{handoff.pk}/accept/" not in html
    assert response.status_code == 403
    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.PENDING


def test_answering_a_handoff_already_declined_says_so(browser_as, lead, partner, shared_case):
    handoff = offer(lead=lead, partner=partner, case=shared_case, title="Canvass")
    handoff_decline(actor=partner.supervisor, handoff=handoff, reason="No")

    response = browser_as(partner.liaison).post(f"/handoffs/{handoff.pk}/accept/", {}, htmx=True)

    assert response.status_code == 409
    assert "This handoff is already declined." in text(response)


def test_the_sender_withdraws_a_pending_handoff(browser_as, lead, partner, shared_case):
    handoff = offer(lead=lead, partner=partner, case=shared_case, title="Canvass")

    response = browser_as(lead.caseworker).post(f"/handoffs/{handoff.pk}/withdraw/")

    assert (response.status_code, response["Location"]) == (302, "/handoffs/")
    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.WITHDRAWN


def test_an_unrelated_agency_cannot_see_the_handoff(browser_as, lead, partner, unrelated, shared_case):
    handoff = offer(lead=lead, partner=partner, case=shared_case, title="Canvass")

    assert browser_as(unrelated.liaison).get(f"/handoffs/{handoff.pk}/").status_code == 404
