"""Keeping each case's matching profile and blocking keys in step with its `identity` section,
telling a person working on a case its possible matches, and asking another agency to compare.

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

from agencies.models import Agency, User
from audit.services import audit_record
from casework.access import Action, cases_visible_to, get_case_access
from casework.models import Case
from casework.sections import Section
from casework.timeline import timeline_record
from common.errors import Conflict, ValidationFailed
from common.inputs import text_errors
from matching.models import ComparisonRequest
from matching.selectors import PossibleMatch, possible_matches

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
        "This possible match is no longer found for this case.",
        fields={"match": ["Check the case's possible matches again."]},
    )


@transaction.atomic
def comparison_ask(*, actor: User, case: Case, token: str) -> ComparisonRequest:
    """Ask the lead agency of a possible match the actor does not see to compare it with `case`.
    The token is one `possible_matches_check` gave this actor for this case; the match must still
    be found. At most `BRIDGE_MATCH_ASKS_PER_DAY` requests per person in 24 hours."""
    access = get_case_access(user=actor, case_id=case.pk)
    access.require(Action.ASK_TO_COMPARE)
    errors = text_errors(token, max_length=MATCH_TOKEN_MAX_LENGTH)
    if errors:
        raise ValidationFailed("Choose a possible match to ask about.", fields={"match": errors})
    # One person's requests are counted one at a time, so two at once cannot pass the limit.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    limit = settings.BRIDGE_MATCH_ASKS_PER_DAY
    since = timezone.now() - timedelta(days=1)
    if ComparisonRequest.objects.filter(asked_by=actor, created_at__gt=since).count() >= limit:
        raise ValidationFailed(
            f"You have asked for {limit} comparisons in the last 24 hours, the most allowed.",
            fields={"match": ["Ask again tomorrow, or ask your supervisor."]},
        )
    match = _unseen_match(actor=actor, case=case, token=token)
    asked_agency = Agency.objects.get(pk=match.lead_agency_id)
    if ComparisonRequest.objects.filter(asking_case=case, matched_case_id=match.case_id).exists():
        raise Conflict(f"This case has already asked {asked_agency.name} to compare this possible match.")
    request = ComparisonRequest.objects.create(
        asking_case=case,
        matched_case_id=match.case_id,
        asked_by=actor,
        asking_agency=access.agency,
        asked_agency=asked_agency,
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
