"""Case search keys (`casework.search`) and `case_search_filter`: what a term matches, and that a
name matches only where the reader's agency may read `identity`."""

import pytest
from django.db import connection

from casework.access import cases_visible_to
from casework.models import Case, IdentitySection, SectionGrant
from casework.search import has_search_key
from casework.selectors import case_search_filter
from casework.services.cases import case_update
from casework.services.sharing import grant_revoke
from tests.factories import open_case

pytestmark = pytest.mark.django_db


def key(value: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT bridge_search_key(%s::text)", [value])
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("L.M.", "LM"),
        ("BR-2026-000012", "BR2026000012"),
        ("Lucía Martínez-O\u2019Brien", "LUCIAMARTINEZOBRIEN"),
        ("Ana (Nena) \u201cÑ\u201d / #3; x|y \u2013 z", "ANANENAN3XYZ"),
    ],
)
def test_a_search_key_leaves_out_accents_case_spaces_and_punctuation(value, expected):
    assert key(value) == expected


@pytest.mark.parametrize(("term", "searches"), [("LM", True), (" l.m ", True), (" .-/ ", False), ("", False)])
def test_a_term_of_punctuation_alone_is_no_search(term, searches):
    assert has_search_key(term) is searches


def test_the_stored_keys_follow_edits(lead):
    case = open_case(
        actor=lead.caseworker, pseudonym="A.B.", sections={"identity": {"aliases": ["Kiki", "Lolo"]}}
    )

    case_update(
        actor=lead.caseworker,
        case=case,
        expected_version=case.version,
        core={"pseudonym": "C.D."},
        sections={"identity": {"legal_name": "Zoë Park"}},
    )

    assert Case.objects.get(pk=case.pk).search_key == f"{key(case.number)}|CD"
    assert IdentitySection.objects.get(pk=case.pk).search_key == "ZOEPARK|KIKI|LOLO"


def found(user, term):
    return list(cases_visible_to(user=user).filter(case_search_filter(user=user, term=term)))


def test_a_name_matches_only_where_the_agency_holds_an_identity_grant(lead, partner, shared_case):
    assert found(partner.caseworker, "rivera") == []  # not on the partner caseworker's desk
    assert found(partner.liaison, "rivera") == [shared_case]

    grant = SectionGrant.objects.get(
        case=shared_case, agency=partner.agency, section="identity", ended_at=None
    )
    grant_revoke(actor=lead.liaison, grant=grant)

    assert found(partner.liaison, "rivera") == []
    assert found(lead.liaison, "rivera") == [shared_case]


def test_no_filter_for_a_term_with_nothing_to_match(lead):
    assert case_search_filter(user=lead.caseworker, term=" - ") is None


def test_a_term_of_two_letters_finds_the_cases_whose_pseudonym_it_is_and_no_part_of_a_name(lead):
    initials = open_case(actor=lead.caseworker, pseudonym="L.M.")
    open_case(actor=lead.caseworker, pseudonym="A.L.M.", sections={"identity": {"legal_name": "Lmara Ruiz"}})

    assert found(lead.liaison, "l m") == [initials]
    assert found(lead.liaison, "lmar") != []  # three characters or more: any part, names too


@pytest.mark.parametrize("term", ["Q%X", "Q_X", "Q\\ZX", "%%%"])
def test_a_percent_sign_or_backslash_in_a_term_is_a_character_not_a_wildcard(lead, term):
    open_case(actor=lead.caseworker, pseudonym="Q.Z.X.", sections={"identity": {"legal_name": "Quizx Ruiz"}})

    assert found(lead.liaison, term) == []


def test_a_term_finds_a_case_by_any_part_of_its_pseudonym_or_its_child_s_name(lead):
    case = open_case(
        actor=lead.caseworker, pseudonym="Q.Z.X.", sections={"identity": {"legal_name": "Quizx Ruiz"}}
    )

    assert found(lead.liaison, "qzx") == [case]
    assert found(lead.liaison, "izx ru") == [case]
