"""Grants follow stewardship; revoked and expired grants stop access at once."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from agencies.models import AgencyKind
from casework.access import get_case_access
from casework.models import GrantBasis, GrantEndReason, SectionGrant
from casework.services.sharing import (
    consent_record,
    consent_revoke,
    grant_create,
    grant_revoke,
    grants_end_expired,
    participant_invite,
)
from common.errors import Conflict, PermissionDenied, ValidationFailed
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


def _consent(case, actor, recipient, sections, **kwargs):
    return consent_record(
        actor=actor,
        case=case,
        recipient_agency=recipient,
        sections=sections,
        purpose="Safety planning",
        signed_by="Child and guardian",
        signed_on=kwargs.pop("signed_on", timezone.localdate()),
        **kwargs,
    )


def test_location_cannot_be_shared_without_consent(shared_case, lead, partner):
    with pytest.raises(ValidationFailed) as error:
        grant_create(actor=lead.liaison, case=shared_case, agency=partner.agency, section="location")

    assert error.value.fields == {"consent": ["A consent naming this agency and section is required."]}
    assert "location" not in get_case_access(user=partner.liaison, case_id=shared_case.pk).readable


def test_location_shared_on_a_consent_is_readable_until_the_consent_expires(shared_case, lead, partner):
    consent = _consent(
        shared_case,
        lead.liaison,
        partner.agency,
        ["location"],
        expires_on=timezone.localdate() + timedelta(days=30),
    )

    grant = grant_create(
        actor=lead.liaison, case=shared_case, agency=partner.agency, section="location", consent=consent
    )

    assert grant.basis == GrantBasis.CONSENT
    assert "location" in get_case_access(user=partner.liaison, case_id=shared_case.pk).readable
    with time_machine.travel(timezone.now() + timedelta(days=32)):
        assert "location" not in get_case_access(user=partner.liaison, case_id=shared_case.pk).readable


def test_consent_for_another_agency_does_not_cover_the_grant(shared_case, lead, partner):
    other = make_staff(kind=AgencyKind.VICTIM_SERVICES, name="Shelter")
    consent = _consent(shared_case, lead.liaison, other.agency, ["location"])

    with pytest.raises(ValidationFailed) as error:
        grant_create(
            actor=lead.liaison, case=shared_case, agency=partner.agency, section="location", consent=consent
        )

    assert list(error.value.fields) == ["consent"]


def test_consent_longer_than_a_year_is_refused(shared_case, lead, partner):
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as error:
        _consent(
            shared_case, lead.liaison, partner.agency, ["location"], expires_on=today + timedelta(days=400)
        )

    assert error.value.fields == {"expires_on": ["A consent lasts at most 365 days."]}


def test_consent_defaults_to_one_year(shared_case, lead, partner):
    consent = _consent(shared_case, lead.liaison, partner.agency, ["location"])

    assert consent.expires_on == consent.signed_on + timedelta(days=365)


def test_only_a_steward_records_consent_for_a_section(shared_case, lead, partner):
    with pytest.raises(PermissionDenied):
        _consent(shared_case, partner.liaison, lead.agency, ["services"])


def test_revoking_a_consent_ends_its_grants_at_once(shared_case, lead, partner):
    consent = _consent(shared_case, lead.liaison, partner.agency, ["location", "health"])
    for section in ("location", "health"):
        grant_create(
            actor=lead.liaison, case=shared_case, agency=partner.agency, section=section, consent=consent
        )

    consent_revoke(actor=lead.liaison, consent=consent)

    assert get_case_access(user=partner.liaison, case_id=shared_case.pk).readable == {
        "core",
        "identity",
        "investigation",
    }
    reasons = set(SectionGrant.objects.filter(consent=consent).values_list("end_reason", flat=True))
    assert reasons == {GrantEndReason.CONSENT_REVOKED}


def test_a_caseworker_cannot_end_a_grant_by_revoking_its_consent(shared_case, lead, partner):
    """Deleting the grant takes a liaison or supervisor of the steward; so does revoking the consent
    that grant rests on."""
    consent = _consent(shared_case, lead.liaison, partner.agency, ["location"])
    grant = grant_create(
        actor=lead.liaison, case=shared_case, agency=partner.agency, section="location", consent=consent
    )

    with pytest.raises(PermissionDenied):
        consent_revoke(actor=lead.caseworker, consent=consent)

    consent.refresh_from_db()
    grant.refresh_from_db()
    assert (consent.revoked_at, grant.ended_at) == (None, None)
    assert "location" in get_case_access(user=partner.liaison, case_id=shared_case.pk).readable


def test_another_steward_agency_cannot_revoke_the_consent_its_peer_recorded(shared_case, lead, partner):
    other_welfare = make_staff(kind=AgencyKind.CHILD_WELFARE, name="State Foster Care")
    participant_invite(actor=lead.liaison, case=shared_case, agency=other_welfare.agency)
    consent = _consent(shared_case, lead.liaison, partner.agency, ["location"])

    with pytest.raises(PermissionDenied):
        consent_revoke(actor=other_welfare.supervisor, consent=consent)

    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_investigation_is_shared_by_its_steward_without_consent(shared_case, lead, partner):
    grant = grant_create(actor=partner.liaison, case=shared_case, agency=lead.agency, section="investigation")

    assert grant.basis == GrantBasis.STEWARD
    assert "investigation" in get_case_access(user=lead.caseworker, case_id=shared_case.pk).readable


def test_a_non_steward_cannot_grant_a_section(shared_case, lead, partner):
    with pytest.raises(PermissionDenied):
        grant_create(actor=lead.supervisor, case=shared_case, agency=partner.agency, section="investigation")


def test_caseworkers_do_not_grant(shared_case, lead, partner):
    from casework.services.sharing import team_member_add

    team_member_add(actor=partner.liaison, case=shared_case, member=partner.caseworker)
    with pytest.raises(PermissionDenied):
        grant_create(actor=partner.caseworker, case=shared_case, agency=lead.agency, section="investigation")


def test_legal_section_is_never_shared_outside_legal_advocates(case, lead):
    legal = make_staff(kind=AgencyKind.LEGAL_ADVOCATE, name="Legal Aid")
    participant_invite(actor=lead.liaison, case=case, agency=legal.agency)

    with pytest.raises(PermissionDenied):
        grant_create(actor=legal.liaison, case=case, agency=lead.agency, section="legal")
    assert "legal" not in get_case_access(user=lead.supervisor, case_id=case.pk).readable


def test_legal_section_may_go_to_another_legal_advocate(case, lead):
    first = make_staff(kind=AgencyKind.LEGAL_ADVOCATE, name="Legal Aid")
    second = make_staff(kind=AgencyKind.LEGAL_ADVOCATE, name="Immigration Clinic")
    for staff in (first, second):
        participant_invite(actor=lead.liaison, case=case, agency=staff.agency)

    # The second clinic stewards its kind's sections too, so it already reads `legal` by default.
    assert "legal" in get_case_access(user=second.liaison, case_id=case.pk).readable


def test_granting_to_an_agency_not_on_the_case_is_refused(case, lead, unrelated):
    with pytest.raises(ValidationFailed) as error:
        grant_create(actor=lead.liaison, case=case, agency=unrelated.agency, section="identity")

    assert error.value.fields == {"agency": ["Not a participant of this case."]}


def test_a_second_active_grant_for_the_same_section_is_a_conflict(shared_case, lead, partner):
    grant_create(actor=partner.liaison, case=shared_case, agency=lead.agency, section="investigation")

    with pytest.raises(Conflict):
        grant_create(actor=partner.liaison, case=shared_case, agency=lead.agency, section="investigation")


def test_revoked_grant_stops_access_at_once(shared_case, lead, partner):
    grant = grant_create(actor=partner.liaison, case=shared_case, agency=lead.agency, section="investigation")

    grant_revoke(actor=partner.supervisor, grant=grant)

    assert "investigation" not in get_case_access(user=lead.caseworker, case_id=shared_case.pk).readable


def test_a_steward_cannot_lose_its_own_section(shared_case, partner):
    own = SectionGrant.objects.get(case=shared_case, agency=partner.agency, section="investigation")

    with pytest.raises(Conflict):
        grant_revoke(actor=partner.liaison, grant=own)


def test_expired_grant_stops_access_before_the_sweep_and_the_sweep_records_it(shared_case, lead, partner):
    grant = grant_create(
        actor=partner.liaison,
        case=shared_case,
        agency=lead.agency,
        section="investigation",
        expires_at=timezone.now() + timedelta(hours=2),
    )
    later = timezone.now() + timedelta(hours=3)

    with time_machine.travel(later):
        assert "investigation" not in get_case_access(user=lead.caseworker, case_id=shared_case.pk).readable
        assert grants_end_expired() == 1
    grant.refresh_from_db()
    assert grant.end_reason == GrantEndReason.EXPIRED


def test_an_expired_grant_can_be_renewed(shared_case, lead, partner):
    grant_create(
        actor=partner.liaison,
        case=shared_case,
        agency=lead.agency,
        section="investigation",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        renewed = grant_create(
            actor=partner.liaison, case=shared_case, agency=lead.agency, section="investigation"
        )

        assert renewed.ended_at is None
        assert "investigation" in get_case_access(user=lead.caseworker, case_id=shared_case.pk).readable


def test_inviting_twice_is_a_conflict(shared_case, lead, partner):
    with pytest.raises(Conflict):
        participant_invite(actor=lead.liaison, case=shared_case, agency=partner.agency)


def test_only_the_lead_agencys_liaison_or_supervisor_invites(case, lead, partner):
    with pytest.raises(PermissionDenied):
        participant_invite(actor=lead.caseworker, case=case, agency=partner.agency)
