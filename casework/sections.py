"""The sections of a case record and the rules DOMAIN.md sets for each: who stewards it (writes
and grants), who receives it on joining, and what sharing it beyond that needs. This table is
data; `casework.access` is the only code that interprets it."""

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise, lazy
from django.utils.translation import pgettext_lazy

from agencies.models import AgencyKind


class Section(models.TextChoices):
    CORE = "core", pgettext_lazy("section", "Core")
    IDENTITY = "identity", pgettext_lazy("section", "Identity")
    LOCATION = "location", pgettext_lazy("section", "Location")
    IMMIGRATION = "immigration", pgettext_lazy("section", "Immigration")
    INVESTIGATION = "investigation", pgettext_lazy("section", "Investigation")
    HEALTH = "health", pgettext_lazy("section", "Health")
    SERVICES = "services", pgettext_lazy("section", "Services")
    LEGAL = "legal", pgettext_lazy("section", "Legal (privileged)")


# A section named inside a sentence ("You can already read the location section."): lower case in
# English, and in each language as its grammar wants.
_NAMES_IN_SENTENCE: dict[str, Promise] = {
    Section.CORE: pgettext_lazy("section, in a sentence", "core"),
    Section.IDENTITY: pgettext_lazy("section, in a sentence", "identity"),
    Section.LOCATION: pgettext_lazy("section, in a sentence", "location"),
    Section.IMMIGRATION: pgettext_lazy("section, in a sentence", "immigration"),
    Section.INVESTIGATION: pgettext_lazy("section, in a sentence", "investigation"),
    Section.HEALTH: pgettext_lazy("section, in a sentence", "health"),
    Section.SERVICES: pgettext_lazy("section, in a sentence", "services"),
    Section.LEGAL: pgettext_lazy("section, in a sentence", "legal"),
}


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


def section_in_sentence(section: str) -> str:
    """The section's name inside a sentence, in the active language; an unknown name as given."""
    name = _NAMES_IN_SENTENCE.get(section)
    return str(name) if name is not None else section


def section_names(sections: Iterable[str]) -> str:
    """Sections as people read them in a sentence: `Location, Health`."""
    return ", ".join(str(Section(section).label) for section in sections)


# For text rendered later in someone else's language (`common.i18n.Message` values).
section_in_sentence_lazy = lazy(section_in_sentence, str)
section_names_lazy = lazy(section_names, str)
