"""The synthetic state: its sizes, the words it is made of, its agencies and people, and the
plan of each case, before anything is written."""

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate

from agencies.models import AgencyKind
from casework.models import (
    AgeBand,
    HandoffStatus,
    TaskPriority,
)

CASES_PER_BATCH = 1_000
YEAR = timedelta(days=365)
# The last cases of each writer on which a handoff may change status to find a task.
HANDOFF_FALLBACK_CASES = 200


class Weighted:
    """Keys drawn by weight, the cumulative weights summed once: `rng.choices` with `weights`
    sums them on every draw (and draws the same keys as with these cumulative weights)."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.keys = list(weights)
        self.cumulative = list(accumulate(weights.values()))

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.keys, cum_weights=self.cumulative)[0]


@dataclass(frozen=True)
class LoadSizes:
    agencies: int = 50
    users: int = 2_000
    cases: int = 100_000
    tasks: int = 1_000_000
    handoffs: int = 20_000
    notes: int = 200_000
    overdue_fraction: float = 0.05
    min_agencies_per_case: int = 2
    max_agencies_per_case: int = 4
    seed: int = 2026

    def problems(self) -> list[str]:
        """What makes these sizes impossible to generate, in words; empty when they are fine."""
        problems = []
        if self.agencies < len(AgencyKind.values):
            problems.append(f"--agencies must be at least {len(AgencyKind.values)} (one of each kind).")
        if self.users < 4 * self.agencies:
            problems.append(
                "--users must be at least 4 per agency (a caseworker, liaison, supervisor, admin)."
            )
        if self.cases < 1:
            problems.append("--cases must be at least 1.")
        if not 2 <= self.min_agencies_per_case <= self.max_agencies_per_case <= self.agencies:
            problems.append("Agencies per case must satisfy 2 <= min <= max <= --agencies.")
        if self.tasks < self.cases:
            problems.append("--tasks must be at least one per case.")
        if not 0 <= self.overdue_fraction <= 0.3:
            problems.append("--overdue-fraction must be between 0 and 0.3.")
        if not 0 <= self.handoffs <= self.tasks // 4:
            problems.append("--handoffs must be between 0 and a quarter of --tasks.")
        if self.notes < 0:
            problems.append("--notes must not be negative.")
        return problems


@dataclass
class LoadReport:
    now: datetime
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)


# --- the world: agencies and people ---------------------------------------------------------

_PLACES_WORDS = (
    "Abbott Bexley Cedar Dalton Elmore Fairview Glenwood Harlow Inwood Jasper Kingsley Linden "
    "Marlow Northgate Oakridge Pinecrest Quarry Redfield Stanton Thornbury Upton Valemont "
    "Westbrook Yarrow Ashford Brookside Clearwater Dunmore Eastvale Foxhill"
)
PLACES = tuple(_PLACES_WORDS.split())
_FIRST_NAMES_WORDS = (
    "Alex Blair Casey Dana Eden Frankie Gray Harper Indy Jordan Kai Logan Morgan Noel Oakley "
    "Parker Quinn Reese Sage Taylor Uma Val Wren Yael Zion Avery Bailey Cameron Drew Emery"
)
FIRST_NAMES = tuple(_FIRST_NAMES_WORDS.split())
_LAST_NAMES_WORDS = (
    "Abara Brennan Castillo Dubois Eriksen Farouk Garcia Haddad Ibarra Jensen Kowalski "
    "Lindqvist Moreau Nakamura Okafor Petrov Quintero Rahman Silva Tanaka Ulloa Vasquez "
    "Whitfield Xu Yilmaz Zamora"
)
LAST_NAMES = tuple(_LAST_NAMES_WORDS.split())
AGENCY_NAMES: dict[str, str] = {
    AgencyKind.CHILD_WELFARE: "{place} County Children's Services",
    AgencyKind.LAW_ENFORCEMENT: "{place} Police Department",
    AgencyKind.IMMIGRATION: "HSI {place} Field Office",
    AgencyKind.LEGAL_ADVOCATE: "{place} Legal Aid",
    AgencyKind.VICTIM_SERVICES: "{place} Community Center",
}
# Shares of the agencies in a state, by kind, and of the kinds that lead and join cases.
KIND_SHARES: dict[str, float] = {
    AgencyKind.CHILD_WELFARE: 0.24,
    AgencyKind.LAW_ENFORCEMENT: 0.28,
    AgencyKind.IMMIGRATION: 0.08,
    AgencyKind.LEGAL_ADVOCATE: 0.16,
    AgencyKind.VICTIM_SERVICES: 0.24,
}
LEAD_KINDS = Weighted(
    {
        AgencyKind.CHILD_WELFARE: 0.8,
        AgencyKind.LAW_ENFORCEMENT: 0.1,
        AgencyKind.VICTIM_SERVICES: 0.1,
    }
)
PARTNER_KINDS = Weighted(
    {
        AgencyKind.LAW_ENFORCEMENT: 0.35,
        AgencyKind.VICTIM_SERVICES: 0.25,
        AgencyKind.LEGAL_ADVOCATE: 0.2,
        AgencyKind.IMMIGRATION: 0.1,
        AgencyKind.CHILD_WELFARE: 0.1,
    }
)
TASK_TITLES: dict[str, tuple[str, ...]] = {
    AgencyKind.CHILD_WELFARE: (
        "Arrange placement review",
        "Schedule medical exam",
        "File court report",
        "Update case plan with family",
        "Enroll child in school",
        "Arrange therapy intake",
        "Home visit",
        "Prepare permanency hearing report",
    ),
    AgencyKind.LAW_ENFORCEMENT: (
        "Forensic interview",
        "Enter NCIC record",
        "Review evidence log",
        "Interview witness",
        "Request phone records",
        "Follow up on tip",
    ),
    AgencyKind.IMMIGRATION: (
        "Request Continued Presence",
        "Coordinate with OTIP",
        "Review travel documents",
        "Interview for federal case",
    ),
    AgencyKind.LEGAL_ADVOCATE: (
        "Prepare SIJS predicate motion",
        "Draft T-visa application",
        "Meet client",
        "Request eligibility letter",
        "Court appearance preparation",
    ),
    AgencyKind.VICTIM_SERVICES: (
        "Update safety plan",
        "Arrange shelter bed",
        "Accompany to appointment",
        "Connect with mentor program",
        "Check in with youth",
    ),
}
NOTE_BODIES = (
    "Spoke with the placement; next check-in scheduled.",
    "Documents received and filed.",
    "Coordinated with partner agency on next steps.",
    "Youth attended the appointment; follow-up needed.",
    "Left a message; will try again tomorrow.",
    "Reviewed the plan with the supervisor.",
)
LANGUAGES = ("en", "es", "fr", "vi", "zh", "ar", "ht", "pt")
AGE_BANDS: dict[str, tuple[float, int, int]] = {
    AgeBand.UNDER_6: (0.05, 0, 5),
    AgeBand.SIX_TO_11: (0.12, 6, 11),
    AgeBand.TWELVE_TO_14: (0.28, 12, 14),
    AgeBand.FIFTEEN_TO_17: (0.45, 15, 17),
    AgeBand.EIGHTEEN_TO_20: (0.05, 18, 20),
    AgeBand.UNKNOWN: (0.05, -1, -1),
}
AGE_BAND_SHARES = Weighted({band: share for band, (share, _, _) in AGE_BANDS.items()})
PRIORITIES = Weighted(
    {
        TaskPriority.LOW: 0.1,
        TaskPriority.NORMAL: 0.65,
        TaskPriority.HIGH: 0.17,
        TaskPriority.URGENT: 0.08,
    }
)
HANDOFF_MIX: dict[str, float] = {
    HandoffStatus.PENDING: 0.10,
    HandoffStatus.ACCEPTED: 0.55,
    HandoffStatus.DECLINED: 0.20,
    HandoffStatus.WITHDRAWN: 0.08,
    HandoffStatus.EXPIRED: 0.07,
}
TASK_NOUNS: dict[str, str] = {
    TaskPriority.URGENT: "An urgent task",
    TaskPriority.HIGH: "A high-priority task",
}
# Task fates apart from the overdue share: done, or open and due later.
DONE_SHARE = 0.55


@dataclass
class Member:
    pk: int
    agency_id: int
    role: str
    name: str


@dataclass
class AgencyInfo:
    pk: int
    name: str
    kind: str
    group_id: int
    members: dict[str, list[Member]]

    def people(self, *roles: str) -> list[Member]:
        return [member for role in roles for member in self.members.get(role, [])]


def split_total(total: int, shares: dict[str, float], minimum: int) -> dict[str, int]:
    """`total` split by `shares`, each part at least `minimum`, summing to `total` exactly."""
    counts = {key: max(minimum, int(total * share)) for key, share in shares.items()}
    keys = sorted(shares, key=lambda key: -shares[key])
    index = 0
    while sum(counts.values()) != total:
        key = keys[index % len(keys)]
        if sum(counts.values()) < total:
            counts[key] += 1
        elif counts[key] > minimum:
            counts[key] -= 1
        index += 1
    return counts


_VERSION_4_CLEARED = ~((0xC000 << 48) | (0xF000 << 64))
_VERSION_4_SET = (0x8000 << 48) | (4 << 76)


def random_uuid(rng: random.Random) -> uuid.UUID:
    """`uuid.UUID(int=rng.getrandbits(128), version=4)`, the same value, without the checks of
    `UUID.__init__`, which were a tenth of the loader's time."""
    value = uuid.UUID.__new__(uuid.UUID)
    object.__setattr__(value, "int", rng.getrandbits(128) & _VERSION_4_CLEARED | _VERSION_4_SET)
    object.__setattr__(value, "is_safe", uuid.SafeUUID.unknown)
    return value


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    return start + (end - start) * rng.random()


# --- plans for each case -----------------------------------------------------------------------


@dataclass
class TaskPlan:
    id: uuid.UUID
    title: str
    owner: int
    original_owner: int
    assignee: int | None
    created_by: int
    created_at: datetime
    due_at: datetime
    priority: str
    completed_at: datetime | None = None
    completed_by: int | None = None
    handed_off: bool = False
    version: int = 1
    updated_at: datetime | None = None


@dataclass
class Participation:
    agency: AgencyInfo
    joined_at: datetime
    via: str
    invited_by: int


@dataclass
class CasePlan:
    id: uuid.UUID
    number: str
    created_at: datetime
    lead: AgencyInfo
    partners: list[AgencyInfo]
    closed: bool
    tasks: int
    notes: int
    handoffs: int
    open_task_offset: int = 0
    handoff_statuses: list[str] = field(default_factory=list)
