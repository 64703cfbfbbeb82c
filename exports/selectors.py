"""What a case summary holds for its reader, built section by section from the same policy calls
and selectors as the case pages: a section the reader may not read is not loaded, and leaves no
trace in the summary (not even its name)."""

from dataclasses import dataclass, replace
from datetime import datetime

from django.utils.translation import gettext as _

from casework.access import CaseAccess, notes_visible, participants_visible, timeline_visible
from casework.models import CaseEvent, CaseParticipant, Note, TimelineEvent
from casework.sections import Section
from casework.selectors import FieldValue, court_hearings_upcoming, section_values

# As on the case pages: the latest notes of each section and the latest timeline lines.
NOTES_PER_SECTION = 100
TIMELINE_LINES = 200
# Names in `identity` that masking shortens to initials.
NAME_FIELDS = frozenset({"legal_name", "aliases"})


@dataclass(frozen=True)
class SummarySection:
    key: str
    label: str
    fields: list[FieldValue]
    notes: list[Note]


@dataclass(frozen=True)
class CaseSummary:
    participants: list[CaseParticipant]
    sections: list[SummarySection]
    hearings: list[CaseEvent]
    timeline: list[TimelineEvent]
    include_notes: bool
    include_timeline: bool
    name_masked: bool

    @property
    def sections_carried(self) -> frozenset[str]:
        """Every section something in the summary comes from: what its copy record names."""
        return frozenset(
            {section.key for section in self.sections}
            | {event.section for event in self.hearings}
            | {line.section for line in self.timeline}
        )


def initials(name: str) -> str:
    """`Ana María López` as `A. M. L.`: enough for a reader who knows the child, no more."""
    return " ".join(f"{word[0].upper()}." for word in name.replace(",", " ").split())


def _masked(fields: list[FieldValue], aliases: list[str]) -> list[FieldValue]:
    shown = []
    for field in fields:
        if field.name == "legal_name":
            field = replace(field, value=initials(field.value))
        elif field.name == "aliases":
            field = replace(field, value=", ".join(initials(alias) for alias in aliases))
        shown.append(field)
    return shown


def case_summary(
    *, access: CaseAccess, include_notes: bool, include_timeline: bool, mask_legal_name: bool, now: datetime
) -> CaseSummary:
    """The case as this reader may read it: core first, then each data section they read, in the
    order of the case's tabs; with each section's notes, the upcoming court hearings and the
    timeline as the timeline page shows it, when asked for."""
    sections = []
    for section in Section.values:
        if not access.may_read(section):
            continue
        fields, raw = section_values(access=access, section=section)
        if section == Section.IDENTITY and mask_legal_name:
            fields = _masked(fields, raw["aliases"])
        notes = []
        if include_notes:
            notes = list(
                notes_visible(access=access)
                .filter(section=section)
                .select_related("author", "agency")
                .order_by("-created_at", "pk")[:NOTES_PER_SECTION]
            )
        label = _("Case details") if section == Section.CORE else str(Section(section).label)
        sections.append(SummarySection(section, label, fields, notes))
    timeline = []
    if include_timeline:
        timeline = list(
            timeline_visible(access=access)
            .select_related("actor", "actor_agency")
            .order_by("-occurred_at", "pk")[:TIMELINE_LINES]
        )
    participants = participants_visible(access=access).select_related("agency").order_by("joined_at", "pk")
    return CaseSummary(
        participants=list(participants),
        sections=sections,
        hearings=court_hearings_upcoming(access=access, now=now),
        timeline=timeline,
        include_notes=include_notes,
        include_timeline=include_timeline,
        name_masked=mask_legal_name,
    )
