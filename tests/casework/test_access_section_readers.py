"""Which agencies on a case can read a section now, asked before someone writes a note in it
(issue 13, item 5): every participant for `core`, the holders of an active grant for a data
section, told only to the section's stewards."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.access import agencies_reading_section, get_case_access
from casework.models import SectionGrant
from casework.services.breakglass import break_glass_open
from casework.services.sharing import consent_record, grant_create, grant_revoke
from common.errors import NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def readers(user, case, section):
    access = get_case_access(user=user, case_id=case.pk)
    return [agency.name for agency in agencies_reading_section(access=access, section=section)]


def share_location(*, lead, partner, case):
    consent = consent_record(
        actor=lead.liaison,
        case=case,
        recipient_agency=partner.agency,
        sections=["location"],
        purpose="Finding the child",
        signed_by="Child",
        signed_on=timezone.localdate(),
    )
    return grant_create(
        actor=lead.liaison, case=case, agency=partner.agency, section="location", consent=consent
    )


def test_every_agency_on_the_case_reads_core(lead, partner, shared_case):
    assert readers(lead.caseworker, shared_case, "core") == ["Harris County CPS", "Houston Police Department"]


def test_a_data_section_is_read_by_the_agencies_holding_a_grant_of_it(lead, partner, shared_case):
    assert readers(lead.caseworker, shared_case, "location") == ["Harris County CPS"]

    share_location(lead=lead, partner=partner, case=shared_case)

    assert readers(lead.caseworker, shared_case, "location") == [
        "Harris County CPS",
        "Houston Police Department",
    ]


def test_an_ended_grant_no_longer_counts(lead, partner, shared_case):
    grant = share_location(lead=lead, partner=partner, case=shared_case)

    grant_revoke(actor=lead.liaison, grant=grant)

    assert readers(lead.caseworker, shared_case, "location") == ["Harris County CPS"]


def test_a_grant_past_its_expiry_no_longer_counts_even_before_the_sweep_ends_it(lead, partner, shared_case):
    grant = share_location(lead=lead, partner=partner, case=shared_case)
    SectionGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert readers(lead.caseworker, shared_case, "location") == ["Harris County CPS"]


def test_a_break_glass_opening_is_not_an_agencys_reading(lead, partner, shared_case):
    break_glass_open(
        actor=partner.supervisor, case=shared_case, section="location", reason="Child missing tonight"
    )

    assert readers(lead.caseworker, shared_case, "location") == ["Harris County CPS"]


def test_a_reader_who_does_not_steward_the_section_is_not_told_who_holds_it(partner, shared_case):
    access = get_case_access(user=partner.liaison, case_id=shared_case.pk)

    assert access.may_read("identity")
    with pytest.raises(PermissionDenied):
        agencies_reading_section(access=access, section="identity")


def test_a_section_the_reader_may_not_read_is_not_found(partner, shared_case):
    access = get_case_access(user=partner.liaison, case_id=shared_case.pk)

    with pytest.raises(NotFound):
        agencies_reading_section(access=access, section="location")
