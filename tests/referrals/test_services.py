from datetime import timedelta

import pytest
from django.utils import timezone

from casework.access import get_case_access
from casework.models import (
    CaseParticipant,
    GrantBasis,
    HandoffStatus,
    SectionGrant,
    TaskStatus,
    TimelineEvent,
)
from casework.services.handoffs import handoff_accept, handoff_approve
from casework.services.sharing import consent_revoke, participant_invite
from casework.sweep import deadlines_sweep, handoff_expires_at
from common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from referrals.models import Referral, ReferralOutcome, ReferralSession, SessionKind
from referrals.selectors import get_referral_for_user
from referrals.services import (
    referral_accept,
    referral_closure_blockers,
    referral_decline,
    referral_handover_note_set,
    referral_outcome_record,
    referral_send,
    referral_session_record,
    referral_withdraw,
    referrals_close_with_case,
)
from tests.referrals.conftest import consent_for, service

pytestmark = pytest.mark.django_db


def send_shelter(*, case, lead, provider, actor=None, **kwargs):
    return referral_send(
        actor=actor or lead.liaison,
        case=case,
        service_type=service("shelter"),
        provider=provider.agency,
        **kwargs,
    )


def accepted_shelter(*, case, lead, provider):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    referral = send_shelter(case=case, lead=lead, provider=provider)
    return referral_accept(actor=provider.liaison, referral=referral)


def test_a_referral_without_consent_is_refused_and_leaves_nothing(case, lead, provider):
    with pytest.raises(ValidationFailed) as refused:
        send_shelter(case=case, lead=lead, provider=provider)

    assert refused.value.fields == {
        "sections_needed": ["No active consent names Houston Area Safe House for Location; record one first."]
    }
    assert Referral.objects.count() == 0
    assert not case.tasks.exists()


def test_a_consent_not_covering_every_section_needed_is_refused(case, lead, provider):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])

    with pytest.raises(ValidationFailed) as refused:
        send_shelter(case=case, lead=lead, provider=provider, sections_needed=["immigration"])

    assert refused.value.fields == {
        "sections_needed": [
            "No active consent names Houston Area Safe House for Immigration; record one first."
        ]
    }


def test_a_revoked_consent_does_not_count(case, lead, provider):
    consent = consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    consent_revoke(actor=lead.liaison, consent=consent)

    with pytest.raises(ValidationFailed):
        send_shelter(case=case, lead=lead, provider=provider)


def test_an_expired_consent_does_not_count(case, lead, provider):
    consent = consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    type(consent).objects.filter(pk=consent.pk).update(
        signed_on=timezone.localdate() - timedelta(days=30),
        expires_on=timezone.localdate() - timedelta(days=1),
    )

    with pytest.raises(ValidationFailed):
        send_shelter(case=case, lead=lead, provider=provider)


def test_a_service_in_a_section_the_provider_holds_needs_no_consent(case, lead, provider):
    referral = referral_send(
        actor=lead.liaison, case=case, service_type=service("mental_health"), provider=provider.agency
    )

    assert (referral.state, referral.sections_needed, referral.consent) == ("pending", [], None)
    assert referral.handoff.task.title == f"Provide Mental health: referral for case {case.number}"


def test_a_liaison_of_the_lead_agency_invites_the_provider_by_sending(case, lead, provider):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])

    referral = send_shelter(case=case, lead=lead, provider=provider)

    assert referral.state == "pending"
    assert referral.handoff.to_agency == provider.agency


def test_a_caseworker_s_referral_to_an_agency_not_on_the_case_awaits_the_lead_s_approval(
    case, lead, provider
):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])

    referral = send_shelter(case=case, lead=lead, provider=provider, actor=lead.caseworker)

    assert referral.state == "awaiting_approval"
    with pytest.raises(NotFound):
        get_referral_for_user(user=provider.liaison, referral_id=referral.pk)
    handoff_approve(actor=lead.liaison, handoff=referral.handoff)
    assert get_referral_for_user(user=provider.liaison, referral_id=referral.pk).state == "pending"


def test_an_agency_not_on_the_case_may_not_refer(case, lead, provider, unrelated):
    with pytest.raises(NotFound):
        send_shelter(case=case, lead=lead, provider=provider, actor=unrelated.liaison)


def test_accepting_joins_the_provider_with_defaults_and_the_consented_sections(case, lead, provider):
    consent = consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    referral = send_shelter(case=case, lead=lead, provider=provider)

    referral = referral_accept(actor=provider.liaison, referral=referral)

    assert (referral.state, referral.outcome) == ("ongoing", "ongoing")
    assert CaseParticipant.objects.filter(case=case, agency=provider.agency).exists()
    location = SectionGrant.objects.get(case=case, agency=provider.agency, section="location")
    assert (location.basis, location.consent) == (GrantBasis.CONSENT, consent)
    access = get_case_access(user=provider.liaison, case_id=case.pk)
    assert access.readable == frozenset({"core", "identity", "location", "health", "services"})


def test_accepting_from_the_handoff_desk_gives_the_same_grants(case, lead, provider):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    referral = send_shelter(case=case, lead=lead, provider=provider)

    handoff_accept(actor=provider.supervisor, handoff=referral.handoff)

    assert SectionGrant.objects.filter(
        case=case, agency=provider.agency, section="location", basis=GrantBasis.CONSENT
    ).exists()


def test_accepting_after_the_consent_was_revoked_is_refused_and_changes_nothing(case, lead, provider):
    consent = consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    referral = send_shelter(case=case, lead=lead, provider=provider)
    consent_revoke(actor=lead.liaison, consent=consent)

    with pytest.raises(Conflict):
        referral_accept(actor=provider.liaison, referral=referral)

    referral.handoff.refresh_from_db()
    assert referral.handoff.status == HandoffStatus.PENDING
    assert not CaseParticipant.objects.filter(case=case, agency=provider.agency).exists()


def test_declining_needs_a_reason(case, lead, provider):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    referral = send_shelter(case=case, lead=lead, provider=provider)

    with pytest.raises(ValidationFailed):
        referral_decline(actor=provider.liaison, referral=referral, reason="  ")
    referral = referral_decline(actor=provider.liaison, referral=referral, reason="No beds this month.")

    assert (referral.state, referral.handoff.response_note) == ("declined", "No beds this month.")


def test_a_caseworker_of_the_provider_may_not_answer(case, lead, provider):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    referral = send_shelter(case=case, lead=lead, provider=provider)

    with pytest.raises((NotFound, PermissionDenied)):
        referral_accept(actor=provider.caseworker, referral=referral)


def test_a_withdrawn_referral_shows_withdrawn(case, lead, provider):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    referral = send_shelter(case=case, lead=lead, provider=provider)

    assert referral_withdraw(actor=lead.caseworker, referral=referral).state == "withdrawn"


def test_an_unanswered_referral_expires_in_the_sweep_with_its_handoff(case, lead, provider):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    referral = send_shelter(case=case, lead=lead, provider=provider)

    result = deadlines_sweep(now=handoff_expires_at(referral.handoff) + timedelta(minutes=1))

    assert result.handoffs_expired == 1
    assert get_referral_for_user(user=lead.liaison, referral_id=referral.pk).state == "expired"


def test_only_the_provider_records_sessions(case, lead, provider):
    referral = accepted_shelter(case=case, lead=lead, provider=provider)

    with pytest.raises(PermissionDenied):
        referral_session_record(
            actor=lead.liaison, referral=referral, occurred_at=timezone.now(), kind=SessionKind.SESSION
        )

    assert ReferralSession.objects.count() == 0


def test_the_first_session_sets_the_first_service_time(case, lead, provider):
    referral = accepted_shelter(case=case, lead=lead, provider=provider)
    at = referral.handoff.responded_at

    referral_session_record(
        actor=provider.liaison, referral=referral, occurred_at=timezone.now(), kind="session"
    )
    referral_session_record(actor=provider.liaison, referral=referral, occurred_at=at, kind="attempt")
    referral_session_record(
        actor=provider.liaison, referral=referral, occurred_at=at, kind="session", note="Intake"
    )

    referral.refresh_from_db()
    assert referral.first_service_at == at


def test_a_session_before_the_acceptance_is_refused(case, lead, provider):
    referral = accepted_shelter(case=case, lead=lead, provider=provider)

    with pytest.raises(ValidationFailed) as refused:
        referral_session_record(
            actor=provider.liaison,
            referral=referral,
            occurred_at=timezone.now() - timedelta(days=1),
            kind="session",
        )

    assert refused.value.fields == {"occurred_at": ["The provider accepted the referral after this time."]}


def test_sessions_before_acceptance_are_refused(case, lead, provider):
    consent_for(lead=lead, case=case, provider=provider, sections=["location"])
    referral = send_shelter(case=case, lead=lead, provider=provider)

    with pytest.raises((Conflict, NotFound)):
        referral_session_record(
            actor=provider.liaison, referral=referral, occurred_at=timezone.now(), kind="session"
        )


def test_an_ended_outcome_needs_a_reason(case, lead, provider):
    referral = accepted_shelter(case=case, lead=lead, provider=provider)

    with pytest.raises(ValidationFailed) as refused:
        referral_outcome_record(actor=provider.liaison, referral=referral, outcome="lost_contact", reason="")

    assert refused.value.fields == {"reason": ["Say why."]}


def test_an_outcome_ends_the_service_completes_the_task_and_writes_a_line_in_its_section(
    case, lead, provider
):
    referral = accepted_shelter(case=case, lead=lead, provider=provider)

    referral = referral_outcome_record(
        actor=provider.liaison, referral=referral, outcome="child_declined", reason="She moved in with kin."
    )

    assert (referral.state, referral.outcome_reason) == ("child_declined", "She moved in with kin.")
    referral.handoff.task.refresh_from_db()
    assert referral.handoff.task.status == TaskStatus.DONE
    line = TimelineEvent.objects.get(case=case, kind="referral_outcome")
    assert (line.section, line.summary) == (
        "location",
        "Shelter with Houston Area Safe House ended: child declined.",
    )
    with pytest.raises(Conflict):
        referral_outcome_record(
            actor=provider.liaison, referral=referral, outcome="completed", reason="Done."
        )


def test_an_agency_on_the_case_but_not_involved_does_not_see_the_referral(case, lead, provider, partner):
    participant_invite(actor=lead.liaison, case=case, agency=partner.agency)
    referral = accepted_shelter(case=case, lead=lead, provider=provider)

    with pytest.raises(NotFound):
        get_referral_for_user(user=partner.supervisor, referral_id=referral.pk)


def test_an_ongoing_service_without_a_handover_note_blocks_closure_justifiably(case, lead, provider):
    referral = accepted_shelter(case=case, lead=lead, provider=provider)

    blockers = referral_closure_blockers(case=case)

    assert [(b.key, b.message, b.justifiable) for b in blockers] == [
        (
            f"referral:{referral.pk}",
            "Shelter with Houston Area Safe House is ongoing without a hand-over note",
            True,
        )
    ]
    referral_handover_note_set(
        actor=provider.liaison,
        referral=referral,
        note="County shelter keeps her place.",
        expected_version=referral.version,
    )
    assert referral_closure_blockers(case=case) == []


def test_closing_keeps_the_service_ongoing_and_stores_the_justification(case, lead, provider):
    referral = accepted_shelter(case=case, lead=lead, provider=provider)
    now = timezone.now()

    referrals_close_with_case(
        case=case,
        actor=lead.supervisor,
        now=now,
        reason="Child aged out",
        justifications={f"referral:{referral.pk}": "Shelter continues under county contract."},
    )

    referral.refresh_from_db()
    assert (referral.outcome, referral.closed_with_case_at, referral.handover_note) == (
        ReferralOutcome.ONGOING,
        now,
        "Shelter continues under county contract.",
    )
    assert referral_closure_blockers(case=case) == []
