"""`grants_from_consent`: an agency the child consented to share with gets the consented sections
it lacks, resting on the consent, checked again when given (issue 16, service referrals)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import AgencyKind
from casework.models import Consent, GrantBasis, SectionGrant
from casework.services.sharing import consent_record, consent_revoke, grants_from_consent, participant_invite
from common.errors import ValidationFailed
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(case, lead):
    staff = make_staff(kind=AgencyKind.VICTIM_SERVICES, name="Safe House")
    participant_invite(actor=lead.liaison, case=case, agency=staff.agency)
    return staff


def _consent(case, lead, provider, sections) -> Consent:
    return consent_record(
        actor=lead.liaison,
        case=case,
        recipient_agency=provider.agency,
        sections=sections,
        purpose="Shelter",
        signed_by="The child",
        signer_capacity="child",
        signed_on=timezone.localdate(),
        expires_on=timezone.localdate() + timedelta(days=30),
    )


def test_the_missing_sections_are_granted_on_the_consent_and_end_with_it(case, lead, provider):
    consent = _consent(case, lead, provider, ["location", "health"])

    created = grants_from_consent(
        case=case,
        agency=provider.agency,
        consent=consent,
        sections=["location", "health"],
        actor=provider.liaison,
    )

    # Victim services already holds health (it stewards it): only location is new.
    assert [(grant.section, grant.basis, grant.consent_id) for grant in created] == [
        ("location", GrantBasis.CONSENT, consent.pk)
    ]
    assert created[0].expires_at.date() == consent.expires_on + timedelta(days=1)


def test_a_revoked_consent_grants_nothing(case, lead, provider):
    consent = _consent(case, lead, provider, ["location"])
    consent_revoke(actor=lead.liaison, consent=consent)

    with pytest.raises(ValidationFailed):
        grants_from_consent(
            case=case, agency=provider.agency, consent=consent, sections=["location"], actor=provider.liaison
        )

    assert not SectionGrant.objects.filter(agency=provider.agency, section="location").exists()


def test_a_section_the_consent_does_not_name_is_refused(case, lead, provider):
    consent = _consent(case, lead, provider, ["location"])

    with pytest.raises(ValidationFailed):
        grants_from_consent(
            case=case,
            agency=provider.agency,
            consent=consent,
            sections=["immigration"],
            actor=provider.liaison,
        )


def test_an_agency_not_on_the_case_is_refused(case, lead):
    stranger = make_staff(kind=AgencyKind.VICTIM_SERVICES, name="Elsewhere")
    consent = _consent(case, lead, stranger, ["location"])

    with pytest.raises(ValidationFailed):
        grants_from_consent(
            case=case, agency=stranger.agency, consent=consent, sections=["location"], actor=stranger.liaison
        )
