"""What every benchmark module shares: Django set up against the benchmark database, the users
the benchmarks act as, and percentiles."""

import os
import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from time import perf_counter
from typing import Any


def setup_django() -> None:
    """Configure Django the way a deployment runs (debug off), against the database in
    DATABASE_URL. Throttling stays on, with limits no benchmark reaches."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "false"
    for scope in ("USER", "ANON"):
        os.environ.setdefault(f"BRIDGE_THROTTLE_{scope}", "1000000/min")
    import django

    django.setup()


def percentile(values: Sequence[float], fraction: float) -> float:
    """The `fraction` percentile by linear interpolation (what numpy calls 'linear')."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    values = [s * 1000 for s in seconds]
    return {
        "n": len(values),
        "p50": round(percentile(values, 0.5), 2),
        "p95": round(percentile(values, 0.95), 2),
        "p99": round(percentile(values, 0.99), 2),
        "mean": round(statistics.fmean(values), 2) if values else float("nan"),
        "max": round(max(values), 2) if values else float("nan"),
    }


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = perf_counter()
    result = function()
    return perf_counter() - started, result


@dataclass
class Actor:
    """A user a benchmark acts as, with what its requests vary over."""

    user: Any
    token: str
    case_ids: list[Any]
    search_terms: list[str]


ROLES = ("caseworker", "liaison", "supervisor")


def sample_actors(*, per_role: int, seed: int = 7) -> dict[str, list[Actor]]:
    """`per_role` users of each case role, spread over the agencies and always including the
    agency with the most cases (the worst case), each with an API token, up to 200 cases it may
    see and search terms that match some of them."""
    from django.db.models import Count
    from rest_framework.authtoken.models import Token

    from agencies.models import Agency, User
    from casework.access import cases_visible_to

    rng = random.Random(seed)
    biggest = (
        Agency.objects.annotate(cases=Count("participations"))
        .order_by("-cases", "pk")
        .values_list("pk", flat=True)
    )[:1]
    actors: dict[str, list[Actor]] = {}
    for role in ROLES:
        people = list(User.objects.filter(role=role, is_active=True).select_related("agency").order_by("pk"))
        first = [person for person in people if person.agency_id in set(biggest)][:1]
        others = [person for person in people if person not in first]
        rng.shuffle(others)
        actors[role] = []
        for person in first + others:
            if len(actors[role]) == per_role:
                break
            cases = list(
                cases_visible_to(user=person).order_by("?").values_list("pk", "number", "pseudonym")[:200]
            )
            if not cases:
                continue
            token, _ = Token.objects.get_or_create(user=person)
            terms = [
                pseudonym if index % 2 else number[-6:]
                for index, (_, number, pseudonym) in enumerate(cases[:40])
            ]
            actors[role].append(
                Actor(user=person, token=token.key, case_ids=[case[0] for case in cases], search_terms=terms)
            )
    return actors
