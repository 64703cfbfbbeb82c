"""The liaison's home: incoming handoffs by urgency and time left, answered in place; for the lead
agency, handoffs that would bring another agency onto its case, approved or declined in place."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import AgencyKind
from casework.models import Handoff, HandoffStatus
from casework.services.handoffs import handoff_create, handoff_decline
from casework.services.tasks import task_create
from tests.conftest import make_staff
from tests.web.conftest import html_text, text

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


# --- handoffs that bring a new agency onto the case (issue 12, finding 2) ---------------------------


@pytest.fixture
def hsi():
    return make_staff(kind=AgencyKind.IMMIGRATION, name="HSI Houston")


@pytest.fixture
def proposed(partner, hsi, shared_case):
    """The police liaison hands its task to HSI, which is not on the CPS-led case."""
    task = task_create(
        actor=partner.liaison,
        case=shared_case,
        title="Trace the trafficker's phone",
        due_at=timezone.now() + timedelta(days=3),
    )
    return handoff_create(actor=partner.liaison, task=task, to_agency=hsi.agency)


def test_the_lead_liaisons_desk_lists_the_handoff_to_approve_without_the_task_title(
    browser_as, lead, proposed
):
    page = text(browser_as(lead.liaison).get("/handoffs/"))

    to_approve = page.split("Awaiting your approval", 1)[1].split("Sent by your agency", 1)[0]
    assert "A task of Houston Police Department" in to_approve
    assert "From Houston Police Department to HSI Houston" in to_approve
    assert "Trace the trafficker's phone" not in page


def test_the_lead_liaison_approves_in_place_and_the_receiver_then_sees_it(browser_as, lead, hsi, proposed):
    response = browser_as(lead.liaison).post(f"/handoffs/{proposed.pk}/approve/", {}, htmx=True)

    assert response.status_code == 200
    assert "Approved. HSI Houston is asked to answer now." in text(response)
    proposed.refresh_from_db()
    assert (proposed.status, proposed.approved_by) == (HandoffStatus.PENDING, lead.liaison)
    assert "Trace the trafficker's phone" in text(browser_as(hsi.liaison).get("/handoffs/"))


def test_the_lead_liaison_declines_in_place_with_a_reason(browser_as, lead, proposed):
    response = browser_as(lead.liaison).post(
        f"/handoffs/{proposed.pk}/decline/", {"reason": "Not needed on this case"}, htmx=True
    )

    assert response.status_code == 200
    proposed.refresh_from_db()
    assert (proposed.status, proposed.responded_by, proposed.response_note) == (
        HandoffStatus.DECLINED,
        lead.liaison,
        "Not needed on this case",
    )


def test_the_sender_sees_its_handoff_awaiting_the_lead_agencys_approval(browser_as, partner, proposed):
    page = text(browser_as(partner.liaison).get("/handoffs/"))

    outgoing = page.split("Sent by your agency", 1)[1].split("Answered and closed", 1)[0]
    assert "Trace the trafficker's phone" in outgoing
    assert "Awaiting the lead agency's approval (Harris County CPS)" in outgoing
    assert "HSI Houston does not see it yet." in outgoing


def test_the_receiving_agency_sees_nothing_of_a_handoff_awaiting_approval_in_the_browser(
    browser_as, hsi, proposed
):
    browser = browser_as(hsi.liaison)

    assert "Trace the trafficker's phone" not in text(browser.get("/handoffs/"))
    assert browser.get(f"/handoffs/{proposed.pk}/").status_code == 404
    assert browser.post(f"/handoffs/{proposed.pk}/accept/", {}, htmx=True).status_code == 404
    assert browser.post(f"/handoffs/{proposed.pk}/approve/", {}, htmx=True).status_code == 404
    assert browser.get(f"/tasks/{proposed.task_id}/").status_code == 404
    proposed.refresh_from_db()
    assert proposed.status == HandoffStatus.AWAITING_APPROVAL


def test_the_sender_may_not_approve_its_own_handoff_in_the_browser(browser_as, partner, proposed):
    response = browser_as(partner.supervisor).post(f"/handoffs/{proposed.pk}/approve/", {}, htmx=True)

    assert response.status_code == 403
    proposed.refresh_from_db()
    assert proposed.status == HandoffStatus.AWAITING_APPROVAL


def test_the_handoff_form_says_which_agencies_the_lead_agency_must_approve_first(
    browser_as, lead, partner, hsi, shared_case
):
    task = task_create(
        actor=partner.liaison, case=shared_case, title="Canvass", due_at=timezone.now() + timedelta(days=3)
    )

    html = browser_as(partner.liaison).get(f"/tasks/{task.pk}/handoff/", htmx=True).content.decode()

    on_case, off_case = html.split('<optgroup label="On this case">', 1)[1].split(
        '<optgroup label="Not on this case yet: Harris County CPS must approve first">', 1
    )
    assert f'<option value="{lead.agency.pk}">' in on_case
    assert f'<option value="{hsi.agency.pk}">' in off_case
    assert "so Harris County CPS must approve first; that agency sees nothing until then." in " ".join(
        html.split()
    )


def test_the_lead_liaisons_handoff_form_needs_no_approval(browser_as, lead, shared_case):
    task = task_create(
        actor=lead.liaison, case=shared_case, title="Canvass", due_at=timezone.now() + timedelta(days=3)
    )

    html = browser_as(lead.liaison).get(f"/tasks/{task.pk}/handoff/", htmx=True).content.decode()

    assert "<optgroup" not in html
    assert "must approve first" not in html


def test_handing_off_to_an_agency_not_on_the_case_says_it_goes_to_the_lead_agency_first(
    browser_as, partner, hsi, shared_case
):
    task = task_create(
        actor=partner.liaison, case=shared_case, title="Canvass", due_at=timezone.now() + timedelta(days=3)
    )

    response = browser_as(partner.liaison).post(
        f"/tasks/{task.pk}/handoff/", {"to_agency": hsi.agency.pk, "note": "Federal angle"}, htmx=True
    )

    page = text(response)
    assert (
        "Sent to Harris County CPS for approval first; HSI Houston is asked to answer once it is approved."
        in (page)
    )
    assert "Offered to HSI Houston; awaiting the lead agency's approval before they see it." in page
    assert Handoff.objects.get(task=task).status == HandoffStatus.AWAITING_APPROVAL


# --- handoffs carry their context and leave the waiting list when answered (issue 13, item 3) ----


def offer_with_context(*, lead, partner, case, actor=None):
    task = task_create(
        actor=actor or lead.caseworker,
        case=case,
        title="Canvass",
        description="Flyers at the bus station on Main Street.",
        priority="high",
        due_at=timezone.now() + timedelta(days=3),
    )
    return handoff_create(
        actor=actor or lead.caseworker, task=task, to_agency=partner.agency, note="Can your team take this?"
    )


def test_the_desk_links_the_case_and_task_and_shows_due_time_priority_description_and_note(
    browser_as, lead, partner, shared_case
):
    handoff = offer_with_context(lead=lead, partner=partner, case=shared_case)

    response = browser_as(partner.liaison).get("/handoffs/")

    html, page = response.content.decode(), text(response)
    assert f'<a href="/cases/{shared_case.pk}/">{shared_case.number}</a>' in html
    assert f'<a href="/tasks/{handoff.task_id}/">Canvass</a>' in html
    assert "Task due " in page
    assert "High priority" in page
    assert "Description: Flyers at the bus station on Main Street." in page
    assert "Note from Harris County CPS: Can your team take this?" in page


def test_a_receiver_not_yet_on_the_case_sees_its_number_unlinked_and_the_offered_task_linked(
    browser_as, lead, unrelated, case
):
    handoff = offer_with_context(lead=lead, partner=unrelated, case=case, actor=lead.liaison)

    response = browser_as(unrelated.liaison).get("/handoffs/")

    html = response.content.decode()
    assert f"Case {case.number}" in text(response)
    assert f'href="/cases/{case.pk}/"' not in html
    assert f'<a href="/tasks/{handoff.task_id}/">Canvass</a>' in html
    assert browser_as(unrelated.liaison).get(f"/tasks/{handoff.task_id}/").status_code == 200


def test_a_receiving_caseworker_sees_no_description_of_a_task_they_may_not_open(
    browser_as, lead, partner, shared_case
):
    from casework.services.sharing import team_member_add

    handoff = offer_with_context(lead=lead, partner=partner, case=shared_case)
    team_member_add(actor=partner.liaison, case=shared_case, member=partner.caseworker)
    browser = browser_as(partner.caseworker)

    response = browser.get("/handoffs/")

    assert "Flyers at the bus station" not in text(response)
    assert f'href="/tasks/{handoff.task_id}/"' not in response.content.decode()
    assert browser.get(f"/tasks/{handoff.task_id}/").status_code == 404


def test_the_lead_agency_approving_sees_no_due_time_priority_description_or_task_link(
    browser_as, lead, partner, hsi, shared_case
):
    task = task_create(
        actor=partner.liaison,
        case=shared_case,
        title="Trace the phone",
        description="The number ends in 42.",
        priority="urgent",
        due_at=timezone.now() + timedelta(days=3),
    )
    handoff_create(actor=partner.liaison, task=task, to_agency=hsi.agency, note="Federal angle")

    response = browser_as(lead.liaison).get("/handoffs/")

    page = text(response)
    assert "A task of Houston Police Department" in page
    assert "Note from Houston Police Department: Federal angle" in page
    for hidden in ("Trace the phone", "The number ends in 42.", "Task due", "Urgent priority"):
        assert hidden not in page
    assert f"/tasks/{task.pk}/" not in response.content.decode()


def test_accepting_on_the_desk_takes_the_handoff_out_of_the_waiting_list_with_a_link_to_the_task(
    browser_as, lead, partner, shared_case
):
    handoff = offer_with_context(lead=lead, partner=partner, case=shared_case)
    browser = browser_as(partner.liaison)

    response = browser.post(f"/handoffs/{handoff.pk}/accept/", {"desk_list": "incoming"}, htmx=True)

    html = response.content.decode()
    answered, past = html.split('id="handoffs-past"', 1)
    assert response.status_code == 200
    assert f'<li class="card card-answered" id="handoff-{handoff.pk}-answered">' in answered
    assert "Accepted. The work is your agency's now." in html_text(answered)
    assert f'<a class="button" href="/tasks/{handoff.task_id}/">Go to the task' in answered
    assert "/accept/" not in answered
    assert '<span class="count" id="incoming-count" hx-swap-oob="true">0</span>' in html
    assert 'hx-swap-oob="true"' in past.split(">", 1)[0]
    assert "Answered and closed 1" in html_text(past)
    desk = text(browser.get("/handoffs/"))
    assert "Waiting for your agency's answer 0" in desk


def test_declining_on_the_desk_moves_the_handoff_to_answered_and_closed(
    browser_as, lead, partner, shared_case
):
    handoff = offer_with_context(lead=lead, partner=partner, case=shared_case)
    other = offer(lead=lead, partner=partner, case=shared_case, title="Another")

    response = browser_as(partner.liaison).post(
        f"/handoffs/{handoff.pk}/decline/", {"reason": "No officers free", "desk_list": "incoming"}, htmx=True
    )

    html = response.content.decode()
    answered, past = html.split('id="handoffs-past"', 1)
    assert "Declined. The sending agency has been told why." in html_text(answered)
    assert "Go to the task" not in answered
    assert '<span class="count" id="incoming-count" hx-swap-oob="true">1</span>' in html
    assert f'id="handoff-{handoff.pk}"' in past
    assert "Reason: No officers free" in html_text(past)
    assert f'id="handoff-{other.pk}"' not in html


def test_approving_on_the_desk_takes_the_handoff_out_of_the_approval_list(browser_as, lead, proposed):
    response = browser_as(lead.liaison).post(
        f"/handoffs/{proposed.pk}/approve/", {"desk_list": "approval"}, htmx=True
    )

    html = response.content.decode()
    assert "Approved. HSI Houston is asked to answer now." in html_text(html)
    assert '<span class="count" id="approval-count" hx-swap-oob="true">0</span>' in html
    assert "/approve/" not in html


def test_withdrawing_on_the_desk_takes_the_handoff_out_of_the_sent_list(
    browser_as, lead, partner, shared_case
):
    handoff = offer_with_context(lead=lead, partner=partner, case=shared_case)

    response = browser_as(lead.caseworker).post(
        f"/handoffs/{handoff.pk}/withdraw/", {"desk_list": "outgoing"}, htmx=True
    )

    html = response.content.decode()
    answered, past = html.split('id="handoffs-past"', 1)
    assert "Withdrawn. The task stays with your agency." in html_text(answered)
    assert '<span class="count" id="outgoing-count" hx-swap-oob="true">0</span>' in html
    assert f'id="handoff-{handoff.pk}"' in past


def test_a_desk_answer_that_fails_is_shown_again_in_place_still_on_the_desk(
    browser_as, lead, partner, shared_case
):
    handoff = offer_with_context(lead=lead, partner=partner, case=shared_case)

    response = browser_as(partner.liaison).post(
        f"/handoffs/{handoff.pk}/decline/", {"reason": " ", "desk_list": "incoming"}, htmx=True
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert html.lstrip().startswith(f'<li class="card" id="handoff-{handoff.pk}">')
    assert '<input type="hidden" name="desk_list" value="incoming">' in html
    assert "hx-swap-oob" not in html


def test_the_handoff_page_offers_the_way_to_the_task_once_accepted(browser_as, lead, partner, shared_case):
    handoff = offer_with_context(lead=lead, partner=partner, case=shared_case)
    browser = browser_as(partner.liaison)

    answered = browser.post(f"/handoffs/{handoff.pk}/accept/", {}, htmx=True)
    page = browser.get(f"/handoffs/{handoff.pk}/")

    for response in (answered, page):
        assert f'<a href="/tasks/{handoff.task_id}/">Go to the task' in response.content.decode()


def test_after_declining_the_receiver_no_longer_gets_a_link_or_description_of_the_task(
    browser_as, lead, partner, shared_case
):
    handoff = offer_with_context(lead=lead, partner=partner, case=shared_case)
    handoff_decline(actor=partner.liaison, handoff=handoff, reason="No")

    response = browser_as(partner.liaison).get(f"/handoffs/{handoff.pk}/")

    assert f"/tasks/{handoff.task_id}/" not in response.content.decode()
    assert "Flyers at the bus station" not in text(response)
    assert "Canvass" in text(response)


def test_the_desk_asks_the_same_number_of_queries_for_one_handoff_or_many(
    browser_as, lead, partner, shared_case
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    offer_with_context(lead=lead, partner=partner, case=shared_case)
    browser = browser_as(partner.liaison)
    with CaptureQueriesContext(connection) as one:
        browser.get("/handoffs/")
    for title in ("Second", "Third", "Fourth"):
        offer(lead=lead, partner=partner, case=shared_case, title=title)

    with CaptureQueriesContext(connection) as many:
        browser.get("/handoffs/")

    assert len(many.captured_queries) == len(one.captured_queries)
