"""The sections of a case record and the rules DOMAIN.md sets for each: who stewards it (writes
and grants), who receives it on joining, and what sharing it beyond that needs. This table is
data; `casework.access` is the only code that interprets it."""

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models

from agencies.models import AgencyKind


class Section(models.TextChoices):
    CORE = "core", "Core"
    IDENTITY = "identity", "Identity"
    LOCATION = "location", "Location"
    IMMIGRATION = "immigration", "Immigration"
    INVESTIGATION = "investigation", "Investigation"
    HEALTH = "health", "Health"
    SERVICES = "services", "Services"
    LEGAL = "legal", "Legal (privileged)"


class SharingNeeds(enum.Enum):
    NOTHING = "nothing"
    CONSENT = "consent"
    STEWARD_GRANT = "steward_grant"


@dataclass(frozen=True)
class SectionRule:
    section: Section
    # None means the case's lead agency is the steward, whatever its kind.
    steward_kinds: frozenset[str] | None
    # None means every participating agency.
    default_kinds: frozenset[str] | None
    sharing: SharingNeeds
    # When set, the section can never be granted to an agency of another kind.
    only_kinds: frozenset[str] | None = None
    legal_basis: str = ""


ALL_KINDS = frozenset(AgencyKind.values)

RULES: dict[str, SectionRule] = {
    rule.section.value: rule
    for rule in (
        SectionRule(Section.CORE, None, None, SharingNeeds.NOTHING),
        SectionRule(Section.IDENTITY, None, None, SharingNeeds.NOTHING),
        SectionRule(
            Section.LOCATION,
            frozenset({AgencyKind.CHILD_WELFARE}),
            frozenset({AgencyKind.CHILD_WELFARE}),
            SharingNeeds.CONSENT,
            legal_basis="VAWA confidentiality (34 U.S.C. 12291(b)(2))",
        ),
        SectionRule(
            Section.IMMIGRATION,
            frozenset({AgencyKind.LEGAL_ADVOCATE}),
            frozenset({AgencyKind.LEGAL_ADVOCATE, AgencyKind.CHILD_WELFARE}),
            SharingNeeds.CONSENT,
            legal_basis="8 U.S.C. 1367",
        ),
        SectionRule(
            Section.INVESTIGATION,
            frozenset({AgencyKind.LAW_ENFORCEMENT, AgencyKind.IMMIGRATION}),
            # Prosecution reads investigation on joining and stewards only the criminal-case
            # records in it (`Action.WRITE_CRIMINAL_CASE`): suspects, evidence and interviews stay
            # law enforcement's and immigration's to write and to grant.
            frozenset({AgencyKind.LAW_ENFORCEMENT, AgencyKind.IMMIGRATION, AgencyKind.PROSECUTION}),
            SharingNeeds.STEWARD_GRANT,
        ),
        SectionRule(
            Section.HEALTH,
            frozenset({AgencyKind.CHILD_WELFARE, AgencyKind.VICTIM_SERVICES}),
            frozenset({AgencyKind.CHILD_WELFARE}),
            SharingNeeds.CONSENT,
            legal_basis="42 CFR Part 2 (substance use)",
        ),
        SectionRule(
            Section.SERVICES,
            frozenset({AgencyKind.VICTIM_SERVICES}),
            frozenset({AgencyKind.VICTIM_SERVICES}),
            SharingNeeds.CONSENT,
            legal_basis="VAWA confidentiality (34 U.S.C. 12291(b)(2))",
        ),
        SectionRule(
            Section.LEGAL,
            frozenset({AgencyKind.LEGAL_ADVOCATE}),
            frozenset({AgencyKind.LEGAL_ADVOCATE}),
            SharingNeeds.STEWARD_GRANT,
            only_kinds=frozenset({AgencyKind.LEGAL_ADVOCATE}),
            legal_basis="attorney-client privilege",
        ),
    )
}

# Sections whose data lives in its own table (core is the case row itself).
DATA_SECTIONS: tuple[str, ...] = tuple(s for s in Section.values if s != Section.CORE)
CONSENT_SECTIONS: frozenset[str] = frozenset(
    name for name, rule in RULES.items() if rule.sharing is SharingNeeds.CONSENT
)
CORE_FIELDS: tuple[str, ...] = ("pseudonym", "age_band", "status")


def default_sections_for(*, agency_kind: str) -> frozenset[str]:
    """The data sections an agency of this kind holds on joining: the defaults DOMAIN.md lists,
    plus every section its kind stewards, since a steward writes what it stewards."""
    granted = set()
    for name in DATA_SECTIONS:
        rule = RULES[name]
        if (
            rule.default_kinds is None
            or agency_kind in rule.default_kinds
            or (rule.steward_kinds is not None and agency_kind in rule.steward_kinds)
        ):
            granted.add(name)
    return frozenset(granted)


def section_names(sections: Iterable[str]) -> str:
    """Sections as people read them in a sentence: `Location, Health`."""
    return ", ".join(str(Section(section).label) for section in sections)
