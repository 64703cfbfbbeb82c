"""Who takes part in a case and what each participant may read: participants, the case team,
section grants and consents."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Model, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from guardian.shortcuts import assign_perm

from agencies.models import Agency, User
from casework.access import (
    CASE_ROLES,
    VIEW_CASE,
    WORK_ON_CASE,
    Action,
    active_grant_filter,
    agency_stewards,
    consent_capacities_ruled_out,
    get_case_access,
)
from casework.models import (
    CONSENT_INTERPRETER_MAX_LENGTH,
    CONSENT_LANGUAGE_MAX_LENGTH,
    CONSENT_SIGNED_BY_MAX_LENGTH,
    BreakGlass,
    Case,
    CaseGroupObjectPermission,
    CaseParticipant,
    CaseUserObjectPermission,
    Consent,
    GrantBasis,
    GrantEndReason,
    ParticipationVia,
    SectionGrant,
    SignerCapacity,
)
from casework.sections import (
    CONSENT_SECTIONS,
    DATA_SECTIONS,
    RULES,
    Section,
    SharingNeeds,
    default_sections_for,
    section_in_sentence,
    section_names_lazy,
)
from casework.services.events import waiting_tasks_give
from casework.timeline import in_english, timeline_record
from common.dates import OUT_OF_RANGE_MESSAGE, within_supported_years
from common.errors import Conflict, ValidationFailed
from common.inputs import choice_errors, text_errors
from common.times import format_day_lazy

# Input contract of `grant_create` and `consent_record`. Consent dates are checked against
# BRIDGE_CONSENT_MAX_DAYS and the span of `common.dates`.
GRANT_SECTION_CHOICES = [(section, Section(section).label) for section in DATA_SECTIONS]
CONSENT_SECTION_CHOICES = [(section, Section(section).label) for section in sorted(CONSENT_SECTIONS)]
CONSENT_PURPOSE_MAX_LENGTH = 2_000
PURPOSE_BLANK = gettext_lazy("State the purpose of the disclosure.")
SIGNED_BY_BLANK = gettext_lazy("Name who signed.")
SIGNER_CAPACITY_CHOICES = [(value, label) for value, label in SignerCapacity.choices if value]


def participant_join(*, case: Case, agency: Agency, via: str, actor: User | None) -> CaseParticipant:
    """Make `agency` a participant with its default grants, and give it the case's tasks waiting
    for an agency of its kind (`waiting_tasks_give`). Idempotent: an agency already on the case
    keeps what it has. Callers check permission; call inside their transaction."""
    participant, created = CaseParticipant.objects.get_or_create(
        case=case, agency=agency, defaults={"via": via, "invited_by": actor}
    )
    if not created:
        return participant
    assign_perm(f"casework.{VIEW_CASE}", agency.group, case)
    already = set(
        SectionGrant.objects.filter(case=case, agency=agency, ended_at__isnull=True).values_list(
            "section", flat=True
        )
    )
    SectionGrant.objects.bulk_create(
        SectionGrant(case=case, agency=agency, section=section, basis=GrantBasis.DEFAULT, granted_by=actor)
        for section in sorted(default_sections_for(agency_kind=agency.kind) - already)
    )
    timeline_record(
        case=case,
        kind="participant_joined",
        summary=f"{agency.name} joined the case ({in_english(ParticipationVia(via).label).lower()}).",
        actor=actor,
        data={"agency": agency.pk, "via": via},
    )
    waiting_tasks_give(case=case, agency=agency, actor=actor)
    return participant


@transaction.atomic
def participant_invite(*, actor: User, case: Case, agency: Agency) -> CaseParticipant:
    access = get_case_access(user=actor, case_id=case.pk)
    access.require(Action.INVITE)
    if CaseParticipant.objects.filter(case=case, agency=agency).exists():
        raise Conflict(_("This agency already takes part in the case."))
    return participant_join(case=case, agency=agency, via=ParticipationVia.INVITED, actor=actor)


@transaction.atomic
def team_member_add(*, actor: User, case: Case, member: User) -> None:
    """Put a member of the actor's agency on the case team, so a caseworker sees the case."""
    access = get_case_access(user=actor, case_id=case.pk)
    access.require(Action.MANAGE_TEAM)
    if member.agency_id != actor.agency_id or member.role not in CASE_ROLES or not member.is_active:
        raise ValidationFailed(
            _("The case team is made of your agency's caseworkers."),
            fields={"user": [_("Not a case worker of your agency.")]},
        )
    assign_perm(f"casework.{WORK_ON_CASE}", member, case)
    timeline_record(
        case=case,
        kind="team_member_added",
        summary=f"{member.get_full_name() or member.username} joined the case team.",
        actor=actor,
        agencies=[actor.agency_id] if actor.agency_id else [],
    )


def _end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _consent_is_active(consent: Consent) -> bool:
    return consent.revoked_at is None and timezone.localdate() <= consent.expires_on


def _check_grant_end(expires_at: datetime | None) -> None:
    if expires_at is None:
        return
    if not within_supported_years(expires_at):
        raise ValidationFailed(
            _("The end of the grant is not a usable time."), fields={"expires_at": [OUT_OF_RANGE_MESSAGE]}
        )
    if expires_at <= timezone.now():
        raise ValidationFailed(
            _("The grant would already have expired."), fields={"expires_at": [_("Must be in the future.")]}
        )


def _check_consent_covers(*, consent: Consent | None, case: Case, agency: Agency, section: str) -> Consent:
    if consent is None:
        raise ValidationFailed(
            _("Sharing the %(section)s section needs a recorded consent.")
            % {"section": section_in_sentence(section)},
            fields={"consent": [_("A consent naming this agency and section is required.")]},
        )
    if (
        consent.case_id != case.pk
        or consent.recipient_agency_id != agency.pk
        or section not in consent.sections
    ):
        raise ValidationFailed(
            _("The consent does not cover this agency and section."),
            fields={"consent": [_("The consent must name this case, this agency and this section.")]},
        )
    if not _consent_is_active(consent):
        raise ValidationFailed(
            _("The consent has expired or was revoked."), fields={"consent": [_("Not active.")]}
        )
    if consent.signer_capacity in consent_capacities_ruled_out(case=case):
        raise ValidationFailed(
            _(
                "This consent cannot be the basis of a grant: it was signed in a capacity that may be"
                " held by someone suspected of exploiting the child."
            ),
            fields={
                "consent": [
                    _("Record a consent signed by the child, a guardian ad litem or the court instead.")
                ]
            },
        )
    return consent


def _grant_terms(
    *,
    sharing: SharingNeeds,
    case: Case,
    agency: Agency,
    section: str,
    consent: Consent | None,
    expires_at: datetime | None,
) -> tuple[str, datetime | None]:
    """The basis of a new grant and when it ends: a grant resting on a consent ends with it."""
    if sharing is SharingNeeds.CONSENT:
        covering = _check_consent_covers(consent=consent, case=case, agency=agency, section=section)
        consent_end = _end_of_day(covering.expires_on)
        return GrantBasis.CONSENT, consent_end if expires_at is None else min(expires_at, consent_end)
    if consent is not None:
        raise ValidationFailed(
            _("This section is shared by a steward's grant, not a consent."),
            fields={"consent": [_("Not used for this section.")]},
        )
    return GrantBasis.STEWARD, expires_at


def _grant_insert(
    *,
    actor: User,
    case: Case,
    agency: Agency,
    section: str,
    basis: str,
    consent: Consent | None,
    expires_at: datetime | None,
) -> SectionGrant:
    """The one active grant of `section` to `agency` (409 when it already holds one)."""
    if SectionGrant.objects.filter(active_grant_filter(), case=case, agency=agency, section=section).exists():
        raise Conflict(_("This agency already holds an active grant for this section."))
    # An expired grant not yet swept still occupies the one-active-grant slot; close it first.
    SectionGrant.objects.filter(case=case, agency=agency, section=section, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=GrantEndReason.EXPIRED
    )
    try:
        with transaction.atomic():
            return SectionGrant.objects.create(
                case=case,
                agency=agency,
                section=section,
                basis=basis,
                consent=consent,
                granted_by=actor,
                expires_at=expires_at,
            )
    except IntegrityError as error:
        raise Conflict(_("This agency already holds an active grant for this section.")) from error


@transaction.atomic
def grant_create(
    *,
    actor: User,
    case: Case,
    agency: Agency,
    section: str,
    consent: Consent | None = None,
    expires_at: datetime | None = None,
) -> SectionGrant:
    access = get_case_access(user=actor, case_id=case.pk)
    if problems := choice_errors(section, DATA_SECTIONS):
        raise ValidationFailed(_("Unknown section."), fields={"section": problems})
    access.require(Action.GRANT, section=section)
    if not CaseParticipant.objects.filter(case=case, agency=agency).exists():
        raise ValidationFailed(
            _("Invite the agency to the case first."),
            fields={"agency": [_("Not a participant of this case.")]},
        )
    access.require(Action.GRANT, section=section, to_agency=agency)
    rule = RULES[section]
    _check_grant_end(expires_at)
    basis, expires_at = _grant_terms(
        sharing=rule.sharing,
        case=case,
        agency=agency,
        section=section,
        consent=consent,
        expires_at=expires_at,
    )
    grant = _grant_insert(
        actor=actor,
        case=case,
        agency=agency,
        section=section,
        basis=basis,
        consent=consent,
        expires_at=expires_at,
    )
    timeline_record(
        case=case,
        kind="grant_created",
        summary=(
            f"{agency.name} was granted the {section} section"
            f" ({in_english(GrantBasis(basis).label).lower()})."
        ),
        actor=actor,
        section=section,
        data={"agency": agency.pk, "section": section, "basis": basis, "grant": str(grant.pk)},
    )
    return grant


def consent_covering(*, case: Case, agency: Agency, sections: list[str]) -> Consent | None:
    """The active consent on `case` naming `agency` and every one of `sections` whose signer may
    ground a grant (`consent_capacities_ruled_out`), latest expiry first; None when there is none.
    What a referral needs before it is sent."""
    candidates = Consent.objects.filter(
        case=case,
        recipient_agency=agency,
        revoked_at__isnull=True,
        expires_on__gte=timezone.localdate(),
        sections__contains=sorted(set(sections)),
    ).exclude(signer_capacity__in=consent_capacities_ruled_out(case=case))
    return candidates.order_by("-expires_on", "-created_at").first()


def grants_from_consent(
    *, case: Case, agency: Agency, consent: Consent, sections: list[str], actor: User
) -> list[SectionGrant]:
    """Give `agency`, a participant, the consented `sections` it does not already hold, resting on
    `consent` and ending with it. For an agency the child agreed to share with by a consent that an
    earlier step (a referral) checked when it was sent: the consent itself is the steward's word,
    so no steward acts here; each section is checked against it again, now (`ValidationFailed`
    when it lapsed, was revoked or no longer covers one). Call inside the caller's transaction."""
    if not CaseParticipant.objects.filter(case=case, agency=agency).exists():
        raise ValidationFailed(
            _("Invite the agency to the case first."),
            fields={"agency": [_("Not a participant of this case.")]},
        )
    # Read afresh and locked: a revocation committing meanwhile either comes first and refuses
    # these grants, or waits and ends them with the consent's other grants.
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    held = set(
        SectionGrant.objects.filter(active_grant_filter(), case=case, agency=agency).values_list(
            "section", flat=True
        )
    )
    created = []
    for section in sorted(set(sections) - held):
        if RULES[section].sharing is not SharingNeeds.CONSENT:
            raise ValidationFailed(
                _("Only sections shared on consent rest on a consent."),
                fields={
                    "sections": [
                        _("%(section)s is not shared on consent.") % {"section": Section(section).label}
                    ]
                },
            )
        covering = _check_consent_covers(consent=consent, case=case, agency=agency, section=section)
        grant = _grant_insert(
            actor=actor,
            case=case,
            agency=agency,
            section=section,
            basis=GrantBasis.CONSENT,
            consent=covering,
            expires_at=_end_of_day(covering.expires_on),
        )
        timeline_record(
            case=case,
            kind="grant_created",
            summary=f"{agency.name} was granted the {section} section (recorded consent).",
            actor=actor,
            section=section,
            data={
                "agency": agency.pk,
                "section": section,
                "basis": GrantBasis.CONSENT,
                "grant": str(grant.pk),
            },
        )
        created.append(grant)
    return created


@transaction.atomic
def grant_revoke(*, actor: User, grant: SectionGrant) -> SectionGrant:
    grant = SectionGrant.objects.select_for_update().select_related("case", "agency").get(pk=grant.pk)
    access = get_case_access(user=actor, case_id=grant.case_id)
    access.require(Action.GRANT, section=grant.section)
    if grant.ended_at is not None:
        raise Conflict(_("This grant has already ended."))
    if not access.may(Action.REVOKE_GRANT, grant=grant):
        raise Conflict(_("A steward agency's own access to its section cannot be revoked."))
    _end_grant(grant=grant, actor=actor, reason=GrantEndReason.REVOKED)
    return grant


def grants_end_for_signer_capacities(*, case: Case, capacities: frozenset[str], actor: User) -> int:
    """End the active grants on the case that rest on consents signed in these capacities (see
    `casework.access.consent_capacities_ruled_out`). Call inside the caller's transaction."""
    if not capacities:
        return 0
    grants = (
        SectionGrant.objects.select_for_update()
        .select_related("case", "agency")
        .filter(case=case, ended_at__isnull=True, consent__signer_capacity__in=capacities)
        .order_by("created_at", "pk")
    )
    ended = 0
    for grant in grants:
        _end_grant(grant=grant, actor=actor, reason=GrantEndReason.SIGNER_SUSPECTED)
        ended += 1
    return ended


def _end_grant(*, grant: SectionGrant, actor: User | None, reason: str) -> None:
    grant.ended_at = timezone.now()
    grant.ended_by = actor
    grant.end_reason = reason
    grant.save(update_fields=["ended_at", "ended_by", "end_reason"])
    timeline_record(
        case=grant.case,
        kind="grant_ended",
        summary=(
            f"{grant.agency.name} no longer holds the {grant.section} section"
            f" ({in_english(GrantEndReason(reason).label).lower()})."
        ),
        actor=actor,
        section=grant.section,
        data={"agency": grant.agency_id, "section": grant.section, "reason": reason, "grant": str(grant.pk)},
    )


def _longest_consent(signed_on: date) -> date:
    return signed_on + timedelta(days=settings.BRIDGE_CONSENT_MAX_DAYS)


def _consent_text_errors(
    *, actor: User, recipient_agency: Agency, sections: list[str], purpose: str, signed_by: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not sections:
        errors["sections"] = [_("Name at least one section.")]
    elif any(section not in CONSENT_SECTIONS for section in sections):
        errors["sections"] = [
            _("Consent applies only to: %(sections)s.")
            % {"sections": ", ".join(section_in_sentence(name) for name in sorted(CONSENT_SECTIONS))}
        ]
    if problems := text_errors(purpose, max_length=CONSENT_PURPOSE_MAX_LENGTH, blank=PURPOSE_BLANK):
        errors["purpose"] = problems
    if problems := text_errors(signed_by, max_length=CONSENT_SIGNED_BY_MAX_LENGTH, blank=SIGNED_BY_BLANK):
        errors["signed_by"] = problems
    if recipient_agency.pk == actor.agency_id:
        errors["recipient_agency"] = [_("Your agency already holds what it stewards.")]
    return errors


def _consent_date_errors(*, signed_on: date, expires_on: date | None) -> dict[str, list[str]]:
    """What is wrong with the signing and expiry dates; no expiry means the longest allowed."""
    errors = {
        name: [str(OUT_OF_RANGE_MESSAGE)]
        for name, day in (("signed_on", signed_on), ("expires_on", expires_on))
        if day is not None and not within_supported_years(day)
    }
    if errors:
        return errors
    today = timezone.localdate()
    max_days = settings.BRIDGE_CONSENT_MAX_DAYS
    ends = expires_on or _longest_consent(signed_on)
    if signed_on > today:
        errors["signed_on"] = [_("Cannot be in the future.")]
    if ends <= signed_on:
        errors["expires_on"] = [_("Must be after the signing date.")]
    elif (ends - signed_on).days > max_days:
        errors["expires_on"] = [
            ngettext(
                "A consent lasts at most %(count)s day.", "A consent lasts at most %(count)s days.", max_days
            )
            % {"count": max_days}
        ]
    elif ends < today:
        errors["expires_on"] = [_("This consent has already expired.")]
    return errors


@transaction.atomic
def consent_record(
    *,
    actor: User,
    case: Case,
    recipient_agency: Agency,
    sections: list[str],
    purpose: str,
    signed_by: str,
    signed_on: date,
    expires_on: date | None = None,
    signer_capacity: str = SignerCapacity.NOT_RECORDED,
    explained_in: str = "",
    interpreter: str = "",
) -> Consent:
    """`signer_capacity` left out is recorded as not known, which counts wherever the capacity
    matters (`casework.access.consent_capacities_ruled_out`). `explained_in` is the language the
    consent was explained in, `interpreter` who interpreted it, if anyone did."""
    access = get_case_access(user=actor, case_id=case.pk)
    sections = sorted(set(sections))
    errors = _consent_text_errors(
        actor=actor,
        recipient_agency=recipient_agency,
        sections=sections,
        purpose=purpose,
        signed_by=signed_by,
    ) | _consent_date_errors(signed_on=signed_on, expires_on=expires_on)
    if problems := choice_errors(signer_capacity, SignerCapacity.values):
        errors["signer_capacity"] = problems
    if problems := text_errors(explained_in, max_length=CONSENT_LANGUAGE_MAX_LENGTH, required=False):
        errors["explained_in"] = problems
    if problems := text_errors(interpreter, max_length=CONSENT_INTERPRETER_MAX_LENGTH, required=False):
        errors["interpreter"] = problems
    if errors:
        raise ValidationFailed(_("The consent could not be recorded."), fields=errors)
    access.require(Action.RECORD_CONSENT, sections=sections)
    consent = Consent.objects.create(
        case=case,
        recipient_agency=recipient_agency,
        sections=sections,
        purpose=purpose.strip(),
        signed_by=signed_by.strip(),
        signer_capacity=signer_capacity,
        explained_in=(explained_in or "").strip(),
        interpreter=(interpreter or "").strip(),
        signed_on=signed_on,
        expires_on=expires_on or _longest_consent(signed_on),
        recorded_by=actor,
        recorded_by_agency=access.agency,
    )
    timeline_record(
        case=case,
        kind="consent_recorded",
        summary=(
            f"Consent recorded for {recipient_agency.name} ({in_english(section_names_lazy(sections))})"
            f" until {in_english(format_day_lazy(consent.expires_on))}."
        ),
        actor=actor,
        agencies=_steward_agency_ids(case=case, sections=sections) | {recipient_agency.pk},
        data={"consent": str(consent.pk)},
    )
    return consent


def _steward_agency_ids(*, case: Case, sections: list[str]) -> set[int]:
    participants = Agency.objects.filter(participations__case=case)
    return {
        agency.pk
        for agency in participants
        if any(agency_stewards(agency=agency, case=case, section=section) for section in sections)
    }


@transaction.atomic
def consent_revoke(*, actor: User, consent: Consent) -> Consent:
    consent = (
        Consent.objects.select_for_update().select_related("case", "recipient_agency").get(pk=consent.pk)
    )
    access = get_case_access(user=actor, case_id=consent.case_id)
    # Not RECORD_CONSENT, which a closed case refuses: a consent is revocable whatever the case's state.
    access.require(Action.HANDLE_CONSENTS)
    if consent.revoked_at is not None:
        raise Conflict(_("This consent was already revoked."))
    access.require(Action.REVOKE_CONSENT, consent=consent)
    consent.revoked_at = timezone.now()
    consent.revoked_by = actor
    consent.save(update_fields=["revoked_at", "revoked_by"])
    for grant in (
        SectionGrant.objects.select_for_update()
        .select_related("case", "agency")
        .filter(consent=consent, ended_at__isnull=True)
    ):
        _end_grant(grant=grant, actor=actor, reason=GrantEndReason.CONSENT_REVOKED)
    timeline_record(
        case=consent.case,
        kind="consent_revoked",
        summary=f"Consent for {consent.recipient_agency.name} was revoked.",
        actor=actor,
        agencies=_steward_agency_ids(case=consent.case, sections=consent.sections)
        | {consent.recipient_agency_id},
        data={"consent": str(consent.pk)},
    )
    return consent


def grants_end_expired(*, now: datetime | None = None) -> int:
    """Close grants whose time has passed. Access already stopped at expiry; this records it.
    Safe to run concurrently: rows are claimed with SKIP LOCKED."""
    now = now or timezone.now()
    ended = 0
    with transaction.atomic():
        expired = (
            SectionGrant.objects.select_for_update(skip_locked=True)
            .select_related("case", "agency")
            .filter(ended_at__isnull=True, expires_at__lte=now)
            .order_by("expires_at")[:500]
        )
        for grant in expired:
            _end_grant(grant=grant, actor=None, reason=GrantEndReason.EXPIRED)
            ended += 1
    return ended


# --- merging two cases of one child ----------------------------------------------------------------

# The access stores `participation_merge` moves itself (or, for break-glass openings, which are
# append-only disclosure history, leaves where they were); the merge's generic move leaves them alone.
PARTICIPATION_MODELS: tuple[type[Model], ...] = (
    CaseParticipant,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    SectionGrant,
    BreakGlass,
)


def participation_merge(
    *, surviving_case: Case, merged_case: Case, actor: User, now: datetime
) -> dict[str, int]:
    """Carry the merged case's participants, case team and grants over to the surviving case, so
    everyone who took part in either takes part in it with the union of what they held, and
    nobody sees the merged case any more. A fixed number of statements, whatever the number of
    rows. Call inside `case_merge`'s transaction, holding both case rows' locks.

    * An agency only on the merged case joins the surviving case with its participation row; an
      agency on both keeps its row on the surviving case, and its row on the merged case stays
      there as history.
    * guardian's rows (`view_case` of agency groups, `work_on_case` of the case team) move; one the
      surviving case already has is removed from the merged case, whose rows must all go so that
      it is visible to nobody.
    * Grants move with their history. Where an agency holds the same section on both cases, the
      grant lasting longer (no expiry is longest) carries on and the other ends as `merged`.
    * Break-glass openings stay on the merged case: they are append-only disclosure history, and
      an opening of one case never opens another."""
    participants_moved = (
        CaseParticipant.objects.filter(case=merged_case)
        .exclude(agency__in=CaseParticipant.objects.filter(case=surviving_case).values("agency"))
        .update(case=surviving_case)
    )
    permissions_moved = 0
    permission_models = ((CaseGroupObjectPermission, "group"), (CaseUserObjectPermission, "user"))
    for permission_model, holder in permission_models:
        on_survivor = permission_model.objects.filter(
            content_object=surviving_case, permission=OuterRef("permission"), **{holder: OuterRef(holder)}
        )
        permissions_moved += (
            permission_model.objects.filter(content_object=merged_case)
            .exclude(Exists(on_survivor))
            .update(content_object=surviving_case)
        )
        permission_model.objects.filter(content_object=merged_case).delete()

    def held_on(case: Case, *, lasting: Q) -> Exists:
        return Exists(
            SectionGrant.objects.filter(
                lasting,
                case=case,
                agency=OuterRef("agency"),
                section=OuterRef("section"),
                ended_at__isnull=True,
            )
        )

    ended = {"ended_at": now, "ended_by": actor, "end_reason": GrantEndReason.MERGED}
    at_least_as_long = Q(expires_at__isnull=True) | Q(expires_at__gte=OuterRef("expires_at"))
    grants_ended = (
        SectionGrant.objects.filter(case=merged_case, ended_at__isnull=True)
        .filter(held_on(surviving_case, lasting=at_least_as_long))
        .update(**ended)
    )
    # What is left open on the merged case outlasts the survivor's grant of the same section.
    grants_ended += (
        SectionGrant.objects.filter(case=surviving_case, ended_at__isnull=True)
        .filter(held_on(merged_case, lasting=Q()))
        .update(**ended)
    )
    grants_moved = SectionGrant.objects.filter(case=merged_case).update(case=surviving_case)
    return {
        "participants": participants_moved,
        "permissions": permissions_moved,
        "grants": grants_moved,
        "grants_ended_as_duplicates": grants_ended,
    }
