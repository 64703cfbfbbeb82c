"""Keeping each case's matching profile and blocking keys in step with its `identity` section,
telling a person working on a case its possible matches, asking another agency to compare, and
that agency's review: the two identities side by side, confirm or reject, invite.

What a person is told of a match in a case they do not see is its lead agency's name, its
strength and an opaque token to ask with (an HMAC of who asks, from which case, about which
case): never the other case's id, number or anything recorded in it. Every check and every
request is audited with ids only, and requests are limited per person per day.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from agencies.models import Agency, User
from audit.services import audit_case_read, audit_record
from casework.access import (
    Action,
    CaseAccess,
    agency_takes_part,
    cases_visible_to,
    get_case_access,
    get_handoff_for_user,
    may_answer_handoff,
)
from casework.models import Case, Handoff, HandoffKind, HandoffStatus
from casework.sections import Section
from casework.selectors import FieldValue, identity_to_compare, section_values
from casework.services.handoffs import (
    NOTE_MAX_LENGTH,
    handoff_accept,
    handoff_decline,
    match_review_handoff_create,
)
from casework.services.sharing import participant_invite
from casework.timeline import timeline_record
from common.errors import Conflict, NotFound, ValidationFailed
from common.i18n import Message
from common.inputs import text_errors
from matching.models import ComparisonRequest
from matching.selectors import STRENGTH_LABELS, PossibleMatch, possible_matches
from notifications.services import notify

# A token is a hex HMAC-SHA256; anything longer is not one.
MATCH_TOKEN_MAX_LENGTH = 64

# Both statements derive everything from `casework_identitysection` in PostgreSQL, with the same
# `matching_tokens` (migration 0001) the check uses, so what is stored and what is compared are
# folded by one set of rules. Names are the legal name and each alias, one by one: a pair key
# joins two tokens of the same name, never a first name of one alias with a surname of another.
_FORGET_PROFILES = (
    "DELETE FROM matching_identityprofile WHERE case_id = ANY(%(case_ids)s)",
    "DELETE FROM matching_blockingkey WHERE case_id = ANY(%(case_ids)s)",
)

_REFRESH_PROFILES = """
    WITH names AS (
        SELECT identity.case_id, name.ordinality AS name_number, name.value AS name
        FROM casework_identitysection AS identity,
             unnest(array_prepend(identity.legal_name::text, identity.aliases::text[]))
                 WITH ORDINALITY AS name(value, ordinality)
        WHERE identity.case_id = ANY(%(case_ids)s)
    ),
    tokens AS (
        SELECT names.case_id, names.name_number,
               coalesce(nickname.formal, token.value) AS token,
               dmetaphone(coalesce(nickname.formal, token.value)) AS sound
        FROM names, unnest(matching_tokens(names.name)) AS token(value)
        LEFT JOIN matching_nickname AS nickname ON nickname.name = token.value
    ),
    distinct_tokens AS (
        SELECT DISTINCT case_id, token, sound FROM tokens WHERE sound <> ''
    ),
    profiles AS (
        INSERT INTO matching_identityprofile (case_id, tokens, sounds, name_key, date_of_birth)
        SELECT identity.case_id,
               array_agg(distinct_tokens.token ORDER BY distinct_tokens.token),
               array_agg(distinct_tokens.sound ORDER BY distinct_tokens.token),
               array_to_string(array_agg(distinct_tokens.token ORDER BY distinct_tokens.token), ' '),
               identity.date_of_birth
        FROM casework_identitysection AS identity
        JOIN distinct_tokens ON distinct_tokens.case_id = identity.case_id
        WHERE identity.case_id = ANY(%(case_ids)s)
        GROUP BY identity.case_id, identity.date_of_birth
        RETURNING case_id, date_of_birth
    ),
    pairs AS (
        SELECT DISTINCT first.case_id,
               least(first.sound, second.sound) || '.' || greatest(first.sound, second.sound) AS pair
        FROM tokens AS first
        JOIN tokens AS second
          ON second.case_id = first.case_id AND second.name_number = first.name_number
         AND second.token > first.token
        WHERE first.sound <> '' AND second.sound <> ''
    )
    INSERT INTO matching_blockingkey (case_id, key)
    SELECT pairs.case_id, 'P:' || pairs.pair FROM pairs
    UNION
    SELECT pairs.case_id,
           CASE WHEN profiles.date_of_birth IS NULL THEN 'N:' || pairs.pair
                ELSE 'Y:' || pairs.pair || ':' || to_char(profiles.date_of_birth, 'YYYY-MM') END
    FROM pairs JOIN profiles ON profiles.case_id = pairs.case_id
    UNION
    SELECT distinct_tokens.case_id, 'B:' || distinct_tokens.sound || ':' || profiles.date_of_birth
    FROM distinct_tokens JOIN profiles ON profiles.case_id = distinct_tokens.case_id
    WHERE profiles.date_of_birth IS NOT NULL
"""


def match_profiles_refresh(*, case_ids: Sequence[Any]) -> None:
    """Derive the profiles and blocking keys of these cases again from their identity sections;
    a case without any name keeps none and matches nothing."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in (*_FORGET_PROFILES, _REFRESH_PROFILES):
            cursor.execute(statement, {"case_ids": list(case_ids)})


def match_profiles_forget(*, case_ids: Sequence[Any]) -> None:
    """A merged case matches nothing any more: its derived rows go (its identity section stays)."""
    with connection.cursor() as cursor:
        for statement in _FORGET_PROFILES:
            cursor.execute(statement, {"case_ids": list(case_ids)})


def match_identity_saved(*, case: Case, actor: User) -> None:
    """`casework`'s identity hook: the keys follow the section in the same transaction."""
    match_profiles_refresh(case_ids=[case.pk])


@dataclass(frozen=True)
class ShownMatch:
    """A possible match as its reader is told of it. `case` is set only for a case the reader
    sees; `token` only for one they do not (what they ask with)."""

    strength: str
    lead_agency_name: str
    case: Case | None
    token: str
    # The handoff that asked the lead agency to compare this match from this case, if one did.
    asked: Handoff | None = None

    @property
    def strength_label(self) -> str:
        """What a page calls a match of this strength ("High match"), in the reader's language."""
        return str(STRENGTH_LABELS.get(self.strength, self.strength))


def _match_token(*, actor: User, case: Case, matched_case_id: uuid.UUID) -> str:
    return salted_hmac(
        "matching.comparison", f"{actor.pk}:{case.pk}:{matched_case_id}", algorithm="sha256"
    ).hexdigest()


def possible_matches_check(*, actor: User, case: Case) -> list[ShownMatch]:
    """The case's possible matches as `actor` may be told of them, strongest first; the check is
    audited on the case (how many, never which)."""
    access = get_case_access(user=actor, case_id=case.pk)
    access.require(Action.SEE_POSSIBLE_MATCHES)
    found = possible_matches(case_id=case.pk)
    seen = (
        {other.pk: other for other in cases_visible_to(user=actor).filter(pk__in=[m.case_id for m in found])}
        if found
        else {}
    )
    agency_names = (
        dict(Agency.objects.filter(pk__in={m.lead_agency_id for m in found}).values_list("pk", "name"))
        if found
        else {}
    )
    asked = (
        {
            request.matched_case_id: request.handoff
            for request in ComparisonRequest.objects.filter(
                asking_case=case, matched_case_id__in=[m.case_id for m in found]
            ).select_related(
                "handoff__case", "handoff__created_by", "handoff__responded_by", "handoff__approved_by"
            )
        }
        if found
        else {}
    )
    audit_record(
        event_type="match.checked",
        user=actor,
        object_type="case",
        object_id=str(case.pk),
        case_id=case.pk,
        section=Section.IDENTITY,
        detail={"found": len(found)},
    )
    return [
        ShownMatch(
            strength=match.strength,
            lead_agency_name=agency_names[match.lead_agency_id],
            case=seen.get(match.case_id),
            token=""
            if match.case_id in seen
            else _match_token(actor=actor, case=case, matched_case_id=match.case_id),
            asked=asked.get(match.case_id),
        )
        for match in found
    ]


def _unseen_match(*, actor: User, case: Case, token: str) -> PossibleMatch:
    found = possible_matches(case_id=case.pk)
    seen = set(
        cases_visible_to(user=actor).filter(pk__in=[m.case_id for m in found]).values_list("pk", flat=True)
    )
    for match in found:
        expected = _match_token(actor=actor, case=case, matched_case_id=match.case_id)
        if match.case_id not in seen and constant_time_compare(expected, token):
            return match
    raise ValidationFailed(
        _("This possible match is no longer found for this case."),
        fields={"match": [_("Check the case's possible matches again.")]},
    )


@transaction.atomic
def comparison_ask(*, actor: User, case: Case, token: str, note: str = "") -> ComparisonRequest:
    """Ask the lead agency of a possible match the actor does not see to compare it with `case`.
    The token is one `possible_matches_check` gave this actor for this case; the match must still
    be found. At most `BRIDGE_MATCH_ASKS_PER_DAY` requests per person in 24 hours. The request is
    a `match_review` handoff (`casework.services.handoffs.match_review_handoff_create`): pending
    at once when the actor may invite, else awaiting the case's lead agency's approval, since the
    asked agency reads this case's identity to compare."""
    access = get_case_access(user=actor, case_id=case.pk)
    access.require(Action.ASK_TO_COMPARE)
    errors = text_errors(token, max_length=MATCH_TOKEN_MAX_LENGTH)
    if errors:
        raise ValidationFailed(_("Choose a possible match to ask about."), fields={"match": errors})
    # One person's requests are counted one at a time, so two at once cannot pass the limit.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    limit = settings.BRIDGE_MATCH_ASKS_PER_DAY
    since = timezone.now() - timedelta(days=1)
    if ComparisonRequest.objects.filter(asked_by=actor, created_at__gt=since).count() >= limit:
        raise ValidationFailed(
            ngettext(
                "You have asked for %(limit)s comparison in the last 24 hours, the most allowed.",
                "You have asked for %(limit)s comparisons in the last 24 hours, the most allowed.",
                limit,
            )
            % {"limit": limit},
            fields={"match": [_("Ask again tomorrow, or ask your supervisor.")]},
        )
    match = _unseen_match(actor=actor, case=case, token=token)
    asked_agency = Agency.objects.get(pk=match.lead_agency_id)
    if ComparisonRequest.objects.filter(asking_case=case, matched_case_id=match.case_id).exists():
        raise Conflict(
            _("This case has already asked %(agency)s to compare this possible match.")
            % {"agency": asked_agency.name}
        )
    handoff = match_review_handoff_create(actor=actor, case=case, to_agency=asked_agency, note=note)
    request = ComparisonRequest.objects.create(
        asking_case=case,
        matched_case_id=match.case_id,
        asked_by=actor,
        asking_agency=access.agency,
        asked_agency=asked_agency,
        handoff=handoff,
    )
    audit_record(
        event_type="match.comparison_asked",
        user=actor,
        object_type="comparison_request",
        object_id=str(request.pk),
        case_id=case.pk,
        section=Section.IDENTITY,
        detail={"strength": match.strength},
    )
    timeline_record(
        case=case,
        kind="match_comparison_asked",
        summary=f"Asked {asked_agency.name} to compare a possible match.",
        actor=actor,
        section=Section.IDENTITY,
        agencies=[access.agency.pk],
        data={"comparison_request": str(request.pk)},
    )
    return request


# --- the asked agency's review ----------------------------------------------------------------


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    asking: str
    own: str
    differs: bool


@dataclass(frozen=True)
class ComparisonReview:
    """A match review as the asked agency's liaison or supervisor sees it: the asking case's
    identity (while the review is pending, nothing after) beside its own case's identity (what
    its own access reads)."""

    request: ComparisonRequest
    handoff: Handoff
    # The matched case, if the reader still sees it (their agency may have handed its lead on).
    own_case: Case | None
    own_identity: list[FieldValue]
    asking_identity: list[FieldValue]
    may_answer: bool
    may_invite: bool
    # A confirmed match whose two cases the reader, a supervisor of their own case's lead agency,
    # may propose merging (`matching.services_merge`).
    may_merge: bool

    @property
    def rows(self) -> list[ComparisonRow]:
        """Field by field, the asking case's value beside the reader's own; a side the reader may
        not read is empty."""
        asking = {field.name: field for field in self.asking_identity}
        own = {field.name: field for field in self.own_identity}
        rows = []
        for name in dict.fromkeys([*asking, *own]):
            label = (asking.get(name) or own[name]).label
            theirs = asking[name].value if name in asking else ""
            ours = own[name].value if name in own else ""
            rows.append(ComparisonRow(label=label, asking=theirs, own=ours, differs=theirs != ours))
        return rows


def _review_request(*, actor: User, handoff_id: object, lock: bool = False) -> ComparisonRequest:
    """The comparison request of a match review the actor's agency was asked, for its liaisons
    and supervisors; `NotFound` for anything else, as for a review that does not exist."""
    handoff = get_handoff_for_user(user=actor, handoff_id=handoff_id, lock=lock)
    if handoff.kind != HandoffKind.MATCH_REVIEW or handoff.to_agency_id != actor.agency_id:
        raise NotFound()
    if not may_answer_handoff(user=actor, handoff=handoff):
        raise NotFound()
    queryset = ComparisonRequest.objects.select_related("matched_case", "asking_case", "asking_agency")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    request = queryset.filter(handoff=handoff).first()
    if request is None:
        raise NotFound()
    request.handoff = handoff
    return request


def _own_access(*, actor: User, request: ComparisonRequest) -> CaseAccess | None:
    try:
        return get_case_access(user=actor, case_id=request.matched_case_id)
    except NotFound:
        return None


def _may_invite(*, access: CaseAccess | None, request: ComparisonRequest) -> bool:
    return (
        access is not None
        and request.handoff is not None
        and request.handoff.status == HandoffStatus.ACCEPTED
        and request.invited_at is None
        and request.asking_agency_id != access.agency.pk
        and access.may(Action.INVITE)
        and not Case.objects.filter(
            agency_takes_part(agency_id=request.asking_agency_id), pk=request.matched_case_id
        ).exists()
    )


def comparison_review_open(*, actor: User, handoff_id: object) -> ComparisonReview:
    """The review of a possible match, audited: the read of the asking case's identity on the
    asking case (its disclosure history shows it) and the read of the reader's own case."""
    request = _review_request(actor=actor, handoff_id=handoff_id)
    handoff = request.handoff
    assert handoff is not None
    access = _own_access(actor=actor, request=request)
    own_identity: list[FieldValue] = []
    if access is not None and access.may_read(Section.IDENTITY):
        own_identity = section_values(access=access, section=Section.IDENTITY)[0]
        audit_case_read(access=access, sections=[Section.IDENTITY], view="match_review")
    asking_identity: list[FieldValue] = []
    if handoff.status == HandoffStatus.PENDING:
        asking_identity = identity_to_compare(user=actor, handoff=handoff)
        audit_record(
            event_type="section.read",
            user=actor,
            object_type="section",
            object_id=f"{handoff.case_id}/{Section.IDENTITY}",
            case_id=handoff.case_id,
            section=Section.IDENTITY,
            detail={"view": "match_review", "case_number": handoff.case.number, "handoff": str(handoff.pk)},
        )
    return ComparisonReview(
        request=request,
        handoff=handoff,
        own_case=access.case if access is not None else None,
        own_identity=own_identity,
        asking_identity=asking_identity,
        may_answer=handoff.status == HandoffStatus.PENDING,
        may_invite=_may_invite(access=access, request=request),
        may_merge=handoff.status == HandoffStatus.ACCEPTED
        and access is not None
        and access.may(Action.MERGE),
    )


def _audit_decision(*, handoff: Handoff, actor: User, event_type: str) -> None:
    request = ComparisonRequest.objects.filter(handoff=handoff).first()
    if request is None:
        return
    for case_id in (request.asking_case_id, request.matched_case_id):
        audit_record(
            event_type=event_type,
            user=actor,
            object_type="comparison_request",
            object_id=str(request.pk),
            case_id=case_id,
            section=Section.IDENTITY,
        )


def match_review_accepted(*, handoff: Handoff, actor: User) -> None:
    """casework's acceptance hook: accepting a match review confirms the match, which needs a
    reason, whichever page or endpoint confirmed it."""
    if handoff.kind != HandoffKind.MATCH_REVIEW:
        return
    if not handoff.response_note:
        raise ValidationFailed(
            _("Say why the two records are the same child."),
            fields={"note": [_("Give the reason for confirming the match (the asking agency reads it).")]},
        )
    _audit_decision(handoff=handoff, actor=actor, event_type="match.confirmed")


def match_review_declined(*, handoff: Handoff, actor: User) -> None:
    """casework's decline hook: declining a match review rejects the match."""
    if handoff.kind == HandoffKind.MATCH_REVIEW:
        _audit_decision(handoff=handoff, actor=actor, event_type="match.rejected")


def _clean_reason(reason: str) -> str:
    if problems := text_errors(reason, max_length=NOTE_MAX_LENGTH, required=True):
        raise ValidationFailed(_("Give a reason."), fields={"reason": problems})
    return reason.strip()


@transaction.atomic
def comparison_confirm(*, actor: User, handoff_id: object, reason: str) -> ComparisonRequest:
    """The asked agency finds the two records are the same child (the match review's handoff is
    accepted); the asking agency is told, and the reason is theirs to read."""
    request = _review_request(actor=actor, handoff_id=handoff_id)
    assert request.handoff is not None
    request.handoff = handoff_accept(actor=actor, handoff=request.handoff, note=_clean_reason(reason))
    return request


@transaction.atomic
def comparison_reject(*, actor: User, handoff_id: object, reason: str) -> ComparisonRequest:
    """The asked agency finds the two records are not the same child (the handoff is declined)."""
    request = _review_request(actor=actor, handoff_id=handoff_id)
    assert request.handoff is not None
    request.handoff = handoff_decline(actor=actor, handoff=request.handoff, reason=_clean_reason(reason))
    return request


@transaction.atomic
def comparison_invite(*, actor: User, handoff_id: object) -> ComparisonRequest:
    """After confirming, the asked agency invites the asking agency to its case: the normal
    participant path (what inviting needs, default grants). The asking agency's people who asked
    are told, and from now on see the case like any participant."""
    request = _review_request(actor=actor, handoff_id=handoff_id, lock=True)
    handoff = request.handoff
    assert handoff is not None
    if handoff.status != HandoffStatus.ACCEPTED:
        raise Conflict(_("Confirm the match before inviting the agency that asked."))
    if request.invited_at is not None:
        raise Conflict(
            _("%(agency)s has already been invited to this case.") % {"agency": request.asking_agency.name}
        )
    participant_invite(actor=actor, case=request.matched_case, agency=request.asking_agency)
    request.invited_at = timezone.now()
    request.save(update_fields=["invited_at"])
    audit_record(
        event_type="match.invited",
        user=actor,
        object_type="comparison_request",
        object_id=str(request.pk),
        case_id=request.matched_case_id,
        section=Section.IDENTITY,
        detail={"agency": request.asking_agency_id},
    )
    notify(
        recipients=[request.asked_by],
        kind="match_invited",
        case=request.matched_case,
        message=Message(
            gettext_lazy(
                "Case %(number)s: %(agency)s confirmed the possible match of case %(asking_number)s "
                "and invited your agency to its case."
            ),
            number=request.matched_case.number,
            agency=handoff.to_agency.name,
            asking_number=request.asking_case.number,
        ),
    )
    return request
