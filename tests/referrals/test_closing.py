"""Closing a case with referrals on it (issue 16): an ongoing service refuses the closing until it
has a hand-over note; a pending referral ends withdrawn with the case."""

import pytest

from casework.models import CaseStatus
from casework.services.closure import case_closure_approve, case_closure_request
from common.errors import ValidationFailed
from referrals.models import Referral
from tests.referrals.conftest import consent_for
from tests.referrals.test_services import accepted_shelter, send_shelter

pytestmark = pytest.mark.django_db


def _ask(case, lead, **justifications):
    return case_closure_request(
        actor=lead.caseworker,
        case_id=case.pk,
        reason="reunified",
        summary="Home with her aunt.",
        reviewer=lead.supervisor,
        justifications=justifications,
    )


def test_an_ongoing_service_without_a_hand_over_note_refuses_the_closing(case, lead, provider):
    accepted_shelter(case=case, lead=lead, provider=provider)

    with pytest.raises(ValidationFailed) as refused:
        _ask(case, lead)

    assert "Shelter" in " ".join(refused.value.fields["justifications"])


def test_the_justification_becomes_the_hand_over_note_and_the_service_goes_on(case, lead, provider):
    referral = accepted_shelter(case=case, lead=lead, provider=provider)
    note = "The shelter keeps her bed through June; her aunt is the contact."
    closure = _ask(case, lead, **{f"referral:{referral.pk}": note})

    case_closure_approve(actor=lead.supervisor, closure_id=closure.pk)

    referral = Referral.objects.get(pk=referral.pk)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert referral.handover_note == note
    assert referral.closed_with_case_at is not None
    assert referral.state == "ongoing"


def test_a_pending_referral_ends_withdrawn_with_the_case(case, lead, provider):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    referral = send_shelter(case=case, lead=lead, provider=provider)
    closure = _ask(case, lead)

    case_closure_approve(actor=lead.supervisor, closure_id=closure.pk)

    assert Referral.objects.get(pk=referral.pk).state == "withdrawn"
