"""Cases through the API: section visibility, writes and optimistic concurrency."""

import pytest

from audit.models import AuditRecord
from casework.models import Case, InvestigationSection, LocationSection, SectionGrant
from casework.services.sharing import grant_revoke, participant_join, team_member_add
from tests.api.conftest import body, error_of
from tests.factories import UserFactory, open_case

pytestmark = pytest.mark.django_db


def test_lead_caseworker_reads_every_section_its_agency_holds(api_as, case, lead):
    response = api_as(lead.caseworker).get(f"cases/{case.pk}/")

    assert response.status_code == 200
    data = body(response)
    assert data["visible_sections"] == ["core", "identity", "location", "immigration", "health"]
    assert data["identity"] == {
        "legal_name": "Maria Rivera",
        "date_of_birth": "2010-04-02",
        "aliases": [],
        "languages": ["es"],
        "guardian": "",
    }
    assert data["location"] == {
        "placement_type": "foster_family",
        "address": "12 Elm Street",
        "school": "Lee High",
    }
    assert {"investigation", "services", "legal"}.isdisjoint(data)
    assert data["lead_agency"] == lead.agency.pk
    assert response.headers["ETag"] == '"1"'


def test_partner_does_not_receive_sections_it_may_not_read(api_as, shared_case, partner):
    response = api_as(partner.liaison).get(f"cases/{shared_case.pk}/")

    data = body(response)
    assert data["visible_sections"] == ["core", "identity", "investigation"]
    assert "location" not in data
    assert "immigration" not in data
    assert b"12 Elm Street" not in response.content
    assert b"Lee High" not in response.content


def test_case_list_is_lean_and_names_the_readable_sections(api_as, shared_case, partner):
    response = api_as(partner.liaison).get("cases/")

    assert response.status_code == 200
    (row,) = body(response)["results"]
    assert set(row) == {
        "id",
        "number",
        "pseudonym",
        "status",
        "trafficking_status",
        "trafficking_status_changed_at",
        "age_band",
        "lead_agency",
        "version",
        "visible_sections",
        "created_at",
        "updated_at",
    }
    assert (row["trafficking_status"], row["trafficking_status_changed_at"]) == ("not_screened", None)
    assert row["visible_sections"] == ["core", "identity", "investigation"]
    assert b"Maria Rivera" not in response.content


def test_case_list_shows_only_cases_the_caller_may_see(api_as, case, lead, unrelated):
    own = open_case(actor=unrelated.caseworker, pseudonym="Z.Z.")

    response = api_as(unrelated.caseworker).get("cases/")

    assert [row["id"] for row in body(response)["results"]] == [str(own.pk)]


def test_case_list_filters_by_status_and_search(api_as, case, lead):
    other = open_case(actor=lead.caseworker, pseudonym="J.K.")
    Case.objects.filter(pk=other.pk).update(status="closed")
    api = api_as(lead.caseworker)

    closed = body(api.get("cases/", {"status": "closed"}))["results"]
    by_pseudonym = body(api.get("cases/", {"q": "m.r"}))["results"]
    by_number = body(api.get("cases/", {"q": other.number[-6:]}))["results"]

    assert [row["id"] for row in closed] == [str(other.pk)]
    assert [row["id"] for row in by_pseudonym] == [str(case.pk)]
    assert [row["id"] for row in by_number] == [str(other.pk)]


def test_q_ignores_case_spaces_punctuation_and_accents(api_as, case, lead):
    other = open_case(actor=lead.caseworker, pseudonym="J.K.")
    api = api_as(lead.caseworker)

    by_pseudonym = body(api.get("cases/", {"q": "m r"}))["results"]
    by_number = body(api.get("cases/", {"q": other.number.lower().replace("-", "")[-8:]}))["results"]

    assert [row["id"] for row in by_pseudonym] == [str(case.pk)]
    assert [row["id"] for row in by_number] == [str(other.pk)]


def test_q_finds_a_case_by_name_for_a_reader_of_identity_and_audits_it(api_as, case, lead):
    response = api_as(lead.caseworker).get("cases/", {"q": "maría riv"})

    assert [row["id"] for row in body(response)["results"]] == [str(case.pk)]
    assert b"Maria" not in response.content
    read = AuditRecord.objects.get(event_type="section.read", detail__view="search")
    assert (read.user_id, read.case_id, read.section) == (lead.caseworker.pk, case.pk, "identity")


def test_q_finds_no_case_by_name_without_an_identity_grant(api_as, shared_case, lead, partner):
    grant = SectionGrant.objects.get(
        case=shared_case, agency=partner.agency, section="identity", ended_at=None
    )
    grant_revoke(actor=lead.liaison, grant=grant)
    api = api_as(partner.liaison)

    by_name = body(api.get("cases/", {"q": "rivera"}))["results"]
    by_pseudonym = body(api.get("cases/", {"q": "MR"}))["results"]

    assert by_name == []
    assert [row["id"] for row in by_pseudonym] == [str(shared_case.pk)]
    assert not AuditRecord.objects.filter(event_type="section.read", detail__view="search").exists()


def test_a_q_longer_than_any_name_is_400(api_as, lead):
    response = api_as(lead.caseworker).get("cases/", {"q": "x" * 201})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "q": ["Ensure this value has at most 200 characters (it has 201)."]
    }


def test_unknown_status_filter_is_400(api_as, lead):
    response = api_as(lead.caseworker).get("cases/", {"status": "lost"})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "status": ["Select a valid choice. lost is not one of the available choices."]
    }


def test_case_list_pages_with_cursors(api_as, lead):
    for number in range(3):
        open_case(actor=lead.caseworker, pseudonym=f"P.{number}")
    api = api_as(lead.caseworker)

    first = body(api.get("cases/", {"page_size": 2}))
    second = body(api.client.get(first["next"]))

    assert [row["pseudonym"] for row in first["results"]] == ["P.2", "P.1"]
    assert [row["pseudonym"] for row in second["results"]] == ["P.0"]
    assert first["previous"] is None
    assert second["next"] is None


def test_page_size_is_capped_at_200(api_as, lead):
    Case.objects.bulk_create(
        Case(number=f"BR-1999-{n:06d}", pseudonym="X.", lead_agency=lead.agency) for n in range(201)
    )
    for created in Case.objects.filter(number__startswith="BR-1999-"):
        participant_join(case=created, agency=lead.agency, via="opened", actor=None)

    response = api_as(lead.liaison).get("cases/", {"page_size": 500})

    assert len(body(response)["results"]) == 200
    assert body(response)["next"] is not None


def test_opening_a_case_makes_the_callers_agency_lead(api_as, partner):
    response = api_as(partner.caseworker).post(
        "cases/",
        {"pseudonym": "T.N.", "age_band": "12-14", "investigation": {"summary": "Met at the bus station."}},
    )

    assert response.status_code == 201
    data = body(response)
    case = Case.objects.get(pk=data["id"])
    assert case.lead_agency == partner.agency
    assert data["investigation"] == {"summary": "Met at the bus station."}
    assert data["version"] == 1
    assert response.headers["ETag"] == '"1"'


def test_opening_a_case_with_a_section_the_agency_does_not_steward_is_403_and_opens_nothing(api_as, partner):
    response = api_as(partner.caseworker).post(
        "cases/", {"pseudonym": "T.N.", "location": {"address": "1 Oak"}}
    )

    assert response.status_code == 403
    assert error_of(response)["message"] == "Your agency may not write: location."
    assert not Case.objects.exists()


def test_agency_admin_cannot_open_cases(api_as, lead):
    response = api_as(lead.admin).post("cases/", {"pseudonym": "T.N."})

    assert response.status_code == 403


# --- PATCH and concurrency --------------------------------------------------------------------


def test_patch_without_if_match_is_428_and_changes_nothing(api_as, case, lead):
    response = api_as(lead.caseworker).patch(f"cases/{case.pk}/", {"pseudonym": "X.Y."})

    assert response.status_code == 428
    assert error_of(response)["code"] == "precondition_required"
    case.refresh_from_db()
    assert (case.pseudonym, case.version) == ("M.R.", 1)


def test_patch_with_wildcard_if_match_is_428(api_as, case, lead):
    response = api_as(lead.caseworker).patch(f"cases/{case.pk}/", {"pseudonym": "X.Y."}, **{"If-Match": "*"})

    assert response.status_code == 428


def test_patch_with_malformed_if_match_is_400(api_as, case, lead):
    response = api_as(lead.caseworker).patch(
        f"cases/{case.pk}/", {"pseudonym": "X.Y."}, **{"If-Match": "one"}
    )

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["If-Match"]


def test_patch_updates_core_and_sections_and_bumps_the_etag(api_as, case, lead):
    response = api_as(lead.caseworker).patch(
        f"cases/{case.pk}/",
        {"pseudonym": "X.Y.", "location": {"school": "Reagan High"}},
        **{"If-Match": '"1"'},
    )

    assert response.status_code == 200
    assert body(response)["pseudonym"] == "X.Y."
    assert body(response)["location"]["school"] == "Reagan High"
    # One more for core, one more for location: the reader sees both.
    assert body(response)["version"] == 3
    assert response.headers["ETag"] == '"3"'


def test_weak_etag_from_a_compressing_proxy_is_accepted(api_as, case, lead):
    response = api_as(lead.caseworker).patch(
        f"cases/{case.pk}/", {"pseudonym": "X.Y."}, **{"If-Match": 'W/"1"'}
    )

    assert response.status_code == 200


def test_two_caseworkers_never_silently_overwrite_each_other(api_as, case, lead):
    second = UserFactory(agency=lead.agency, role="caseworker")
    team_member_add(actor=lead.liaison, case=case, member=second)
    alice, bob = api_as(lead.caseworker), api_as(second)
    etag_alice = alice.get(f"cases/{case.pk}/").headers["ETag"]
    etag_bob = bob.get(f"cases/{case.pk}/").headers["ETag"]

    first = alice.patch(
        f"cases/{case.pk}/", {"location": {"school": "Alice's pick"}}, **{"If-Match": etag_alice}
    )
    late = bob.patch(f"cases/{case.pk}/", {"location": {"school": "Bob's pick"}}, **{"If-Match": etag_bob})

    assert first.status_code == 200
    assert late.status_code == 412
    assert error_of(late)["code"] == "stale_version"
    assert LocationSection.objects.get(case=case).school == "Alice's pick"


def test_an_edit_of_a_section_the_reader_cannot_see_changes_nothing_they_see(
    api_as, shared_case, lead, partner
):
    """Police cannot read `location`: its edits must not show as a new ETag, version or time."""
    police = api_as(partner.liaison)
    before = police.get(f"cases/{shared_case.pk}/")
    etag = api_as(lead.caseworker).get(f"cases/{shared_case.pk}/").headers["ETag"]

    edited = api_as(lead.caseworker).patch(
        f"cases/{shared_case.pk}/", {"location": {"school": "Reagan High"}}, **{"If-Match": etag}
    )
    after = police.get(f"cases/{shared_case.pk}/")
    listed = body(police.get("cases/"))["results"][0]

    assert edited.status_code == 200
    assert edited.headers["ETag"] != etag
    assert after.headers["ETag"] == before.headers["ETag"]
    assert (body(after)["version"], body(after)["updated_at"]) == (
        body(before)["version"],
        body(before)["updated_at"],
    )
    assert (listed["version"], listed["updated_at"]) == (body(before)["version"], body(before)["updated_at"])


def test_the_reader_whose_section_was_edited_sees_the_new_version(api_as, shared_case, lead):
    other = UserFactory(agency=lead.agency, role="liaison")
    before = api_as(other).get(f"cases/{shared_case.pk}/")
    etag = api_as(lead.caseworker).get(f"cases/{shared_case.pk}/").headers["ETag"]

    api_as(lead.caseworker).patch(
        f"cases/{shared_case.pk}/", {"location": {"school": "Reagan High"}}, **{"If-Match": etag}
    )
    after = api_as(other).get(f"cases/{shared_case.pk}/")

    assert body(after)["version"] == body(before)["version"] + 1
    assert body(after)["updated_at"] > body(before)["updated_at"]


def test_an_unseen_edit_does_not_make_a_readers_edit_stale(api_as, shared_case, lead, partner):
    police_etag = api_as(partner.liaison).get(f"cases/{shared_case.pk}/").headers["ETag"]
    lead_etag = api_as(lead.caseworker).get(f"cases/{shared_case.pk}/").headers["ETag"]
    api_as(lead.caseworker).patch(
        f"cases/{shared_case.pk}/", {"location": {"school": "Reagan High"}}, **{"If-Match": lead_etag}
    )

    response = api_as(partner.liaison).patch(
        f"cases/{shared_case.pk}/",
        {"investigation": {"summary": "Suspect identified."}},
        **{"If-Match": police_etag},
    )

    assert response.status_code == 200


def test_writing_a_section_the_agency_may_not_write_is_403_and_leaves_the_case_unchanged(
    api_as, shared_case, partner
):
    response = api_as(partner.liaison).patch(
        f"cases/{shared_case.pk}/",
        {"investigation": {"summary": "Suspect identified."}, "location": {"address": "Somewhere else"}},
        **{"If-Match": '"1"'},
    )

    assert response.status_code == 403
    assert error_of(response)["message"] == "Your agency may not write: location."
    shared_case.refresh_from_db()
    assert shared_case.version == 1
    assert InvestigationSection.objects.get(case=shared_case).summary == ""
    assert LocationSection.objects.get(case=shared_case).address == "12 Elm Street"


def test_partner_writes_the_section_it_stewards(api_as, shared_case, partner):
    response = api_as(partner.liaison).patch(
        f"cases/{shared_case.pk}/",
        {"investigation": {"summary": "Suspect identified."}},
        **{"If-Match": '"1"'},
    )

    assert response.status_code == 200
    assert body(response)["investigation"] == {"summary": "Suspect identified."}


def test_partner_may_not_change_core_fields(api_as, shared_case, partner):
    response = api_as(partner.liaison).patch(
        f"cases/{shared_case.pk}/", {"status": "closed"}, **{"If-Match": '"1"'}
    )

    assert response.status_code == 403
    shared_case.refresh_from_db()
    assert shared_case.status == "open"


def test_patch_of_an_invisible_case_is_404_before_anything_else(api_as, case, unrelated):
    response = api_as(unrelated.liaison).patch(f"cases/{case.pk}/", {"pseudonym": 5})

    assert response.status_code == 404


def test_invalid_section_value_is_400_with_dotted_field(api_as, case, lead):
    response = api_as(lead.caseworker).patch(
        f"cases/{case.pk}/", {"location": {"placement_type": "castle"}}, **{"If-Match": '"1"'}
    )

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"location.placement_type": ['"castle" is not a valid choice.']}
