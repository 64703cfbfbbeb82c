"""Sharing a case from its page: inviting agencies, the case team, grants and consents, and the
disclosure history for the lead agency's supervisors."""

import pytest
from django.utils import timezone

from agencies.models import AgencyKind
from casework.access import cases_visible_to
from casework.models import CaseParticipant, Consent, GrantBasis, SectionGrant
from casework.services.sharing import consent_record, participant_invite, team_member_add
from tests.conftest import make_staff
from tests.web.conftest import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def center():
    return make_staff(kind=AgencyKind.VICTIM_SERVICES, name="Eastside Center")


def test_the_lead_liaison_invites_an_agency(browser_as, lead, center, case):
    response = browser_as(lead.liaison).post(
        f"/cases/{case.pk}/sharing/invite/", {"agency": center.agency.pk}
    )

    assert (response.status_code, response["Location"]) == (302, f"/cases/{case.pk}/sharing/")
    assert CaseParticipant.objects.filter(case=case, agency=center.agency).exists()


def test_a_partner_liaison_is_not_offered_invitations(browser_as, partner, shared_case):
    html = browser_as(partner.liaison).get(f"/cases/{shared_case.pk}/sharing/").content.decode()

    assert "Invite an agency" not in html


def test_a_partner_caseworker_has_no_sharing_page(browser_as, partner, shared_case):
    from casework.services.sharing import team_member_add

    team_member_add(actor=partner.liaison, case=shared_case, member=partner.caseworker)

    response = browser_as(partner.caseworker).get(f"/cases/{shared_case.pk}/sharing/")

    assert response.status_code == 403


def test_a_liaison_puts_a_caseworker_on_the_team(browser_as, lead, case):
    newcomer = make_staff(kind=AgencyKind.CHILD_WELFARE, name="Other").caseworker
    newcomer.agency = lead.agency
    newcomer.save(update_fields=["agency"])

    response = browser_as(lead.liaison).post(
        f"/cases/{case.pk}/sharing/team/", {"member": str(newcomer.public_id)}
    )

    assert response.status_code == 302
    assert cases_visible_to(user=newcomer).filter(pk=case.pk).exists()


def test_granting_a_consent_section_without_a_consent_is_shown_on_the_form(browser_as, lead, center, case):
    browser = browser_as(lead.liaison)
    browser.post(f"/cases/{case.pk}/sharing/invite/", {"agency": center.agency.pk})

    response = browser.post(
        f"/cases/{case.pk}/sharing/grants/", {"agency": center.agency.pk, "section": "location"}
    )

    assert response.status_code == 400
    assert "A consent naming this agency and section is required." in text(response)
    assert not SectionGrant.objects.filter(agency=center.agency, section="location").exists()


def test_a_recorded_consent_lets_the_steward_grant_the_section(browser_as, lead, center, case):
    browser = browser_as(lead.liaison)
    browser.post(f"/cases/{case.pk}/sharing/invite/", {"agency": center.agency.pk})
    today = timezone.localdate().isoformat()
    browser.post(
        f"/cases/{case.pk}/sharing/consents/",
        {
            "recipient_agency": center.agency.pk,
            "sections": ["location"],
            "purpose": "Safety planning",
            "signed_by": "Child and guardian",
            "signer_capacity": "legal_guardian",
            "signed_on": today,
        },
    )
    consent = Consent.objects.get(case=case)

    response = browser.post(
        f"/cases/{case.pk}/sharing/grants/",
        {"agency": center.agency.pk, "section": "location", "consent": str(consent.pk)},
    )

    assert response.status_code == 302
    grant = SectionGrant.objects.get(agency=center.agency, section="location")
    assert (grant.basis, grant.consent) == (GrantBasis.CONSENT, consent)


def test_revoking_a_consent_ends_what_it_allowed(browser_as, lead, center, case):
    browser = browser_as(lead.liaison)
    browser.post(f"/cases/{case.pk}/sharing/invite/", {"agency": center.agency.pk})
    consent = consent_record(
        actor=lead.liaison,
        case=case,
        recipient_agency=center.agency,
        sections=["location"],
        purpose="Safety planning",
        signed_by="Child",
        signed_on=timezone.localdate(),
    )
    browser.post(
        f"/cases/{case.pk}/sharing/grants/",
        {"agency": center.agency.pk, "section": "location", "consent": str(consent.pk)},
    )

    response = browser.post(f"/cases/{case.pk}/sharing/consents/{consent.pk}/revoke/")

    assert response.status_code == 302
    assert SectionGrant.objects.get(agency=center.agency, section="location").end_reason == "consent_revoked"


def test_a_caseworker_sees_no_consent_revoke_button(browser_as, lead, case):
    team_member_add(actor=lead.liaison, case=case, member=lead.caseworker)
    center = make_staff(kind=AgencyKind.VICTIM_SERVICES, name="Eastside Center")
    participant_invite(actor=lead.liaison, case=case, agency=center.agency)
    consent = consent_record(
        actor=lead.liaison,
        case=case,
        recipient_agency=center.agency,
        sections=["location"],
        purpose="Safety planning",
        signed_by="Child",
        signed_on=timezone.localdate(),
    )

    page = browser_as(lead.caseworker).get(f"/cases/{case.pk}/sharing/")
    refused = browser_as(lead.caseworker).post(f"/cases/{case.pk}/sharing/consents/{consent.pk}/revoke/")

    assert page.status_code == 200
    assert f"/consents/{consent.pk}/revoke/" not in page.content.decode()
    assert refused.status_code == 403


def test_revoking_a_grant_from_the_sharing_page(browser_as, lead, partner, shared_case):
    grant = SectionGrant.objects.get(case=shared_case, agency=partner.agency, section="identity")

    response = browser_as(lead.liaison).post(f"/cases/{shared_case.pk}/sharing/grants/{grant.pk}/revoke/")

    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.end_reason == "revoked"


def test_a_stewards_own_grant_offers_no_revoke_button(browser_as, lead, partner, shared_case):
    own = SectionGrant.objects.get(case=shared_case, agency=lead.agency, section="identity")
    theirs = SectionGrant.objects.get(case=shared_case, agency=partner.agency, section="identity")

    html = browser_as(lead.liaison).get(f"/cases/{shared_case.pk}/sharing/").content.decode()

    assert f"/grants/{own.pk}/revoke/" not in html
    assert f"/grants/{theirs.pk}/revoke/" in html


def test_the_lead_supervisor_reads_the_disclosure_history(browser_as, lead, partner, shared_case):
    page = text(browser_as(lead.supervisor).get(f"/cases/{shared_case.pk}/disclosures/"))

    assert f"{partner.agency.name} Identity Default on joining" in page
    assert f"{lead.agency.name} Location Default on joining" in page


@pytest.mark.parametrize("who", ["lead_liaison", "partner_supervisor"])
def test_only_the_lead_supervisors_read_the_disclosure_history(browser_as, lead, partner, shared_case, who):
    user = {"lead_liaison": lead.liaison, "partner_supervisor": partner.supervisor}[who]

    response = browser_as(user).get(f"/cases/{shared_case.pk}/disclosures/")

    assert response.status_code == 403


def test_a_supervisor_opens_a_section_by_break_glass_and_can_then_read_it(
    browser_as, lead, partner, shared_case
):
    browser = browser_as(partner.supervisor)

    response = browser.post(
        f"/cases/{shared_case.pk}/break-glass/",
        {"section": "location", "reason": "Child reported missing tonight."},
    )

    assert (response.status_code, response["Location"]) == (
        302,
        f"/cases/{shared_case.pk}/sections/location/",
    )
    page = browser.get(response["Location"])
    assert "12 Elm Street" in text(page)
    assert "Location (emergency access)" in text(page)


def test_break_glass_needs_a_reason(browser_as, partner, shared_case):
    response = browser_as(partner.supervisor).post(
        f"/cases/{shared_case.pk}/break-glass/", {"section": "location", "reason": " "}
    )

    assert response.status_code == 400
    assert "This field is required." in text(response)


def test_a_liaison_has_no_break_glass(browser_as, partner, shared_case):
    response = browser_as(partner.liaison).get(f"/cases/{shared_case.pk}/break-glass/")

    assert response.status_code == 403
