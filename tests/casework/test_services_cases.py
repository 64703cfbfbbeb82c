import re
from datetime import date

import pytest

from casework.access import get_case_access
from casework.models import Case, IdentitySection, LocationSection, TimelineEvent
from casework.services.cases import case_open, case_update
from common.errors import PermissionDenied, StaleVersion, ValidationFailed
from tests.factories import open_case

pytestmark = pytest.mark.django_db


def test_opening_a_case_makes_the_callers_agency_lead_and_numbers_it(lead):
    case = open_case(actor=lead.caseworker)

    assert case.lead_agency == lead.agency
    assert re.fullmatch(r"BR-\d{4}-\d{6}", case.number)
    assert case.version == 1


def test_case_numbers_follow_each_other(lead):
    first = open_case(actor=lead.caseworker)
    second = open_case(actor=lead.caseworker)

    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_opening_saves_sections_the_lead_stewards(case):
    identity = IdentitySection.objects.get(case=case)
    assert identity.legal_name == "Maria Rivera"
    assert identity.date_of_birth == date(2010, 4, 2)
    assert LocationSection.objects.get(case=case).school == "Lee High"


def test_opening_with_a_section_the_lead_does_not_steward_is_refused_and_saves_nothing(lead):
    with pytest.raises(PermissionDenied):
        case_open(actor=lead.caseworker, pseudonym="X.Y.", sections={"investigation": {"summary": "secret"}})

    assert Case.objects.count() == 0


def test_agency_admin_cannot_open_a_case(lead):
    with pytest.raises(PermissionDenied):
        case_open(actor=lead.admin, pseudonym="X.Y.")


@pytest.mark.parametrize(
    ("pseudonym", "age_band", "field"),
    [("", "15-17", "pseudonym"), ("A.B.", "teen", "age_band"), ("x" * 65, "15-17", "pseudonym")],
)
def test_bad_core_values_name_the_field(lead, pseudonym, age_band, field):
    with pytest.raises(ValidationFailed) as error:
        case_open(actor=lead.caseworker, pseudonym=pseudonym, age_band=age_band)

    assert list(error.value.fields) == [field]


def test_update_bumps_the_version_and_records_the_change_without_content(case, lead):
    updated = case_update(
        actor=lead.caseworker, case=case, expected_version=1, sections={"location": {"school": "Oak High"}}
    )

    assert get_case_access(user=lead.caseworker, case_id=updated.pk).version == 2
    event = TimelineEvent.objects.filter(case=case, kind="section_updated", section="location").latest(
        "occurred_at"
    )
    assert event.summary == "Location updated (school)."
    assert "Oak" not in event.summary


def test_stale_update_raises_and_changes_nothing(case, lead):
    case_update(actor=lead.caseworker, case=case, expected_version=1, core={"pseudonym": "M.R.2"})

    with pytest.raises(StaleVersion):
        case_update(actor=lead.caseworker, case=case, expected_version=1, core={"pseudonym": "Other"})

    case.refresh_from_db()
    assert (case.pseudonym, case.version) == ("M.R.2", 2)


def test_partner_cannot_write_a_section_it_only_reads(shared_case, partner):
    with pytest.raises(PermissionDenied):
        case_update(
            actor=partner.liaison,
            case=shared_case,
            expected_version=1,
            sections={"identity": {"legal_name": "X"}},
        )

    assert IdentitySection.objects.get(case=shared_case).legal_name == "Maria Rivera"


def test_partner_writes_the_section_it_stewards(shared_case, partner):
    case_update(
        actor=partner.liaison,
        case=shared_case,
        expected_version=1,
        sections={"investigation": {"summary": "Lead found"}},
    )

    assert get_case_access(user=partner.liaison, case_id=shared_case.pk).version == 2


def test_invalid_section_values_name_each_field_and_save_nothing(case, lead):
    with pytest.raises(ValidationFailed) as error:
        case_update(
            actor=lead.caseworker,
            case=case,
            expected_version=1,
            sections={
                "identity": {"date_of_birth": "yesterday", "shoe_size": 9},
                "location": {"school": "New"},
            },
        )

    assert sorted(error.value.fields) == ["identity.date_of_birth", "identity.shoe_size"]
    assert LocationSection.objects.get(case=case).school == "Lee High"
    case.refresh_from_db()
    assert case.version == 1


def test_an_update_that_changes_nothing_keeps_the_version(case, lead):
    unchanged = case_update(actor=lead.caseworker, case=case, expected_version=1, core={"pseudonym": "M.R."})

    assert unchanged.version == 1
