"""Keeping each case's matching profile and blocking keys in step with its `identity` section."""

from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

from agencies.models import User
from casework.models import Case

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
