"""Every write of service referrals. Each is atomic and asks the case policy (or the handoff's own
rules) before acting.

Sending a referral creates a `core` task ("Provide <service>, referral for case <number>") owned by
the sending agency and hands it off to the provider (`handoff_create`), so the response window,
reminders, escalation, expiry, the invitation rule and accept/decline/withdraw are the handoff's.
It needs an active consent naming the provider and every consent section the referral needs (the
service type's own section included, when the provider does not hold it on joining). When the
handoff is accepted, by whichever page or endpoint, `referral_handoff_accepted` gives the provider
those sections on that consent. The provider then records sessions and an outcome."""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency, User
from casework.access import Action, CaseAccess, get_case_access
from casework.closure import ClosureBlocker
from casework.models import Case, Consent, Handoff, HandoffStatus, TaskStatus
from casework.sections import CONSENT_SECTIONS, Section, default_sections_for
from casework.services.handoffs import (
    NOTE_MAX_LENGTH,
    handoff_accept,
    handoff_create,
    handoff_decline,
    handoff_withdraw,
)
from casework.services.sharing import consent_covering, grants_from_consent
from casework.services.tasks import task_complete, task_create
from casework.timeline import timeline_record
from casework.translations import written_by_bridge
from common.dates import OUT_OF_RANGE_MESSAGE, within_supported_years
from common.errors import Conflict, PermissionDenied, StaleVersion, ValidationFailed
from common.inputs import choice_errors, text_errors
from referrals.models import (
    ENDED_OUTCOMES,
    Referral,
    ReferralOutcome,
    ReferralSession,
    ServiceType,
    SessionKind,
)
from referrals.selectors import get_referral_for_user

# Input contract.
SECTIONS_NEEDED_CHOICES = [(section, Section(section).label) for section in sorted(CONSENT_SECTIONS)]
SESSION_KIND_CHOICES = SessionKind.choices
OUTCOME_CHOICES = [(value, label) for value, label in ReferralOutcome.choices if value in ENDED_OUTCOMES]
SESSION_NOTE_MAX_LENGTH = 5_000
REASON_MAX_LENGTH = 2_000
HANDOVER_NOTE_MAX_LENGTH = 2_000
# The referral's task is due when the provider should have started: a practical figure, no rule.
REFERRAL_TASK_DUE_DAYS = 14
TASK_TITLE = gettext_lazy("Provide %(service)s: referral for case %(number)s")


def sections_needed_for(*, service_type: ServiceType, provider: Agency, asked: Sequence[str]) -> list[str]:
    """The consent sections the provider needs: those asked for, and the service type's own section
    when it is shared on consent and the provider would not hold it on joining (a shelter provider
    must read where the child is placed)."""
    needed = set(asked)
    if service_type.section in CONSENT_SECTIONS and service_type.section not in default_sections_for(
        agency_kind=provider.kind
    ):
        needed.add(service_type.section)
    return sorted(needed)


def _check_consent(*, case: Case, provider: Agency, sections: list[str]) -> Consent | None:
    if not sections:
        return None
    consent = consent_covering(case=case, agency=provider, sections=sections)
    if consent is not None:
        return consent
    missing = [
        section
        for section in sections
        if consent_covering(case=case, agency=provider, sections=[section]) is None
    ] or sections
    names = ", ".join(str(Section(section).label) for section in missing)
    problem = (
        _("No active consent names %(agency)s for %(sections)s; record one first.")
        if len(missing) < len(sections) or len(sections) == 1
        else _("No active consent names %(agency)s for %(sections)s together; record one first.")
    )
    raise ValidationFailed(
        _("The referral needs the child's consent."),
        fields={"sections_needed": [problem % {"agency": provider.name, "sections": names}]},
    )


def _timeline(*, actor: User | None, referral: Referral, summary: str, data: Mapping[str, Any]) -> None:
    """A line of the referral's details' section, for the three agencies it concerns."""
    timeline_record(
        case=referral.case,
        kind="referral_outcome",
        summary=summary,
        actor=actor,
        section=referral.section,
        agencies=sorted({referral.from_agency_id, referral.provider_id, referral.case.lead_agency_id}),
        data={"referral": str(referral.pk), **data},
    )


@transaction.atomic
def referral_send(
    *,
    actor: User,
    case: Case,
    service_type: ServiceType,
    provider: Agency,
    sections_needed: Sequence[str] = (),
    follows: Referral | None = None,
    note: str = "",
    urgent: bool = False,
) -> Referral:
    """Refer the child to `provider` for `service_type`. Refused (400) without an active consent
    naming the provider and every section needed. A provider not on the case is invited by the
    handoff: at once when the actor may invite, else after the lead agency's approval."""
    access = get_case_access(user=actor, case_id=case.pk)
    access.require(Action.REFER)
    errors: dict[str, list[str]] = {}
    for section in sections_needed:
        if problems := choice_errors(section, sorted(CONSENT_SECTIONS)):
            errors["sections_needed"] = problems
    if not service_type.active:
        errors["service_type"] = [_("This service type is no longer offered.")]
    if follows is not None and follows.case_id != access.case.pk:
        errors["follows"] = [_("The referral followed must be on the same case.")]
    if problems := text_errors(note, max_length=NOTE_MAX_LENGTH, required=False):
        errors["note"] = problems
    if errors:
        raise ValidationFailed(_("The referral could not be sent."), fields=errors)
    sections = sections_needed_for(service_type=service_type, provider=provider, asked=sections_needed)
    consent = _check_consent(case=access.case, provider=provider, sections=sections)
    task = task_create(
        actor=actor,
        case=access.case,
        **written_by_bridge(
            lambda: {"title": str(TASK_TITLE) % {"service": service_type.name, "number": access.case.number}}
        ),
        due_at=timezone.now() + timedelta(days=REFERRAL_TASK_DUE_DAYS),
    )
    handoff = handoff_create(actor=actor, task=task, to_agency=provider, note=note, urgent=urgent)
    assert actor.agency is not None
    return Referral.objects.create(
        case=access.case,
        service_type=service_type,
        section=service_type.section,
        from_agency=actor.agency,
        provider=provider,
        consent=consent,
        sections_needed=sections,
        handoff=handoff,
        follows=follows,
        created_by=actor,
    )


def referral_handoff_accepted(*, handoff: Handoff, actor: User) -> None:
    """Registered with `handoff_accept`: when a referral's handoff is accepted, the provider (now on
    the case with its default grants) is given the consented sections on the referral's consent,
    which must still be active; else the acceptance is refused and nothing changes."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .filter(handoff=handoff)
        .select_related("consent")
        .first()
    )
    if referral is None or referral.consent is None:
        return
    try:
        grants_from_consent(
            case=handoff.case,
            agency=handoff.to_agency,
            consent=referral.consent,
            sections=referral.sections_needed,
            actor=actor,
        )
    except ValidationFailed as error:
        raise Conflict(
            _(
                "The consent this referral rests on is no longer active; the referring agency must record "
                "a new one and refer again."
            )
        ) from error


@transaction.atomic
def referral_accept(
    *, actor: User, referral: Referral, assignee: User | None = None, note: str = ""
) -> Referral:
    handoff_accept(actor=actor, handoff=referral.handoff, assignee=assignee, note=note)
    return get_referral_for_user(user=actor, referral_id=referral.pk)


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, reason: str) -> Referral:
    handoff_decline(actor=actor, handoff=referral.handoff, reason=reason)
    return get_referral_for_user(user=actor, referral_id=referral.pk)


@transaction.atomic
def referral_withdraw(*, actor: User, referral: Referral) -> Referral:
    handoff_withdraw(actor=actor, handoff=referral.handoff)
    return get_referral_for_user(user=actor, referral_id=referral.pk)


def _provider_access(*, actor: User, referral: Referral) -> CaseAccess:
    """The provider's access for writing what it did: a member of the provider, on an accepted
    referral, reading the details' section by grant (never by break-glass)."""
    if actor.agency_id != referral.provider_id:
        raise PermissionDenied(_("Only the provider records its sessions and the outcome of a referral."))
    if not referral.accepted:
        raise Conflict(
            _("This referral is %(state)s; only an accepted one records service.")
            % {"state": referral.state_label.lower()}
        )
    access = get_case_access(user=actor, case_id=referral.case_id)
    if not access.may_read(referral.section) or referral.section in access.break_glass:
        raise PermissionDenied(
            _(
                "Your agency no longer reads the section this service's details belong to; "
                "ask for a new consent."
            )
        )
    return access


def _locked(*, actor: User, referral: Referral) -> Referral:
    return get_referral_for_user(user=actor, referral_id=referral.pk, lock=True)


@transaction.atomic
def referral_session_record(
    *, actor: User, referral: Referral, occurred_at: datetime, kind: str, note: str = ""
) -> ReferralSession:
    """A session, contact or attempt by the provider. The first session sets `first_service_at`."""
    referral = _locked(actor=actor, referral=referral)
    _provider_access(actor=actor, referral=referral)
    # Pages give times to the minute: a session in the minute the referral was accepted counts.
    accepted_at = referral.accepted_at
    errors: dict[str, list[str]] = {}
    if problems := choice_errors(kind, SessionKind.values):
        errors["kind"] = problems
    if not within_supported_years(occurred_at):
        errors["occurred_at"] = [OUT_OF_RANGE_MESSAGE]
    elif occurred_at > timezone.now():
        errors["occurred_at"] = [_("Record what happened, not what is planned.")]
    elif accepted_at is not None and occurred_at < accepted_at.replace(second=0, microsecond=0):
        errors["occurred_at"] = [_("The provider accepted the referral after this time.")]
    if problems := text_errors(note, max_length=SESSION_NOTE_MAX_LENGTH, required=False):
        errors["note"] = problems
    if errors:
        raise ValidationFailed(_("The session could not be recorded."), fields=errors)
    if referral.outcome != ReferralOutcome.ONGOING:
        raise Conflict(_("This service has ended; record a new referral to continue it."))
    session = ReferralSession.objects.create(
        referral=referral,
        case_id=referral.case_id,
        section=referral.section,
        occurred_at=occurred_at,
        kind=kind,
        note=note.strip(),
        recorded_by=actor,
    )
    if kind == SessionKind.SESSION and (
        referral.first_service_at is None or occurred_at < referral.first_service_at
    ):
        referral.first_service_at = occurred_at
        referral.version += 1
        referral.save(update_fields=["first_service_at", "version", "updated_at"])
    return session


@transaction.atomic
def referral_outcome_record(*, actor: User, referral: Referral, outcome: str, reason: str) -> Referral:
    """End the service: completed, declined by the child, contact lost or not available, saying
    why. The referral's task, now the provider's, is done with it."""
    referral = _locked(actor=actor, referral=referral)
    _provider_access(actor=actor, referral=referral)
    errors: dict[str, list[str]] = {}
    if problems := choice_errors(outcome, ENDED_OUTCOMES):
        errors["outcome"] = problems
    if problems := text_errors(reason, max_length=REASON_MAX_LENGTH, required=True, blank=_("Say why.")):
        errors["reason"] = problems
    if errors:
        raise ValidationFailed(_("The outcome could not be recorded."), fields=errors)
    if referral.outcome != ReferralOutcome.ONGOING:
        raise Conflict(
            _("This service already ended: %(outcome)s.")
            % {"outcome": str(referral.get_outcome_display()).lower()}
        )
    now = timezone.now()
    referral.outcome = outcome
    referral.outcome_reason = reason.strip()
    referral.outcome_at = now
    referral.version += 1
    referral.save(update_fields=["outcome", "outcome_reason", "outcome_at", "version", "updated_at"])
    task = referral.handoff.task
    # The task's outcome and the timeline store their text, in English.
    with translation.override("en"):
        ended = str(referral.get_outcome_display()).lower()
    if task is not None and task.status == TaskStatus.OPEN and task.owner_agency_id == actor.agency_id:
        task_complete(actor=actor, task=task, outcome=f"Referral ended: {ended}.")
    _timeline(
        actor=actor,
        referral=referral,
        summary=f"{referral.service_type.name} with {referral.provider.name} ended: {ended}.",
        data={"outcome": outcome},
    )
    return referral


@transaction.atomic
def referral_handover_note_set(
    *, actor: User, referral: Referral, note: str, expected_version: int
) -> Referral:
    """Who takes the service over once Bridge's case closes: the provider, on an ongoing service."""
    referral = _locked(actor=actor, referral=referral)
    if referral.version != expected_version:
        raise StaleVersion()
    _provider_access(actor=actor, referral=referral)
    if problems := text_errors(note, max_length=HANDOVER_NOTE_MAX_LENGTH, required=False):
        raise ValidationFailed(
            _("The hand-over note could not be saved."), fields={"handover_note": problems}
        )
    if referral.outcome != ReferralOutcome.ONGOING:
        raise Conflict(_("Only an ongoing service is handed over."))
    referral.handover_note = note.strip()
    referral.version += 1
    referral.save(update_fields=["handover_note", "version", "updated_at"])
    return referral


# --- closing the case (casework.closure) ------------------------------------------------------


def _ongoing_on(case: Case) -> Any:
    return Referral.objects.filter(
        case=case,
        handoff__status=HandoffStatus.ACCEPTED,
        outcome=ReferralOutcome.ONGOING,
        closed_with_case_at__isnull=True,
    ).select_related("service_type", "provider")


def referral_closure_blockers(*, case: Case) -> list[ClosureBlocker]:
    """One justifiable blocker per ongoing service without a hand-over note: the justification
    becomes its note."""
    return [
        ClosureBlocker(
            key=f"referral:{referral.pk}",
            message=_("%(service)s with %(provider)s is ongoing without a hand-over note")
            % {"service": referral.service_type.name, "provider": referral.provider.name},
            justifiable=True,
        )
        for referral in _ongoing_on(case).filter(handover_note="").order_by("created_at", "id")
    ]


def referrals_close_with_case(
    *, case: Case, actor: User, now: datetime, reason: str, justifications: Mapping[str, str]
) -> None:
    """Called inside the closing transaction: each ongoing service keeps its `ongoing` outcome (it
    goes on outside Bridge) and is marked closed with the case; a justification given for its
    blocker becomes its hand-over note."""
    for referral in _ongoing_on(case).select_for_update(of=("self",)).order_by("created_at", "id"):
        fields = ["closed_with_case_at", "version", "updated_at"]
        justification = justifications.get(f"referral:{referral.pk}", "").strip()
        if justification and not referral.handover_note:
            referral.handover_note = justification[:HANDOVER_NOTE_MAX_LENGTH]
            fields.append("handover_note")
        referral.closed_with_case_at = now
        referral.version += 1
        referral.save(update_fields=fields)
