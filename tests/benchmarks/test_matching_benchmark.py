"""The matching benchmark's generator, loader and measure, at a tiny size, so they cannot drift
from what the identity hook stores and what the check answers."""

import random
from datetime import date

import pytest

from benchmarks.matching import Child, first_record, generate, load, measure, second_record
from matching.models import IdentityProfile

pytestmark = pytest.mark.django_db


def test_every_generated_case_is_loaded_and_keyed_like_an_identity_edit() -> None:
    records = generate(random.Random(1), cases=60, duplicate_share=0.3, sibling_share=0.1)

    case_ids = load(records)

    assert IdentityProfile.objects.filter(case_id__in=case_ids).count() == len(records)


def test_a_child_recorded_twice_counts_as_recalled() -> None:
    rng = random.Random(2)
    child = Child(
        number=1_000,
        given=["Guadalupe"],
        surnames=["Hernández", "López"],
        born=date(2010, 5, 17),
        community="es_MX",
    )
    records = [
        *generate(rng, cases=20, duplicate_share=0.0, sibling_share=0.0),
        first_record(child, random.Random(3)),
        second_record(child, rng, {"Guadalupe": ["Lupe"]}),
    ]
    case_ids = load(records)

    result = measure(records, case_ids, probes=len(records), rng=rng)

    assert result["probes_with_a_twin"] == 2
    assert result["recall_high_or_medium"] == 1.0
