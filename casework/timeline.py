"""Writing the case timeline. Summaries name what happened, never section content."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone, translation

from agencies.models import User
from casework.models import Case, TimelineEvent
from casework.sections import Section
from common.copy import copy_insert, row_maker


def in_english(text: object) -> str:
    """A label or a date rendered for a summary, in English whoever's request writes it: the timeline
    stores its summaries once, for readers of every language (docs/translation.md, "Data stays as
    entered"). Give it a lazy text (`gettext_lazy`, `format_when_lazy`)."""
    with translation.override("en"):
        return str(text)


def timeline_record(
    *,
    case: Case,
    kind: str,
    summary: str,
    actor: User | None,
    section: str = Section.CORE,
    agencies: Iterable[int] = (),
    data: Mapping[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> TimelineEvent:
    """`agencies`, when given, limits the entry to those agencies (a task is its owner's business)."""
    entry = timeline_entry(
        case=case,
        kind=kind,
        summary=summary,
        actor=actor,
        section=section,
        agencies=agencies,
        data=data,
        occurred_at=occurred_at,
    )
    entry.save(force_insert=True)
    return entry


def timeline_entry(
    *,
    case: Case,
    kind: str,
    summary: str,
    actor: User | None,
    section: str = Section.CORE,
    agencies: Iterable[int] = (),
    data: Mapping[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> TimelineEvent:
    """The entry `timeline_record` writes, unsaved, for `timeline_record_many`. Built by id, without
    the model's constructor: the sweep builds them by the hundred thousand (`row_maker`)."""
    return row_maker(TimelineEvent)(
        case_id=case.pk,
        kind=kind,
        summary=summary[:300],
        actor_id=actor.pk if actor is not None else None,
        actor_agency_id=actor.agency_id if actor is not None else None,
        section=section,
        agencies=sorted(set(agencies)),
        data=dict(data or {}),
        occurred_at=occurred_at or timezone.now(),
    )


def timeline_record_many(entries: Sequence[TimelineEvent]) -> None:
    """Write entries built with `timeline_entry` in one insert (the reminder sweep's thousands)."""
    copy_insert(entries)
