"""Due-time arithmetic for deadline templates, and which templates apply to a case. Pure functions:
no database, no clock, so every rule here is tested with exact values.

Rules (also in ARCHITECTURE.md):

* An offset is calendar months, then calendar days (both in the local time zone, keeping the
  wall-clock time, as PostgreSQL adds intervals), then elapsed hours. "24 h" is 24 hours even
  across a daylight-saving change; "6 months" is the same day six months on, or the month's last
  day when that day does not exist (Aug 31 + 6 months = Feb 28/29).
* A birthday anchor is local midnight starting the child's `age_years` birthday; a child born on
  Feb 29 has that birthday on Feb 28 in common years, the earlier of the two possible readings.
  "The day before the 18th birthday" is that anchor minus one day: local midnight starting the
  day before, so the task is due before that whole day begins.
* A state overlay that `overrides` a federal template competes with it for cases whose lead
  agency is in the overlay's state: the earlier due time wins, and on a tie the overlay (it cites
  the local law). A federal template marked `yields_to_state` is a placeholder for state law and
  loses to any overlay of that state, even a later one. An overlay without `overrides` is simply
  an extra template for its state.
"""

import calendar
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol, TypeVar

FEDERAL = "US"


def offset_to_iso(*, months: int, days: int, hours: int) -> str:
    """ISO 8601 duration; where the parts' signs differ each part carries its own sign, as
    PostgreSQL prints intervals in `iso_8601` style (`P2Y-90D`)."""
    if not (months or days or hours):
        return "PT0S"
    negative = months <= 0 and days <= 0 and hours <= 0
    sign = -1 if negative else 1
    months, days, hours = months * sign, days * sign, hours * sign
    years, rest_months = divmod(abs(months), 12)
    if months < 0:
        years, rest_months = -years, -rest_months
    text = (
        (f"{years}Y" if years else "")
        + (f"{rest_months}M" if rest_months else "")
        + (f"{days}D" if days else "")
    )
    if hours:
        text += f"T{hours}H"
    return f"{'-' if negative else ''}P{text}"


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the last day of a shorter month."""
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def birthday(date_of_birth: date, age_years: int) -> date:
    """The child's `age_years` birthday; Feb 29 births fall on Feb 28 in common years."""
    return add_months(date_of_birth, 12 * age_years)


def apply_offset(anchor: datetime, *, months: int, days: int, hours: int, tz: tzinfo) -> datetime:
    """`anchor` (aware) moved by calendar months and days in `tz`, keeping the wall-clock time,
    then by elapsed hours. Returned in UTC."""
    if anchor.tzinfo is None:
        raise ValueError("The anchor must be an aware datetime.")
    local = anchor.astimezone(tz)
    shifted_day = add_months(local.date(), months) + timedelta(days=days)
    shifted = datetime.combine(shifted_day, local.time().replace(tzinfo=None), tzinfo=tz)
    # Hours are added in UTC: Python adds a timedelta to a zoned datetime on the wall clock, which
    # would make "24 h" 23 or 25 elapsed hours across a daylight-saving change. Converting also
    # resolves a wall-clock time inside a DST gap to a real instant.
    return shifted.astimezone(UTC) + timedelta(hours=hours)


def local_midnight(day: date, *, tz: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


class DeadlineRule(Protocol):
    anchor: str
    age_years: int | None
    offset_months: int
    offset_days: int
    offset_hours: int


def compute_due(
    rule: DeadlineRule,
    *,
    occurred_at: datetime,
    tz: tzinfo,
    date_of_birth: date | None = None,
    hearing_at: datetime | None = None,
) -> datetime | None:
    """When a task from `rule` is due, or None when the rule needs a date of birth (or a hearing
    time) that is not known."""
    anchor: datetime
    if rule.anchor == "event":
        anchor = occurred_at
    elif rule.anchor == "date_of_birth":
        if date_of_birth is None or rule.age_years is None:
            return None
        anchor = local_midnight(birthday(date_of_birth, rule.age_years), tz=tz)
    elif rule.anchor == "hearing_at":
        if hearing_at is None:
            return None
        anchor = hearing_at
    else:
        raise ValueError(f"Unknown deadline anchor {rule.anchor!r}.")
    return apply_offset(
        anchor, months=rule.offset_months, days=rule.offset_days, hours=rule.offset_hours, tz=tz
    )


def next_repeat_due(rule: DeadlineRule, *, due_at: datetime, completed_at: datetime, tz: tzinfo) -> datetime:
    """The next occurrence of a repeating deadline: one offset after the earlier of the previous
    due time and its completion. Done early, the clock restarts at the completion (the law asks
    for at most that long between reviews); done late, it keeps the original schedule, so a late
    review never pushes the following one later."""
    start = min(due_at, completed_at)
    return apply_offset(
        start, months=rule.offset_months, days=rule.offset_days, hours=rule.offset_hours, tz=tz
    )


class Competing(Protocol):
    pk: int
    key: str
    jurisdiction: str
    overrides_id: int | None
    yields_to_state: bool


TemplateT = TypeVar("TemplateT", bound=Competing)


def effective_templates(
    templates: Iterable[TemplateT], *, jurisdiction: str, due_for: Callable[[TemplateT], datetime]
) -> list[TemplateT]:
    """The templates that create tasks for a case whose lead agency is in `jurisdiction`, chosen
    from the active templates of one trigger by the overlay rule in this module's docstring.
    `due_for` gives each template's due time on this case (a template whose due time cannot be
    computed counts as due at once). Sorted by due time, then key."""
    groups: dict[tuple[str, int], list[TemplateT]] = {}
    for template in templates:
        if template.jurisdiction not in {FEDERAL, jurisdiction}:
            continue
        group_id = template.overrides_id if template.overrides_id is not None else template.pk
        groups.setdefault(("group", group_id), []).append(template)
    chosen: list[tuple[datetime, TemplateT]] = []
    for members in groups.values():
        overlays = [member for member in members if member.jurisdiction != FEDERAL]
        federal = [member for member in members if member.jurisdiction == FEDERAL]
        if overlays and any(member.yields_to_state for member in federal):
            federal = []
        candidates = [
            (due_for(member), member.jurisdiction == FEDERAL, member.key, member)
            for member in [*overlays, *federal]
        ]
        due, _, _, winner = min(candidates, key=lambda candidate: candidate[:3])
        chosen.append((due, winner))
    chosen.sort(key=lambda pair: (pair[0], pair[1].key))
    return [template for _, template in chosen]
