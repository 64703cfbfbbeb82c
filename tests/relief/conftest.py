"""A case led by child welfare (which reads immigration by default), with a legal advocate (which
stewards it) and law enforcement (which does not read it) taking part."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from agencies.models import AgencyKind
from casework.deadlines import add_months
from casework.models import Case
from casework.services.sharing import participant_invite
from tests.conftest import Staff, make_staff
from tests.factories import open_case


@pytest.fixture
def advocate() -> Staff:
    return make_staff(kind=AgencyKind.LEGAL_ADVOCATE, name="Harris County Legal Aid")


def born_turning(age: int, *, in_days: int) -> date:
    """A date of birth whose `age` birthday is `in_days` from today."""
    return add_months(timezone.localdate() + timedelta(days=in_days), -12 * age)


def relief_case_for(
    *, lead: Staff, advocate: Staff, partner: Staff, born: date, pseudonym: str = "R.C."
) -> Case:
    case = open_case(
        actor=lead.caseworker,
        pseudonym=pseudonym,
        age_band="15-17",
        sections={"identity": {"legal_name": "Rosa Cruz", "date_of_birth": born.isoformat()}},
    )
    participant_invite(actor=lead.liaison, case=case, agency=advocate.agency)
    participant_invite(actor=lead.liaison, case=case, agency=partner.agency)
    return case


@pytest.fixture
def relief_case(lead: Staff, advocate: Staff, partner: Staff) -> Case:
    """The child turns 18 in a year: nothing near yet."""
    return relief_case_for(lead=lead, advocate=advocate, partner=partner, born=born_turning(18, in_days=365))
