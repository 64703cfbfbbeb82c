"""A case's sibling group: every case reached through sibling links the reader sees, however many
links away, and nothing reached only through a case the reader cannot see (issue 15)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.services.sharing import participant_invite, team_member_add
from links.services import case_link_create
from tests.api.conftest import body
from tests.factories import UserFactory, open_case

pytestmark = pytest.mark.django_db


def _link(actor, case, other, kind="sibling"):
    case_link_create(actor=actor, case=case, other_case_id=other.pk, kind=kind)


def _group(api, case):
    response = api.get(f"cases/{case.pk}/sibling-group/")
    assert response.status_code == 200, response.content
    return [item["number"] for item in body(response)["results"]]


@pytest.fixture
def three_siblings(lead, case):
    """The case, a sibling linked to it, and a third linked only to that sibling."""
    middle = open_case(actor=lead.liaison, pseudonym="J.R.")
    youngest = open_case(actor=lead.liaison, pseudonym="L.R.")
    _link(lead.liaison, case, middle)
    _link(lead.liaison, middle, youngest)
    return case, middle, youngest


def test_the_group_holds_siblings_of_siblings(api_as, lead, three_siblings):
    case, middle, youngest = three_siblings

    assert _group(api_as(lead.liaison), case) == [middle.number, youngest.number]
    assert _group(api_as(lead.liaison), youngest) == [case.number, middle.number]


def test_a_sibling_reached_only_through_a_case_the_reader_cannot_see_is_left_out(
    api_as, lead, three_siblings
):
    case, _middle, youngest = three_siblings
    worker = UserFactory(agency=lead.agency, role="caseworker")
    team_member_add(actor=lead.liaison, case=case, member=worker)
    team_member_add(actor=lead.liaison, case=youngest, member=worker)

    assert _group(api_as(worker), case) == []


def test_other_kinds_of_link_do_not_make_siblings(api_as, lead, case):
    household = open_case(actor=lead.liaison, pseudonym="K.R.")
    _link(lead.liaison, case, household, kind="same_household")

    assert _group(api_as(lead.liaison), case) == []


def test_a_case_the_caller_cannot_see_has_no_group(api_as, unrelated, three_siblings):
    case, _, _ = three_siblings

    assert api_as(unrelated.liaison).get(f"cases/{case.pk}/sibling-group/").status_code == 404


def test_a_partner_sees_the_siblings_it_takes_part_in(api_as, lead, partner, three_siblings):
    case, middle, youngest = three_siblings
    for each in (case, youngest):
        participant_invite(actor=lead.liaison, case=each, agency=partner.agency)

    assert _group(api_as(partner.liaison), case) == []
    participant_invite(actor=lead.liaison, case=middle, agency=partner.agency)
    assert _group(api_as(partner.liaison), case) == [middle.number, youngest.number]


def test_the_group_costs_the_same_queries_however_large(api_as, lead, case):
    api = api_as(lead.liaison)
    first = open_case(actor=lead.liaison, pseudonym="A.R.")
    _link(lead.liaison, case, first)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert api.get(f"cases/{case.pk}/sibling-group/").status_code == 200
        return len(captured)

    one = count()
    previous = first
    for pseudonym in ("B.R.", "C.R.", "D.R."):
        nxt = open_case(actor=lead.liaison, pseudonym=pseudonym)
        _link(lead.liaison, previous, nxt)
        previous = nxt

    assert count() == one
