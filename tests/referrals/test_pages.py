"""The referral pages: the desk, the case's Referrals tab and the page of one referral."""

import pytest
from django.utils import timezone

from casework.services.handoffs import handoff_approve
from casework.services.sharing import participant_invite
from referrals.models import Referral
from referrals.services import referral_accept, referral_send, referral_session_record
from tests.referrals.conftest import consent_for, service
from tests.web.conftest import Browser, text

pytestmark = pytest.mark.django_db


def test_sending_from_the_case_tab_without_consent_shows_the_field_message(case, lead, provider):
    response = Browser(lead.liaison).post(
        f"/cases/{case.pk}/referrals/", {"service_type": "shelter", "provider": provider.agency.pk}
    )

    assert response.status_code == 400
    assert "No active consent names Houston Area Safe House for Location; record one first." in text(response)
    assert Referral.objects.count() == 0


def test_sending_with_consent_leads_to_the_referral_page(case, lead, provider):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])

    response = Browser(lead.liaison).post(
        f"/cases/{case.pk}/referrals/", {"service_type": "shelter", "provider": provider.agency.pk}
    )

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/referrals/{referral.pk}/"


def test_the_provider_accepts_from_the_desk_and_records_a_session(case, lead, provider):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    referral = referral_send(
        actor=lead.liaison, case=case, service_type=service("shelter"), provider=provider.agency
    )
    browser = Browser(provider.liaison)

    desk = text(browser.get("/referrals/"))
    assert "Waiting for your agency's answer 1" in desk
    assert browser.post(f"/referrals/{referral.pk}/accept/").status_code == 302
    response = browser.post(
        f"/referrals/{referral.pk}/session/",
        {
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "kind": "contact",
            "note": "Moved in",
        },
    )

    assert response.status_code == 302
    assert "Moved in" in text(browser.get(f"/referrals/{referral.pk}/"))


def test_a_reader_without_the_section_sees_no_session_notes(case, lead, provider, partner):
    participant_invite(actor=lead.liaison, case=case, agency=partner.agency)
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    referral = referral_send(
        actor=partner.liaison, case=case, service_type=service("shelter"), provider=provider.agency
    )
    handoff_approve(actor=lead.liaison, handoff=referral.handoff)
    referral = referral_accept(actor=provider.liaison, referral=referral)
    referral_session_record(
        actor=provider.liaison,
        referral=referral,
        occurred_at=timezone.now(),
        kind="session",
        note="MKROOMFOUR",
    )

    page = Browser(partner.liaison).get(f"/referrals/{referral.pk}/")

    assert page.status_code == 200
    assert "MKROOMFOUR" not in page.content.decode()
    assert "MKROOMFOUR" in Browser(lead.liaison).get(f"/referrals/{referral.pk}/").content.decode()


def test_an_uninvolved_agency_gets_404_and_no_tab_rows(case, lead, provider, partner):
    participant_invite(actor=lead.liaison, case=case, agency=partner.agency)
    referral = referral_send(
        actor=lead.liaison, case=case, service_type=service("mental_health"), provider=provider.agency
    )

    assert Browser(partner.liaison).get(f"/referrals/{referral.pk}/").status_code == 404
    assert "No referral on this case involves your agency." in text(
        Browser(partner.liaison).get(f"/cases/{case.pk}/referrals/")
    )


def test_an_unknown_action_is_404(case, lead, provider):
    referral = referral_send(
        actor=lead.liaison, case=case, service_type=service("mental_health"), provider=provider.agency
    )

    assert Browser(lead.liaison).post(f"/referrals/{referral.pk}/explode/").status_code == 404
