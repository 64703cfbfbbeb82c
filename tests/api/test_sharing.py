"""Participants, grants, consents, notes and the timeline through the API."""

import pytest
from django.utils import timezone

from agencies.models import AgencyKind
from casework.models import GrantEndReason, Note, SectionGrant
from casework.services.notes import note_add
from tests.api.conftest import body, error_of
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def advocate():
    return make_staff(kind=AgencyKind.VICTIM_SERVICES, name="Bay Area Women's Center")


def consent_body(recipient, sections):
    return {
        "recipient_agency": recipient.pk,
        "sections": sections,
        "purpose": "Safety planning",
        "signed_by": "Child and guardian",
        "signed_on": timezone.localdate().isoformat(),
    }


def test_participants_list_every_agency_on_the_case(api_as, shared_case, lead, partner):
    response = api_as(partner.liaison).get(f"cases/{shared_case.pk}/participants/")

    assert response.status_code == 200
    assert [(row["agency"], row["via"]) for row in body(response)["results"]] == [
        (lead.agency.pk, "opened"),
        (partner.agency.pk, "invited"),
    ]


def test_lead_liaison_invites_an_agency(api_as, case, lead, partner):
    response = api_as(lead.liaison).post(f"cases/{case.pk}/participants/", {"agency": partner.agency.pk})

    assert response.status_code == 201
    assert body(response)["agency"] == partner.agency.pk
    assert body(response)["via"] == "invited"
    assert set(
        SectionGrant.objects.filter(case=case, agency=partner.agency).values_list("section", flat=True)
    ) == {
        "identity",
        "investigation",
    }


def test_lead_caseworker_may_not_invite(api_as, case, lead, partner):
    response = api_as(lead.caseworker).post(f"cases/{case.pk}/participants/", {"agency": partner.agency.pk})

    assert response.status_code == 403
    assert not SectionGrant.objects.filter(case=case, agency=partner.agency).exists()


def test_inviting_an_unknown_agency_is_400(api_as, case, lead):
    response = api_as(lead.liaison).post(f"cases/{case.pk}/participants/", {"agency": 999_999})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"agency": ['Invalid pk "999999" - object does not exist.']}


def test_agency_id_given_as_a_string_is_400(api_as, case, lead, partner):
    response = api_as(lead.liaison).post(f"cases/{case.pk}/participants/", {"agency": str(partner.agency.pk)})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"agency": ["Incorrect type. Expected pk value, received str."]}


def test_steward_grants_a_section_it_stewards(api_as, shared_case, lead, partner, advocate):
    api_as(lead.liaison).post(f"cases/{shared_case.pk}/participants/", {"agency": advocate.agency.pk})

    response = api_as(partner.liaison).post(
        f"cases/{shared_case.pk}/grants/", {"agency": advocate.agency.pk, "section": "investigation"}
    )

    assert response.status_code == 201
    assert body(response)["basis"] == "steward"
    assert body(response)["end_reason"] == ""


def test_grants_list_shows_only_sections_the_callers_agency_stewards(api_as, shared_case, partner):
    response = api_as(partner.liaison).get(f"cases/{shared_case.pk}/grants/")

    assert {row["section"] for row in body(response)["results"]} == {"investigation"}


def test_caseworkers_do_not_manage_grants(api_as, shared_case, lead):
    response = api_as(lead.caseworker).get(f"cases/{shared_case.pk}/grants/")

    assert response.status_code == 403


def test_consent_based_section_needs_a_consent_then_grants_on_it(api_as, shared_case, lead, partner):
    api = api_as(lead.liaison)
    refused = api.post(
        f"cases/{shared_case.pk}/grants/", {"agency": partner.agency.pk, "section": "location"}
    )
    consent = body(api.post(f"cases/{shared_case.pk}/consents/", consent_body(partner.agency, ["location"])))

    granted = api.post(
        f"cases/{shared_case.pk}/grants/",
        {"agency": partner.agency.pk, "section": "location", "consent": consent["id"]},
    )

    assert refused.status_code == 400
    assert list(error_of(refused)["fields"]) == ["consent"]
    assert granted.status_code == 201
    assert body(granted)["basis"] == "consent"
    assert body(granted)["consent"] == consent["id"]
    partner_view = body(api_as(partner.liaison).get(f"cases/{shared_case.pk}/"))
    assert partner_view["location"]["address"] == "12 Elm Street"


def test_revoking_a_consent_ends_its_grants_at_once(api_as, shared_case, lead, partner):
    api = api_as(lead.liaison)
    consent = body(api.post(f"cases/{shared_case.pk}/consents/", consent_body(partner.agency, ["location"])))
    api.post(
        f"cases/{shared_case.pk}/grants/",
        {"agency": partner.agency.pk, "section": "location", "consent": consent["id"]},
    )

    revoked = api.post(f"cases/{shared_case.pk}/consents/{consent['id']}/revoke/")

    assert revoked.status_code == 200
    assert body(revoked)["revoked_at"] is not None
    grant = SectionGrant.objects.get(case=shared_case, agency=partner.agency, section="location")
    assert grant.end_reason == GrantEndReason.CONSENT_REVOKED
    partner_view = api_as(partner.liaison).get(f"cases/{shared_case.pk}/")
    assert "location" not in body(partner_view)
    assert b"12 Elm Street" not in partner_view.content


def test_delete_revokes_a_steward_grant(api_as, shared_case, lead, partner):
    grant = body(
        api_as(partner.liaison).post(
            f"cases/{shared_case.pk}/grants/", {"agency": lead.agency.pk, "section": "investigation"}
        )
    )

    response = api_as(partner.supervisor).delete(f"cases/{shared_case.pk}/grants/{grant['id']}/")

    assert response.status_code == 204
    assert SectionGrant.objects.get(pk=grant["id"]).end_reason == GrantEndReason.REVOKED


def test_grant_of_another_stewards_section_is_not_found(api_as, shared_case, lead, partner):
    location_grant = SectionGrant.objects.get(case=shared_case, agency=lead.agency, section="location")

    response = api_as(partner.liaison).delete(f"cases/{shared_case.pk}/grants/{location_grant.pk}/")

    assert response.status_code == 404
    assert SectionGrant.objects.get(pk=location_grant.pk).ended_at is None


def test_consents_are_for_agencies_stewarding_a_consent_section(api_as, shared_case, partner):
    # Law enforcement stewards only `investigation`, which is shared by grant, not consent.
    response = api_as(partner.liaison).get(f"cases/{shared_case.pk}/consents/")

    assert response.status_code == 403


def test_consent_longer_than_a_year_is_400(api_as, shared_case, lead, partner):
    payload = consent_body(partner.agency, ["location"])
    payload["expires_on"] = "2199-01-01"

    response = api_as(lead.liaison).post(f"cases/{shared_case.pk}/consents/", payload)

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["expires_on"]


def test_notes_are_limited_to_the_callers_sections(api_as, shared_case, lead, partner):
    note_add(actor=lead.caseworker, case=shared_case, section="location", body="Placement is stable.")
    note_add(actor=lead.caseworker, case=shared_case, section="core", body="Court date set.")

    response = api_as(partner.liaison).get(f"cases/{shared_case.pk}/notes/")

    assert [row["body"] for row in body(response)["results"]] == ["Court date set."]
    assert b"Placement is stable." not in response.content


def test_adding_a_note_in_a_readable_section(api_as, shared_case, partner):
    response = api_as(partner.liaison).post(
        f"cases/{shared_case.pk}/notes/", {"section": "investigation", "body": "Interview scheduled."}
    )

    assert response.status_code == 201
    data = body(response)
    assert (data["section"], data["body"], data["agency"]) == (
        "investigation",
        "Interview scheduled.",
        partner.agency.pk,
    )
    assert data["author"] == str(partner.liaison.public_id)


def test_adding_a_note_in_an_unreadable_section_is_403(api_as, shared_case, partner):
    response = api_as(partner.liaison).post(
        f"cases/{shared_case.pk}/notes/", {"section": "health", "body": "x"}
    )

    assert response.status_code == 403
    assert not Note.objects.exists()


def test_notes_filter_by_section(api_as, shared_case, lead):
    note_add(actor=lead.caseworker, case=shared_case, section="location", body="Placement is stable.")
    note_add(actor=lead.caseworker, case=shared_case, section="core", body="Court date set.")

    response = api_as(lead.caseworker).get(f"cases/{shared_case.pk}/notes/", {"section": "location"})

    assert [row["body"] for row in body(response)["results"]] == ["Placement is stable."]


def test_timeline_is_newest_first_and_redacted_to_the_callers_sections(api_as, shared_case, lead, partner):
    note_add(actor=lead.caseworker, case=shared_case, section="location", body="Placement is stable.")

    lead_kinds = [
        row["kind"] for row in body(api_as(lead.liaison).get(f"cases/{shared_case.pk}/timeline/"))["results"]
    ]
    partner_rows = body(api_as(partner.liaison).get(f"cases/{shared_case.pk}/timeline/"))["results"]

    assert lead_kinds == [
        "note_added",
        "participant_joined",
        "section_updated",
        "section_updated",
        "participant_joined",
        "case_opened",
    ]
    assert [(row["kind"], row["section"]) for row in partner_rows] == [
        ("participant_joined", "core"),
        ("section_updated", "identity"),
        ("participant_joined", "core"),
        ("case_opened", "core"),
    ]
