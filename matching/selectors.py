"""Which other cases may hold the same child as a case, and how strongly.

One SQL statement (`_POSSIBLE_MATCHES`) over what `matching.services` stores: the blocking keys a
case's record would share with another record of the same child are looked up through the index
on `matching_blockingkey.key`, and only the cases found there are scored: at most a few hundred
at 100,000 cases (docs/performance.md), never the whole table. The scoring and its reasoning: ARCHITECTURE.md,
"Finding the same child twice"; the weights and thresholds are settings (`BRIDGE_MATCH_*`).

This answers for all cases, whoever asks; what a reader is told of a match is decided by the
caller through the case policy.
"""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy

# Keys the checked case would share with another record of the same child. Each of its name
# pairs (`P:`, kept for every case) is looked up with the month of birth, the same month a year
# before and after, and the day read as the month (`Y:`), and among cases without a date of
# birth (`N:`); a case without a date of birth looks its pairs up among all cases. Each name alone
# is looked up with the whole date of birth, the year before and after, the day before and after,
# and day and month swapped (`B:`), for a name whose other half was misspelled.
_POSSIBLE_MATCHES = """
WITH probe AS (
    SELECT * FROM matching_identityprofile WHERE case_id = %(case_id)s
),
pairs AS (
    SELECT substr(key, 3) AS pair FROM matching_blockingkey
    WHERE case_id = %(case_id)s AND key LIKE 'P:%%'
),
probe_keys AS (
    SELECT 'Y:' || pairs.pair || ':' || to_char(born, 'YYYY-MM') AS key
    FROM probe, pairs, unnest(ARRAY[
        probe.date_of_birth,
        (probe.date_of_birth - interval '1 year')::date,
        (probe.date_of_birth + interval '1 year')::date,
        CASE WHEN extract(day FROM probe.date_of_birth) <= 12 THEN make_date(
            extract(year FROM probe.date_of_birth)::int, extract(day FROM probe.date_of_birth)::int, 1
        ) END
    ]) AS born
    WHERE born IS NOT NULL
    UNION ALL
    SELECT 'N:' || pairs.pair FROM probe, pairs WHERE probe.date_of_birth IS NOT NULL
    UNION ALL
    SELECT 'P:' || pairs.pair FROM probe, pairs WHERE probe.date_of_birth IS NULL
    UNION ALL
    SELECT 'B:' || sound || ':' || born
    FROM probe, unnest(probe.sounds) AS sound, unnest(ARRAY[
        probe.date_of_birth,
        (probe.date_of_birth - interval '1 year')::date,
        (probe.date_of_birth + interval '1 year')::date,
        probe.date_of_birth - 1,
        probe.date_of_birth + 1,
        CASE WHEN extract(day FROM probe.date_of_birth) <= 12 THEN make_date(
            extract(year FROM probe.date_of_birth)::int,
            extract(day FROM probe.date_of_birth)::int,
            extract(month FROM probe.date_of_birth)::int
        ) END
    ]) AS born
    WHERE born IS NOT NULL
),
candidates AS (
    SELECT DISTINCT case_id FROM matching_blockingkey
    WHERE key IN (SELECT key FROM probe_keys) AND case_id <> %(case_id)s
),
compared AS MATERIALIZED (
    SELECT other.case_id, agreement.shared,
        least(cardinality(probe.tokens), cardinality(other.tokens)) AS fewer,
        cardinality(probe.tokens) + cardinality(other.tokens) AS together,
        similarity(probe.name_key, other.name_key) AS trigram,
        CASE
            WHEN probe.date_of_birth IS NULL OR other.date_of_birth IS NULL THEN %(birth_missing)s
            WHEN probe.date_of_birth = other.date_of_birth THEN 1.0
            WHEN extract(year FROM probe.date_of_birth) = extract(year FROM other.date_of_birth)
             AND extract(month FROM probe.date_of_birth) = extract(day FROM other.date_of_birth)
             AND extract(day FROM probe.date_of_birth) = extract(month FROM other.date_of_birth)
                THEN %(birth_swapped)s
            WHEN to_char(probe.date_of_birth, 'MM-DD') = to_char(other.date_of_birth, 'MM-DD')
             AND abs(extract(year FROM probe.date_of_birth) - extract(year FROM other.date_of_birth)) = 1
                THEN %(birth_year_off)s
            WHEN extract(year FROM probe.date_of_birth) = extract(year FROM other.date_of_birth)
             AND (extract(month FROM probe.date_of_birth) = extract(month FROM other.date_of_birth)
                  OR extract(day FROM probe.date_of_birth) = extract(day FROM other.date_of_birth))
                THEN %(birth_near)s
            ELSE 0.0
        END AS birth
    -- The candidates as an array read through the primary key: a join would let the planner
    -- guess a share of the table and read all of it.
    FROM probe, matching_identityprofile AS other
    CROSS JOIN LATERAL (
        SELECT count(*) AS shared FROM unnest(probe.tokens, probe.sounds) AS mine(token, sound)
        WHERE EXISTS (
            SELECT 1 FROM unnest(other.tokens, other.sounds) AS theirs(token, sound)
            WHERE (least(length(mine.token), length(theirs.token)) >= %(typo_length)s
                   AND levenshtein(mine.token, theirs.token) <= 1)
               -- Two neighbouring letters swapped is one slip of the fingers ("Matrin"), but
               -- two edits to Levenshtein.
               OR (length(mine.token) = length(theirs.token)
                   AND length(mine.token) >= %(typo_length)s
                   AND levenshtein(mine.token, theirs.token) = 2
                   AND EXISTS (
                       SELECT 1 FROM generate_series(1, length(mine.token) - 1) AS swapped
                       WHERE overlay(mine.token PLACING substr(mine.token, swapped + 1, 1)
                                     || substr(mine.token, swapped, 1) FROM swapped FOR 2) = theirs.token
                   ))
               OR (theirs.sound = mine.sound
                   AND (levenshtein(mine.token, theirs.token) <= 2
                        OR least(length(mine.token), length(theirs.token)) >= %(long_name)s))
        )
    ) AS agreement
    WHERE other.case_id = ANY(ARRAY(SELECT case_id FROM candidates))
),
scored AS MATERIALIZED (
    SELECT case_id,
        %(name_weight)s * least((shared::float / fewer + 2.0 * shared / together) / 2, 1.0)
            * CASE WHEN shared >= 2 THEN 1.0 ELSE %(one_token)s END
        + %(trigram_weight)s * trigram
        + %(birth_weight)s * birth AS score
    FROM compared
),
strongest AS (
    SELECT case_id, score FROM scored
    WHERE score >= %(medium)s
    ORDER BY score DESC, case_id
    LIMIT %(limit)s
)
SELECT strongest.case_id, matched_case.lead_agency_id, strongest.score
FROM strongest JOIN casework_case AS matched_case ON matched_case.id = strongest.case_id
ORDER BY strongest.score DESC, strongest.case_id
"""


class Strength:
    HIGH = "high"
    MEDIUM = "medium"


# What a page calls a match of each strength (the value stays in the API).
STRENGTH_LABELS = {Strength.HIGH: gettext_lazy("High match"), Strength.MEDIUM: gettext_lazy("Medium match")}


@dataclass(frozen=True)
class PossibleMatch:
    case_id: UUID
    lead_agency_id: int
    score: float
    strength: str


def _scoring_parameters() -> dict[str, Any]:
    scoring = settings.BRIDGE_MATCH_SCORING
    return {
        "name_weight": scoring["name_weight"],
        "trigram_weight": scoring["trigram_weight"],
        "birth_weight": scoring["birth_weight"],
        "one_token": scoring["one_shared_name"],
        "typo_length": scoring["typo_min_length"],
        "long_name": scoring["sound_alone_min_length"],
        "birth_missing": scoring["birth_missing"],
        "birth_swapped": scoring["birth_day_month_swapped"],
        "birth_year_off": scoring["birth_year_off_by_one"],
        "birth_near": scoring["birth_day_or_month_differs"],
        "medium": settings.BRIDGE_MATCH_MEDIUM,
        "limit": settings.BRIDGE_MATCH_LIMIT,
    }


def possible_matches(*, case_id: UUID) -> list[PossibleMatch]:
    """Other cases whose identity may be the same child's, strongest first, at most
    `BRIDGE_MATCH_LIMIT`; none for a case whose identity has no name."""
    with connection.cursor() as cursor:
        cursor.execute(_POSSIBLE_MATCHES, {"case_id": case_id, **_scoring_parameters()})
        rows = cursor.fetchall()
    return [
        PossibleMatch(
            case_id=matched_case_id,
            lead_agency_id=lead_agency_id,
            score=float(score),
            strength=Strength.HIGH if score >= settings.BRIDGE_MATCH_HIGH else Strength.MEDIUM,
        )
        for matched_case_id, lead_agency_id, score in rows
    ]
