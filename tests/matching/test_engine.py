"""The matching engine: how names are folded, which keys a case's identity keeps, and which other
cases a check finds and how strongly."""

import pytest
from django.db import connection

from casework.access import get_case_access
from casework.models import Case
from casework.services.cases import case_update
from matching.models import BlockingKey, IdentityProfile
from matching.selectors import Strength, possible_matches
from tests.conftest import Staff
from tests.factories import open_case

pytestmark = pytest.mark.django_db


def tokens(name: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT matching_tokens(%s)", [name])
        return cursor.fetchone()[0]


def open_identity(staff: Staff, legal_name: str, date_of_birth: str | None = None, aliases=()) -> Case:
    identity = {"legal_name": legal_name, "aliases": list(aliases)}
    if date_of_birth:
        identity["date_of_birth"] = date_of_birth
    return open_case(actor=staff.caseworker, pseudonym="X.", sections={"identity": identity})


def strengths(case: Case) -> dict:
    return {match.case_id: match.strength for match in possible_matches(case_id=case.pk)}


def test_accents_case_and_punctuation_fold_away() -> None:
    assert tokens("José-María  NÚÑEZ") == ["JOSE", "MARIA", "NUNEZ"]


def test_double_surnames_split_into_tokens() -> None:
    assert tokens("García-López") == tokens("garcia lopez") == ["GARCIA", "LOPEZ"]


@pytest.mark.parametrize("name", ["Ana de la Cruz", "Ana del Cruz", "Ana Cruz y de las Cruz"])
def test_particles_are_left_out(name: str) -> None:
    assert set(tokens(name)) == {"ANA", "CRUZ"}


def test_apostrophes_join_and_initials_drop() -> None:
    assert tokens("Sean O'Connor J.") == ["SEAN", "OCONNOR"]


def test_saving_identity_keeps_a_profile_with_nicknames_made_formal(lead: Staff) -> None:
    case = open_identity(lead, "Lupe García", "2010-04-02")

    profile = IdentityProfile.objects.get(case=case)

    assert profile.tokens == ["GARCIA", "GUADALUPE"]
    assert profile.name_key == "GARCIA GUADALUPE"


def test_blocking_keys_pair_names_with_and_without_the_month_and_each_name_with_the_date(
    lead: Staff,
) -> None:
    case = open_identity(lead, "Ana Cruz", "2010-04-02")

    keys = set(BlockingKey.objects.filter(case=case).values_list("key", flat=True))

    assert keys == {"P:AN.KRS", "Y:AN.KRS:2010-04", "B:AN:2010-04-02", "B:KRS:2010-04-02"}


def test_without_a_date_of_birth_the_pairs_are_marked_so(lead: Staff) -> None:
    case = open_identity(lead, "Ana Cruz")

    keys = set(BlockingKey.objects.filter(case=case).values_list("key", flat=True))

    assert keys == {"P:AN.KRS", "N:AN.KRS"}


def test_changing_identity_replaces_the_keys(lead: Staff) -> None:
    case = open_identity(lead, "Ana Cruz", "2010-04-02")

    case_update(
        actor=lead.caseworker,
        case=case,
        expected_version=get_case_access(user=lead.caseworker, case_id=case.pk).version,
        sections={"identity": {"legal_name": "Eva Soto"}},
    )

    assert IdentityProfile.objects.get(case=case).tokens == ["EVA", "SOTO"]
    assert not BlockingKey.objects.filter(case=case, key__contains="KRS").exists()


def test_a_case_without_a_name_keeps_no_keys_and_matches_nothing(lead: Staff) -> None:
    case = open_case(
        actor=lead.caseworker, pseudonym="X.", sections={"identity": {"date_of_birth": "2010-04-02"}}
    )

    assert not BlockingKey.objects.filter(case=case).exists()
    assert possible_matches(case_id=case.pk) == []


def test_the_same_names_and_birth_date_in_another_agency_are_a_high_match(
    lead: Staff, unrelated: Staff
) -> None:
    theirs = open_identity(unrelated, "Guadalupe Hernández-López", "2009-11-23")
    mine = open_identity(lead, "Lupe Hernandez Lopez", "2009-11-23")

    assert strengths(mine) == {theirs.pk: Strength.HIGH}


def test_half_the_names_with_the_same_birth_date_are_a_medium_match(lead: Staff, unrelated: Staff) -> None:
    theirs = open_identity(unrelated, "María Guadalupe Hernández López", "2009-11-23")
    mine = open_identity(lead, "Lupe Hernandez", "2009-11-23")

    assert strengths(mine) == {theirs.pk: Strength.MEDIUM}


def test_a_spelling_variant_with_day_and_month_swapped_matches(lead: Staff, unrelated: Staff) -> None:
    theirs = open_identity(unrelated, "Yesenia Gonzales Ramirez", "2010-03-07")
    mine = open_identity(lead, "Yessenia González", "2010-07-03")

    assert theirs.pk in strengths(mine)


def test_an_alias_matches_like_a_legal_name(lead: Staff, unrelated: Staff) -> None:
    theirs = open_identity(unrelated, "Kimberly Ortiz", "2011-06-15", aliases=["Paola Reyes"])
    mine = open_identity(lead, "Paola Reyes", "2011-06-15")

    assert theirs.pk in strengths(mine)


def test_a_year_off_by_one_still_matches(lead: Staff, unrelated: Staff) -> None:
    theirs = open_identity(unrelated, "Dmitri Volkov", "2008-02-14")
    mine = open_identity(lead, "Dima Volkov", "2009-02-14")

    assert theirs.pk in strengths(mine)


def test_a_sibling_with_the_same_surnames_is_no_match(lead: Staff, unrelated: Staff) -> None:
    open_identity(unrelated, "Carlos Mendoza Ruiz", "2008-09-01")
    mine = open_identity(lead, "Sofia Mendoza Ruiz", "2011-01-20")

    assert strengths(mine) == {}


def test_the_case_itself_is_never_its_own_match(lead: Staff) -> None:
    mine = open_identity(lead, "Ana Cruz", "2010-04-02")

    assert strengths(mine) == {}


def test_names_that_only_sound_alike_when_short_do_not_agree(lead: Staff, unrelated: Staff) -> None:
    open_identity(unrelated, "José Hernández Ríos", "2008-03-19")
    mine = open_identity(lead, "José Ruiz", "2008-03-19")

    assert strengths(mine) == {}


def test_a_misspelled_short_name_is_found_through_the_date_of_birth(lead: Staff, unrelated: Staff) -> None:
    theirs = open_identity(unrelated, "Joshua García", "2007-11-15")
    mine = open_identity(lead, "Johua Garcia", "2007-11-15")

    assert theirs.pk in strengths(mine)


def test_two_neighbouring_letters_swapped_are_a_typo(lead: Staff, unrelated: Staff) -> None:
    theirs = open_identity(unrelated, "Nicole Martin", "2008-01-12")
    mine = open_identity(lead, "Nicole Matrin", "2008-01-12")

    assert strengths(mine) == {theirs.pk: Strength.HIGH}


def test_names_with_letters_swapped_apart_do_not_agree(lead: Staff, unrelated: Staff) -> None:
    open_identity(unrelated, "Nicole Martin", "2008-01-12")
    mine = open_identity(lead, "Nicole Marnit", "2008-01-12")

    assert strengths(mine) == {}


def test_a_misspelled_name_with_the_day_off_by_one_is_found(lead: Staff, unrelated: Staff) -> None:
    theirs = open_identity(unrelated, "Natalie Long", "2016-09-13")
    mine = open_identity(lead, "Natalie Olng", "2016-09-14")

    assert strengths(mine) == {theirs.pk: Strength.MEDIUM}


def test_a_missing_date_of_birth_makes_at_most_a_medium_match(lead: Staff, unrelated: Staff) -> None:
    theirs = open_identity(unrelated, "Carlos Wilson", "2016-01-15")
    mine = open_identity(lead, "Carlos Wilson")

    assert strengths(mine) == {theirs.pk: Strength.MEDIUM}
