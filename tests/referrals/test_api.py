import pytest
from django.utils import timezone

from casework.services.sharing import participant_invite
from referrals.models import Referral
from tests.api.conftest import Api, body, error_of
from tests.referrals.conftest import consent_for

pytestmark = pytest.mark.django_db


def send(case, user, provider, **extra):
    return Api(user).post(
        f"cases/{case.pk}/referrals/", {"service_type": "shelter", "provider": provider.agency.pk, **extra}
    )


def test_sending_without_consent_is_a_400_naming_the_provider_and_section(case, lead, provider):
    response = send(case, lead.liaison, provider)

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "sections_needed": ["No active consent names Houston Area Safe House for Location; record one first."]
    }


def test_a_referral_sent_with_consent_is_pending_for_the_provider(case, lead, provider):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])

    response = send(case, lead.liaison, provider)

    assert response.status_code == 201
    data = body(response)
    assert (data["state"], data["service_type"], data["sections_needed"], data["provider"]) == (
        "pending",
        "shelter",
        ["location"],
        provider.agency.pk,
    )
    desk = body(Api(provider.liaison).get("referrals/", {"direction": "incoming", "state": "pending"}))
    assert [row["id"] for row in desk["results"]] == [data["id"]]


def test_the_provider_sees_only_the_consented_sections_once_it_accepts(case, lead, provider):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    referral_id = body(send(case, lead.liaison, provider))["id"]
    api = Api(provider.liaison)

    assert api.post(f"referrals/{referral_id}/accept/", {}).status_code == 200

    detail = body(api.get(f"cases/{case.pk}/"))
    assert detail["location"]["address"] == "12 Elm Street"
    assert {"immigration", "investigation", "legal"}.isdisjoint(detail)


def test_an_agency_on_the_case_but_not_involved_gets_404(case, lead, provider, partner):
    participant_invite(actor=lead.liaison, case=case, agency=partner.agency)
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    referral_id = body(send(case, lead.liaison, provider))["id"]

    assert Api(partner.liaison).get(f"referrals/{referral_id}/").status_code == 404
    assert body(Api(partner.liaison).get(f"cases/{case.pk}/referrals/"))["results"] == []


def test_a_reader_without_the_section_sees_the_headline_only(case, lead, provider, partner):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    participant_invite(actor=lead.liaison, case=case, agency=partner.agency)
    # Law enforcement sends a shelter referral: it does not read location, the details' section.
    response = send(case, partner.liaison, provider)
    referral_id, handoff_id = body(response)["id"], body(response)["handoff"]
    assert Api(lead.liaison).post(f"handoffs/{handoff_id}/approve/").status_code == 200
    Api(provider.liaison).post(f"referrals/{referral_id}/accept/", {})
    provider_api = Api(provider.liaison)
    provider_api.post(
        f"referrals/{referral_id}/sessions/",
        {"occurred_at": timezone.now().isoformat(), "kind": "session", "note": "Placed in room 4"},
    )
    provider_api.post(
        f"referrals/{referral_id}/outcome/", {"outcome": "lost_contact", "reason": "Ran from shelter"}
    )

    sender = Api(partner.liaison)
    detail = body(sender.get(f"referrals/{referral_id}/"))
    assert (detail["state"], detail["outcome_reason"]) == ("lost_contact", None)
    assert body(sender.get(f"referrals/{referral_id}/sessions/"))["results"] == []
    assert body(provider_api.get(f"referrals/{referral_id}/"))["outcome_reason"] == "Ran from shelter"


def test_an_outcome_without_a_reason_is_a_400(case, lead, provider):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    referral_id = body(send(case, lead.liaison, provider))["id"]
    api = Api(provider.liaison)
    api.post(f"referrals/{referral_id}/accept/", {})

    response = api.post(f"referrals/{referral_id}/outcome/", {"outcome": "completed", "reason": ""})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["reason"]


@pytest.mark.parametrize(
    ("params", "field"), [({"direction": "sideways"}, "direction"), ({"state": "x" * 5000}, "state")]
)
def test_bad_desk_filters_are_a_400(lead, params, field):
    response = Api(lead.liaison).get("referrals/", params)

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == [field]


def test_an_unknown_service_type_is_a_400(case, lead, provider):
    response = Api(lead.liaison).post(
        f"cases/{case.pk}/referrals/", {"service_type": "astrology", "provider": provider.agency.pk}
    )

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["service_type"]


@pytest.mark.parametrize("sessions", [1, 20])
def test_the_sessions_list_costs_the_same_queries_for_many_rows(
    case, lead, provider, sessions, django_assert_num_queries
):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    referral_id = body(send(case, lead.liaison, provider))["id"]
    api = Api(provider.liaison)
    api.post(f"referrals/{referral_id}/accept/", {})
    for number in range(sessions):
        api.post(
            f"referrals/{referral_id}/sessions/",
            {"occurred_at": timezone.now().isoformat(), "kind": "session", "note": f"Session {number}"},
        )

    # The referral, the case and what the provider reads of it, the audit insert, the page.
    with django_assert_num_queries(5):
        response = api.get(f"referrals/{referral_id}/sessions/", {"page_size": 200})

    assert len(body(response)["results"]) == sessions


def test_the_lead_agency_declines_a_provider_it_was_asked_to_approve(case, lead, provider, partner):
    participant_invite(actor=lead.liaison, case=case, agency=partner.agency)
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    referral_id = body(send(case, partner.liaison, provider))["id"]

    response = Api(lead.liaison).post(
        f"referrals/{referral_id}/decline/", {"reason": "Use the county shelter"}
    )

    assert response.status_code == 200
    assert body(response)["state"] == "declined"
    assert Api(provider.liaison).get(f"referrals/{referral_id}/").status_code == 404


def test_an_urgent_referral_gets_the_urgent_response_window(case, lead, provider, settings):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])

    data = body(send(case, lead.liaison, provider, urgent=True))

    referral = Referral.objects.select_related("handoff").get(pk=data["id"])
    window = referral.handoff.respond_by - referral.handoff.created_at
    assert referral.handoff.urgent is True
    assert window.total_seconds() == settings.BRIDGE_HANDOFF_URGENT_RESPONSE_HOURS * 3600


@pytest.mark.parametrize(
    "payload",
    [
        {"service_type": 7, "provider": 1},
        {"service_type": "shelter", "provider": 2**70},
        {"service_type": "shelter", "provider": "1"},
        {"service_type": "x" * 5000, "provider": 1},
        {"service_type": "shelter", "provider": 1, "sections_needed": "location"},
        {"service_type": "shelter", "provider": 1, "sections_needed": ["legal"]},
        {"service_type": "shelter", "provider": 1, "follows": "not-a-uuid"},
        {"service_type": "shelter", "provider": 1, "note": "\x00"},
        {"service_type": "shelter", "provider": 1, "urgent": "yes"},
    ],
)
def test_bad_input_when_sending_is_a_400(case, lead, payload):
    response = Api(lead.liaison).post(f"cases/{case.pk}/referrals/", payload)

    assert response.status_code == 400


@pytest.mark.parametrize(
    "payload",
    [
        {"occurred_at": "2026-13-01T00:00:00Z", "kind": "session"},
        {"occurred_at": "1200-01-01T00:00:00+00:00", "kind": "session"},
        {"occurred_at": "2026-01-01T00:00:00", "kind": "session"},
        {"occurred_at": "2026-01-01T00:00:00Z", "kind": "séance"},
        {"occurred_at": 5, "kind": "session", "note": ["a"]},
    ],
)
def test_bad_session_input_is_a_400(case, lead, provider, payload):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    referral_id = body(send(case, lead.liaison, provider))["id"]
    api = Api(provider.liaison)
    api.post(f"referrals/{referral_id}/accept/", {})

    assert api.post(f"referrals/{referral_id}/sessions/", payload).status_code == 400
