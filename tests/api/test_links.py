"""Case links through the API: the lead agency links, and a link exists only for a reader who sees
both cases."""

import uuid

import pytest

from audit.models import AuditRecord
from casework.services.sharing import participant_invite, team_member_add
from links.models import CaseLink
from tests.api.conftest import body, error_of
from tests.factories import UserFactory, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def sibling(lead):
    return open_case(actor=lead.liaison, pseudonym="J.R.")


@pytest.fixture
def linked(api_as, lead, case, sibling):
    response = api_as(lead.liaison).post(
        f"cases/{case.pk}/links/", {"other_case": str(sibling.pk), "kind": "sibling"}
    )
    assert response.status_code == 201, response.content
    return CaseLink.objects.get()


def test_the_lead_agency_links_its_case_and_both_cases_list_the_link(api_as, lead, case, sibling, linked):
    api = api_as(lead.liaison)

    from_case = body(api.get(f"cases/{case.pk}/links/"))["results"]
    from_sibling = body(api.get(f"cases/{sibling.pk}/links/"))["results"]

    assert [(link["kind"], link["other_case"]["number"]) for link in from_case] == [
        ("sibling", sibling.number)
    ]
    assert [link["other_case"]["id"] for link in from_sibling] == [str(case.pk)]


def test_a_partner_that_sees_only_one_case_sees_no_link(api_as, shared_case, partner, linked):
    response = api_as(partner.liaison).get(f"cases/{shared_case.pk}/links/")

    assert response.status_code == 200
    assert body(response)["results"] == []


def test_a_caseworker_on_only_one_of_the_cases_sees_no_link(api_as, lead, case, linked):
    newcomer = UserFactory(agency=lead.agency, role="caseworker")
    team_member_add(actor=lead.liaison, case=case, member=newcomer)

    response = api_as(newcomer).get(f"cases/{case.pk}/links/")

    assert body(response)["results"] == []


def test_linking_to_a_case_the_caller_cannot_see_answers_as_for_one_that_does_not_exist(
    api_as, lead, case, unrelated
):
    hidden = open_case(actor=unrelated.liaison, pseudonym="Z.Z.")
    api = api_as(lead.liaison)

    to_hidden = api.post(f"cases/{case.pk}/links/", {"other_case": str(hidden.pk), "kind": "sibling"})
    to_nothing = api.post(f"cases/{case.pk}/links/", {"other_case": str(uuid.uuid4()), "kind": "sibling"})

    assert (to_hidden.status_code, to_nothing.status_code) == (400, 400)
    assert error_of(to_hidden) == error_of(to_nothing)
    assert not CaseLink.objects.exists()


def test_an_agency_that_does_not_lead_the_case_may_not_link_it(api_as, lead, shared_case, partner, sibling):
    participant_invite(actor=lead.liaison, case=sibling, agency=partner.agency)

    response = api_as(partner.liaison).post(
        f"cases/{shared_case.pk}/links/", {"other_case": str(sibling.pk), "kind": "same_household"}
    )

    assert response.status_code == 403
    assert not CaseLink.objects.exists()


def test_the_same_link_twice_is_a_conflict_from_either_case(api_as, lead, case, sibling, linked):
    response = api_as(lead.liaison).post(
        f"cases/{sibling.pk}/links/", {"other_case": str(case.pk), "kind": "sibling"}
    )

    assert response.status_code == 409
    assert CaseLink.objects.count() == 1


def test_linking_is_audited_on_both_cases(lead, case, sibling, linked):
    on_case = AuditRecord.objects.filter(object_type="case_link", object_id=str(linked.pk))

    assert {record.case_id for record in on_case} == {case.pk, sibling.pk}
    assert {record.user_id for record in on_case} == {lead.liaison.pk}


def test_the_lead_agency_removes_a_link(api_as, lead, case, linked):
    response = api_as(lead.liaison).delete(f"cases/{case.pk}/links/{linked.pk}/")

    assert response.status_code == 204
    assert not CaseLink.objects.exists()
    assert AuditRecord.objects.filter(event_type="case_link.deleted", object_id=str(linked.pk)).count() == 1


def test_a_link_the_caller_does_not_see_cannot_be_removed(api_as, lead, shared_case, partner, linked):
    response = api_as(partner.liaison).delete(f"cases/{shared_case.pk}/links/{linked.pk}/")

    assert response.status_code == 404
    assert CaseLink.objects.count() == 1
