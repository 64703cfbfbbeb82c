"""What a person working on a case is told of its possible matches, and asking another agency to
compare one: nothing of a case they do not see but its lead agency's name and the strength."""

from dataclasses import replace

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditRecord
from casework.access import Action, get_case_access
from casework.models import Case
from casework.services.sharing import participant_invite
from common.errors import ValidationFailed
from matching.models import ComparisonRequest
from matching.services import comparison_ask, possible_matches_check
from tests.api.conftest import Api, body, error_of
from tests.factories import open_case
from tests.matching.conftest import HIDDEN_PSEUDONYM, leaks

pytestmark = pytest.mark.django_db


def matches_url(case: Case) -> str:
    return f"cases/{case.pk}/possible-matches/"


def test_a_match_in_an_unseen_case_shows_only_its_lead_agency_and_strength(asking_case, hidden_case, lead):
    response = Api(lead.caseworker).get(matches_url(asking_case))

    assert response.status_code == 200
    [match] = body(response)["results"]
    assert (match["lead_agency_name"], match["strength"], match["case"]) == (
        "Dallas County CPS",
        "medium",
        None,
    )
    assert match["match"]
    assert leaks(response.content.decode(), hidden_case) == []


def test_a_match_in_a_case_the_reader_sees_links_to_it(asking_case, hidden_case, lead, unrelated):
    participant_invite(actor=unrelated.liaison, case=hidden_case, agency=lead.agency)

    [match] = body(Api(lead.liaison).get(matches_url(asking_case)))["results"]

    assert match["case"] == {
        "id": str(hidden_case.pk),
        "number": hidden_case.number,
        "pseudonym": HIDDEN_PSEUDONYM,
    }
    assert match["match"] is None


@pytest.mark.parametrize("role", ["agency_admin"])
def test_an_agency_administrator_is_told_of_no_match(asking_case, lead, role):
    response = Api(lead.by_role(role)).get(matches_url(asking_case))

    assert response.status_code == 404


def test_a_platform_administrator_is_told_of_no_match(asking_case, platform_admin):
    response = Api(platform_admin).get(matches_url(asking_case))

    assert response.status_code == 404


def test_a_break_glass_reader_of_identity_is_told_of_no_match(asking_case, lead):
    access = get_case_access(user=lead.caseworker, case_id=asking_case.pk)

    opened = replace(access, break_glass=frozenset({"identity"}))

    assert access.may(Action.SEE_POSSIBLE_MATCHES)
    assert not opened.may(Action.SEE_POSSIBLE_MATCHES)


def test_each_check_is_audited_with_ids_only(asking_case, lead):
    Api(lead.caseworker).get(matches_url(asking_case))

    record = AuditRecord.objects.get(event_type="match.checked")
    assert (record.user_id, record.case_id, record.object_id, record.detail) == (
        lead.caseworker.pk,
        asking_case.pk,
        str(asking_case.pk),
        {"found": 1},
    )


def test_asking_creates_a_request_to_the_lead_agency_and_audits_it(asking_case, hidden_case, lead, unrelated):
    api = Api(lead.caseworker)
    [match] = body(api.get(matches_url(asking_case)))["results"]

    response = api.post(matches_url(asking_case) + "ask/", {"match": match["match"]})

    assert response.status_code == 201
    assert body(response)["asked_agency_name"] == "Dallas County CPS"
    asked = ComparisonRequest.objects.get()
    assert (asked.asking_case_id, asked.matched_case_id, asked.asked_agency_id) == (
        asking_case.pk,
        hidden_case.pk,
        unrelated.agency.pk,
    )
    record = AuditRecord.objects.get(event_type="match.comparison_asked")
    assert (record.case_id, record.object_id) == (asking_case.pk, str(asked.pk))
    assert leaks(response.content.decode(), hidden_case) == []


def test_asking_twice_about_one_match_is_a_conflict(asking_case, hidden_case, lead):
    api = Api(lead.caseworker)
    [match] = body(api.get(matches_url(asking_case)))["results"]
    api.post(matches_url(asking_case) + "ask/", {"match": match["match"]})

    again = api.post(matches_url(asking_case) + "ask/", {"match": match["match"]})

    assert again.status_code == 409
    assert leaks(again.content.decode(), hidden_case) == []


def test_a_token_given_to_someone_else_asks_nothing(asking_case, lead):
    [match] = body(Api(lead.caseworker).get(matches_url(asking_case)))["results"]

    response = Api(lead.liaison).post(matches_url(asking_case) + "ask/", {"match": match["match"]})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["match"]


def test_asking_needs_a_case_the_asker_works_on(asking_case, hidden_case, partner):
    response = Api(partner.caseworker).post(matches_url(asking_case) + "ask/", {"match": "0" * 64})

    assert response.status_code == 404


def test_requests_are_limited_per_person_per_day(asking_case, lead, unrelated, settings):
    settings.BRIDGE_MATCH_ASKS_PER_DAY = 1
    second = open_case(
        actor=unrelated.caseworker,
        pseudonym="Z.",
        sections={"identity": {"legal_name": "Lupita Hernandes", "date_of_birth": "2011-06-14"}},
    )
    assert second.pk
    first, other = possible_matches_check(actor=lead.caseworker, case=asking_case)
    comparison_ask(actor=lead.caseworker, case=asking_case, token=first.token)

    response = Api(lead.caseworker).post(matches_url(asking_case) + "ask/", {"match": other.token})

    assert response.status_code == 400
    assert "24 hours" in error_of(response)["message"]
    assert ComparisonRequest.objects.count() == 1


PROBE_NAMES = [
    "Guadalupe Hernandez",
    "Lupe Lopez",
    "Guadalupe Lopez Hernandez",
    "Lupe Hernandez Lopez",
    "Lupita Hernández",
    "G. Hernandez Lopez",
    "Hernandez Guadalupe",
    "Maria Lopez",
]


def test_a_probe_crafting_identities_learns_only_agency_names_and_strengths(asking_case, hidden_case, lead):
    """Through the API and the pages, every name tried shows nothing of the other case."""
    api = Api(lead.caseworker)
    client = Client()
    client.force_login(lead.caseworker)
    told = set()
    for name in PROBE_NAMES:
        for date_of_birth in ("2011-06-14", "2010-06-14"):
            edit = api.patch(
                f"cases/{asking_case.pk}/",
                {"identity": {"legal_name": name, "date_of_birth": date_of_birth}},
                **{"If-Match": api.get(f"cases/{asking_case.pk}/")["ETag"]},
            )
            listing = api.get(matches_url(asking_case))
            page = client.get(reverse("web:case-matches", args=[asking_case.pk]))
            panel = client.get(reverse("web:case-matches", args=[asking_case.pk]), HTTP_HX_REQUEST="true")
            overview = client.get(reverse("web:case", args=[asking_case.pk]))
            for response in (edit, listing, page, panel, overview):
                assert response.status_code == 200
                assert leaks(response.content.decode(), hidden_case) == []
            told |= {(m["lead_agency_name"], m["strength"]) for m in body(listing)["results"]}
    assert told <= {("Dallas County CPS", "high"), ("Dallas County CPS", "medium")}
    assert told


def test_the_case_page_loads_the_matches_panel(asking_case, lead):
    client = Client()
    client.force_login(lead.caseworker)

    overview = client.get(reverse("web:case", args=[asking_case.pk])).content.decode()

    assert reverse("web:case-matches", args=[asking_case.pk]) in overview


def test_the_matches_page_offers_to_ask_the_lead_agency(asking_case, hidden_case, lead):
    client = Client()
    client.force_login(lead.caseworker)

    page = client.get(reverse("web:case-matches", args=[asking_case.pk])).content.decode()

    assert "A possible match exists in a case led by Dallas County CPS" in page
    assert "Ask Dallas County CPS to compare" in page
    assert leaks(page, hidden_case) == []


def test_asking_from_the_page_creates_the_request(asking_case, lead):
    client = Client()
    client.force_login(lead.caseworker)
    [match] = possible_matches_check(actor=lead.caseworker, case=asking_case)

    response = client.post(reverse("web:case-matches-ask", args=[asking_case.pk]), {"match": match.token})

    assert response.status_code == 302
    assert ComparisonRequest.objects.filter(asking_case=asking_case).count() == 1


def test_an_agency_administrator_gets_no_matches_page(asking_case, lead):
    client = Client()
    client.force_login(lead.admin)

    response = client.get(reverse("web:case-matches", args=[asking_case.pk]))

    assert response.status_code == 403


def test_a_token_longer_than_any_is_refused_on_its_field(asking_case, lead):
    with pytest.raises(ValidationFailed) as refused:
        comparison_ask(actor=lead.caseworker, case=asking_case, token="a" * 65)

    assert list(refused.value.fields) == ["match"]


def test_asking_from_the_page_without_a_match_is_a_400(asking_case, lead):
    client = Client()
    client.force_login(lead.caseworker)

    response = client.post(reverse("web:case-matches-ask", args=[asking_case.pk]), {})

    assert response.status_code == 400
    assert ComparisonRequest.objects.count() == 0
