"""A case led by child welfare (which does not read investigation), with law enforcement (which
stewards it) and a district attorney's office (prosecution: reads it, writes only the criminal
case) taking part."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import AgencyKind
from casework.models import Case
from casework.services.sharing import participant_invite
from court.models import CriminalCase, Defendant
from court.services import criminal_case_open, defendant_add
from tests.conftest import Staff, make_staff

DEFENDANT_NAME = "MKDEFENDANTNAME"


@pytest.fixture
def da() -> Staff:
    return make_staff(kind=AgencyKind.PROSECUTION, name="Harris County District Attorney")


@pytest.fixture
def court_case(case: Case, lead: Staff, partner: Staff, da: Staff) -> Case:
    participant_invite(actor=lead.liaison, case=case, agency=partner.agency)
    participant_invite(actor=lead.liaison, case=case, agency=da.agency)
    return case


@pytest.fixture
def criminal_case(court_case: Case, da: Staff) -> CriminalCase:
    return criminal_case_open(
        actor=da.liaison,
        case=court_case,
        court="U.S. District Court, S.D. Tex.",
        docket_number="4:26-cr-00123",
        status="charged",
        prosecuting_agency=da.agency,
    )


@pytest.fixture
def defendant(criminal_case: CriminalCase, da: Staff) -> Defendant:
    return defendant_add(
        actor=da.liaison,
        criminal_case=criminal_case,
        defendant_name=DEFENDANT_NAME,
        custody_status="in_custody",
    )


def hours_ago(hours: float):
    return timezone.now() - timedelta(hours=hours)
