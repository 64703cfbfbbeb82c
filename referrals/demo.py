"""The demo county's service referrals, one in each state, loaded through the real services after
casework's demo cases (`settings.BRIDGE_DEMO_EXTENSIONS`). The community center (victim services)
is the usual provider."""

from datetime import timedelta

from django.utils import timezone

from agencies.models import Agency, Role, User
from casework.demo import DEMO_AGENCIES
from casework.models import Case, Handoff
from casework.services.handoffs import handoff_expire
from referrals.models import Referral, ServiceType
from referrals.services import (
    referral_accept,
    referral_decline,
    referral_handover_note_set,
    referral_outcome_record,
    referral_send,
    referral_session_record,
    referral_withdraw,
)


def _case(pseudonym: str) -> Case:
    return Case.objects.get(
        pseudonym=pseudonym, lead_agency__name__in=[name for name, _, _ in DEMO_AGENCIES.values()]
    )


def _service(key: str) -> ServiceType:
    return ServiceType.objects.get(key=key)


def _served(*, sender: User, provider: User, case: Case, key: str, sessions: int) -> Referral:
    referral = referral_send(actor=sender, case=case, service_type=_service(key), provider=provider.agency)  # type: ignore[arg-type]
    referral = referral_accept(actor=provider, referral=referral)
    for number in range(sessions):
        referral_session_record(
            actor=provider,
            referral=referral,
            occurred_at=timezone.now(),
            kind="session",
            note=f"Demo: session {number + 1}.",
        )
    return referral


def referrals_demo_load(*, people: dict[tuple[str, str], User]) -> None:
    cps = people["cps", Role.LIAISON]
    cps_worker = people["cps", Role.CASEWORKER]
    center = people["center", Role.LIAISON]
    center_agency = Agency.objects.get(name=DEMO_AGENCIES["center"][0])

    # A.N.: the center shelters her on a consent naming location; ongoing, with sessions and a
    # hand-over note for when the case closes.
    shelter = _served(sender=cps, provider=center, case=_case("A.N."), key="shelter", sessions=2)
    shelter.refresh_from_db()
    referral_handover_note_set(
        actor=center,
        referral=shelter,
        note="Demo: the county shelter program keeps her place after the case closes.",
        expected_version=shelter.version,
    )

    # J.T.: counselling completed.
    counselling = _served(sender=cps, provider=center, case=_case("J.T."), key="mental_health", sessions=3)
    referral_outcome_record(
        actor=center, referral=counselling, outcome="completed", reason="Demo: treatment goals met."
    )

    # D.W.: life skills declined by the child, then education lost without anyone taking it up.
    dw = _case("D.W.")
    life_skills = _served(sender=cps, provider=center, case=dw, key="life_skills", sessions=1)
    referral_outcome_record(
        actor=center, referral=life_skills, outcome="child_declined", reason="Demo: not ready; may ask again."
    )
    education = _served(sender=cps, provider=center, case=dw, key="education", sessions=0)
    referral_outcome_record(
        actor=center, referral=education, outcome="lost_contact", reason="Demo: moved; no new address."
    )

    # L.M.: a caseworker's referral to the center, not on the case: awaiting the lead's approval.
    referral_send(
        actor=cps_worker, case=_case("L.M."), service_type=_service("mental_health"), provider=center_agency
    )
    # M.H.: sent by a liaison, so pending at once.
    referral_send(actor=cps, case=_case("M.H."), service_type=_service("medical"), provider=center_agency)

    # N.F.: one declined, one withdrawn, one that expired unanswered.
    nf = _case("N.F.")
    interpreter = referral_send(
        actor=cps, case=nf, service_type=_service("interpreter"), provider=center_agency
    )
    referral_decline(actor=center, referral=interpreter, reason="Demo: no interpreter for this language.")
    tracing = referral_send(
        actor=cps, case=nf, service_type=_service("family_tracing"), provider=center_agency
    )
    referral_withdraw(actor=cps, referral=tracing)
    assessment = referral_send(
        actor=cps, case=nf, service_type=_service("repatriation_assessment"), provider=center_agency
    )
    # The demo cannot wait out the response window: it was sent two days ago instead.
    now = timezone.now()
    Handoff.objects.filter(pk=assessment.handoff_id).update(
        created_at=now - timedelta(days=2), respond_by=now - timedelta(days=1)
    )
    handoff_expire(handoff=assessment.handoff)
