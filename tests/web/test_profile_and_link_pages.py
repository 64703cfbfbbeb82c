"""The exploitation profile on the investigation tab, its edit page, and linked cases on the
overview."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import AgencyKind
from casework.models import Consent
from casework.services.sharing import consent_record, participant_invite
from exploitation.models import ExploitationProfile
from exploitation.services import exploitation_profile_save
from links.models import CaseLink
from links.services import case_link_create
from tests.conftest import make_staff
from tests.factories import open_case
from tests.web.conftest import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("suspected_victim")]


@pytest.fixture
def sibling(lead):
    return open_case(actor=lead.liaison, pseudonym="J.R.")


def test_the_investigation_tab_shows_the_profile_with_labels(browser_as, shared_case, partner):
    exploitation_profile_save(
        actor=partner.liaison,
        case=shared_case,
        expected_version=0,
        values={"type_of_exploitation": ["labour", "sexual"], "industry": "agriculture", "county": "Hidalgo"},
    )

    page = text(browser_as(partner.liaison).get(f"/cases/{shared_case.pk}/sections/investigation/"))

    assert "Type of exploitation Forced labour, Sexual exploitation" in page
    assert "Industry or setting Agriculture" in page
    assert "County Hidalgo" in page


def test_law_enforcement_records_the_profile_on_its_page(browser_as, shared_case, partner):
    browser = browser_as(partner.liaison)

    response = browser.post(
        f"/cases/{shared_case.pk}/exploitation-profile/",
        {
            "version": 0,
            "type_of_exploitation": ["labour"],
            "recruiter_relationship": "employer",
            "state": "tx",
            "county": "Hidalgo",
        },
    )

    assert response.status_code == 302
    profile = ExploitationProfile.objects.get(case=shared_case)
    assert (profile.type_of_exploitation, profile.state, profile.version) == (["labour"], "TX", 1)


def test_a_stale_profile_edit_shows_what_was_saved_instead_of_overwriting(browser_as, shared_case, partner):
    exploitation_profile_save(
        actor=partner.supervisor, case=shared_case, expected_version=0, values={"county": "Starr"}
    )

    response = browser_as(partner.liaison).post(
        f"/cases/{shared_case.pk}/exploitation-profile/", {"version": 0, "county": "Hidalgo"}
    )

    assert response.status_code == 409
    assert ExploitationProfile.objects.get().county == "Starr"


def test_child_welfare_without_the_investigation_section_finds_no_profile_page(browser_as, shared_case, lead):
    assert (
        browser_as(lead.supervisor).get(f"/cases/{shared_case.pk}/exploitation-profile/").status_code == 404
    )


def test_the_overview_lists_linked_cases_to_the_lead_agency(browser_as, lead, case, sibling):
    case_link_create(actor=lead.liaison, case=case, other_case_id=sibling.pk, kind="sibling")

    page = text(browser_as(lead.liaison).get(f"/cases/{case.pk}/"))

    assert f"Sibling: {sibling.number} (J.R.)" in page


def test_the_overview_shows_a_partner_no_link_to_a_case_it_cannot_see(
    browser_as, lead, shared_case, partner, sibling
):
    case_link_create(actor=lead.liaison, case=shared_case, other_case_id=sibling.pk, kind="sibling")

    response = browser_as(partner.liaison).get(f"/cases/{shared_case.pk}/")

    assert sibling.number not in response.content.decode()
    assert str(sibling.pk) not in response.content.decode()
    assert "Linked cases 0" in text(response)


def test_the_lead_agency_links_a_case_by_its_number(browser_as, lead, case, sibling):
    response = browser_as(lead.liaison).post(
        f"/cases/{case.pk}/links/", {"other_case": sibling.number.lower(), "kind": "same_household"}
    )

    assert response.status_code == 302
    assert CaseLink.objects.get().kind == "same_household"


def test_a_number_the_reader_cannot_see_is_unknown(browser_as, lead, case, unrelated):
    hidden = open_case(actor=unrelated.liaison, pseudonym="Z.Z.")

    response = browser_as(lead.liaison).post(
        f"/cases/{case.pk}/links/", {"other_case": hidden.number, "kind": "sibling"}
    )

    assert response.status_code == 400
    assert "No such case." in text(response)
    assert not CaseLink.objects.exists()


def test_the_lead_agency_removes_a_link(browser_as, lead, case, sibling):
    link = case_link_create(actor=lead.liaison, case=case, other_case_id=sibling.pk, kind="sibling")

    response = browser_as(lead.liaison).post(f"/cases/{case.pk}/links/{link.pk}/remove/")

    assert response.status_code == 302
    assert not CaseLink.objects.exists()


def test_the_sharing_page_flags_a_consent_a_suspected_parent_may_have_signed(
    browser_as, shared_case, lead, partner
):
    center = make_staff(kind=AgencyKind.VICTIM_SERVICES, name="Safe Harbor Center")
    participant_invite(actor=lead.liaison, case=shared_case, agency=center.agency)
    consent_record(
        actor=lead.liaison,
        case=shared_case,
        recipient_agency=center.agency,
        sections=["location"],
        purpose="Safety planning",
        signed_by="A. Rivera",
        signer_capacity="parent",
        signed_on=timezone.localdate(),
    )
    exploitation_profile_save(
        actor=partner.liaison,
        case=shared_case,
        expected_version=0,
        values={"recruiter_relationship": "parent"},
    )

    page = text(browser_as(lead.liaison).get(f"/cases/{shared_case.pk}/sharing/"))

    assert "by A. Rivera (parent) Cannot ground a grant" in page
    assert Consent.objects.count() == 1


def _overview_queries(browser, case):
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return len(queries)


def test_the_overview_costs_the_same_queries_with_one_link_or_many(browser_as, lead, case):
    browser = browser_as(lead.liaison)
    first = open_case(actor=lead.liaison, pseudonym="S.0")
    case_link_create(actor=lead.liaison, case=case, other_case_id=first.pk, kind="sibling")
    with_one = _overview_queries(browser, case)
    for number in range(1, 6):
        other = open_case(actor=lead.liaison, pseudonym=f"S.{number}")
        case_link_create(actor=lead.liaison, case=other, other_case_id=case.pk, kind="same_household")

    with_six = _overview_queries(browser, case)

    assert with_six == with_one


def test_the_overview_shows_the_sibling_group_with_siblings_of_siblings(browser_as, lead, case, sibling):
    youngest = open_case(actor=lead.liaison, pseudonym="L.R.")
    case_link_create(actor=lead.liaison, case=case, other_case_id=sibling.pk, kind="sibling")
    case_link_create(actor=lead.liaison, case=sibling, other_case_id=youngest.pk, kind="sibling")

    page = text(browser_as(lead.liaison).get(f"/cases/{case.pk}/"))

    assert "Sibling group 2" in page
    assert f"{youngest.number} (L.R.)" in page
