"""A case led by child welfare (Harris County CPS), law enforcement taking part, and a victim
services agency, the usual provider, not yet on the case."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import AgencyKind
from casework.models import Case, Consent
from casework.services.sharing import consent_record
from referrals.models import ServiceType
from tests.conftest import Staff, make_staff


@pytest.fixture
def provider() -> Staff:
    return make_staff(kind=AgencyKind.VICTIM_SERVICES, name="Houston Area Safe House")


def service(key: str) -> ServiceType:
    return ServiceType.objects.get(key=key)


def consent_for(*, lead: Staff, case: Case, provider: Staff, sections: list[str], days: int = 180) -> Consent:
    return consent_record(
        actor=lead.liaison,
        case=case,
        recipient_agency=provider.agency,
        sections=sections,
        purpose="Referral for services",
        signed_by="The child and her guardian ad litem",
        signer_capacity="guardian_ad_litem",
        signed_on=timezone.localdate() - timedelta(days=1),
        expires_on=timezone.localdate() + timedelta(days=days),
    )
