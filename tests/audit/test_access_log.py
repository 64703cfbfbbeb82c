"""The access log and disclosure history of a case, for the lead agency's supervisors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.services.sharing import consent_record, consent_revoke, grant_create
from tests.api.conftest import Api, body, error_of

pytestmark = pytest.mark.django_db


def record_location_consent(case, lead, partner):
    return consent_record(
        actor=lead.liaison,
        case=case,
        recipient_agency=partner.agency,
        sections=["location"],
        purpose="Safety planning",
        signed_by="M.R. and guardian",
        signed_on=timezone.localdate(),
    )


def test_the_lead_supervisor_sees_who_read_what(shared_case, lead, partner):
    Api(partner.liaison).get(f"cases/{shared_case.pk}/")

    response = Api(lead.supervisor).get(f"cases/{shared_case.pk}/access-log/", {"event_type": "case.read"})

    results = body(response)["results"]
    assert response.status_code == 200
    assert [
        (row["event_type"], row["username"], row["agency_name"], row["section"], row["outcome"])
        for row in results
    ] == [("case.read", partner.liaison.username, partner.agency.name, "core", "success")]
    assert results[0]["user"] == str(partner.liaison.public_id)
    assert results[0]["client_address"] == "127.0.0.1"


def test_the_access_log_shows_changes_and_denied_attempts(case, lead, unrelated):
    Api(unrelated.supervisor).get(f"cases/{case.pk}/")

    rows = body(Api(lead.supervisor).get(f"cases/{case.pk}/access-log/", {"page_size": 200}))["results"]

    kinds = {row["event_type"] for row in rows}
    assert {"access.denied", "case.insert", "section.update", "grant.insert"} <= kinds


@pytest.mark.parametrize("reads", [1, 30])
def test_the_access_log_costs_the_same_queries_for_few_or_many_records(
    shared_case, lead, partner, django_assert_num_queries, reads
):
    for _ in range(reads):
        Api(partner.liaison).get(f"cases/{shared_case.pk}/")
    api = Api(lead.supervisor)

    # Token, case, its readable sections, the page of records.
    with django_assert_num_queries(3):
        response = api.get(f"cases/{shared_case.pk}/access-log/")

    assert response.status_code == 200


def test_the_access_log_filters_by_event_type_prefix(case, lead):
    Api(lead.caseworker).get(f"cases/{case.pk}/")

    rows = body(Api(lead.supervisor).get(f"cases/{case.pk}/access-log/", {"event_type": "section."}))[
        "results"
    ]

    assert rows
    assert all(row["event_type"].startswith("section.") for row in rows)


def test_a_bad_time_filter_is_400(case, lead):
    response = Api(lead.supervisor).get(f"cases/{case.pk}/access-log/", {"since": "yesterday"})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["since"]


@pytest.mark.parametrize("role", ["caseworker", "liaison"])
def test_other_roles_of_the_lead_agency_are_refused(case, lead, role):
    response = Api(getattr(lead, role)).get(f"cases/{case.pk}/access-log/")

    assert response.status_code == 403


def test_a_partner_supervisor_is_refused(shared_case, partner):
    assert Api(partner.supervisor).get(f"cases/{shared_case.pk}/access-log/").status_code == 403
    assert Api(partner.supervisor).get(f"cases/{shared_case.pk}/access-log/disclosures/").status_code == 403


def test_an_unrelated_supervisor_gets_not_found(case, unrelated):
    assert Api(unrelated.supervisor).get(f"cases/{case.pk}/access-log/").status_code == 404


def test_disclosure_history_lists_every_grant_with_its_basis_and_end(shared_case, lead, partner):
    consent = record_location_consent(shared_case, lead, partner)
    grant_create(
        actor=lead.liaison, case=shared_case, agency=partner.agency, section="location", consent=consent
    )
    consent_revoke(actor=lead.liaison, consent=consent)
    Api(partner.supervisor).post(
        f"cases/{shared_case.pk}/break-glass/",
        {"section": "health", "reason": "Medical emergency at the scene."},
    )

    rows = body(Api(lead.supervisor).get(f"cases/{shared_case.pk}/access-log/disclosures/"))

    summary = [(row["agency_name"], row["section"], row["basis"], row["end_reason"]) for row in rows]
    assert summary == [
        (lead.agency.name, "health", "default", ""),
        (lead.agency.name, "identity", "default", ""),
        (lead.agency.name, "immigration", "default", ""),
        (lead.agency.name, "location", "default", ""),
        (partner.agency.name, "identity", "default", ""),
        (partner.agency.name, "investigation", "default", ""),
        (partner.agency.name, "location", "consent", "consent_revoked"),
        (partner.agency.name, "health", "break_glass", ""),
    ]
    consent_row = rows[6]
    assert consent_row["consent"] == str(consent.pk)
    assert consent_row["ended_at"] is not None
    assert consent_row["granted_by"] == str(lead.liaison.public_id)
    break_glass_row = rows[7]
    assert break_glass_row["reason"] == "Medical emergency at the scene."
    assert break_glass_row["expires_at"] is not None


def test_a_time_limited_grant_shows_its_expiry(shared_case, lead, partner):
    grant_create(
        actor=lead.liaison,
        case=shared_case,
        agency=partner.agency,
        section="location",
        consent=record_location_consent(shared_case, lead, partner),
        expires_at=timezone.now() + timedelta(days=30),
    )

    rows = body(Api(lead.supervisor).get(f"cases/{shared_case.pk}/access-log/disclosures/"))

    (location,) = [row for row in rows if row["basis"] == "consent"]
    assert location["expires_at"] is not None
    assert location["ended_at"] is None
