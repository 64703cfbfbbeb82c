"""How Bridge writes a moment or a day for people: one format on every page, in every notification
and in every email (`Tue 3 Dec, 14:05`), so that a deadline in an email reads exactly as it does
on the task page.

Times are in the deployment's time zone (`BRIDGE_TIME_ZONE`): the county's, which is where the
people using Bridge work. The year is written only when it is not this year's, where a date
without it would be ambiguous (`Mon 3 Jan 2028, 09:00`)."""

from datetime import date, datetime

from django.utils import timezone

_DAY = "%a %-d %b"


def format_day(day: date) -> str:
    """`Tue 3 Dec`; `Mon 3 Jan 2028` outside the current year."""
    text = day.strftime(_DAY)
    return text if day.year == timezone.localdate().year else f"{text} {day.year}"


def format_when(moment: datetime) -> str:
    """`Tue 3 Dec, 14:05` in the current time zone; `Mon 3 Jan 2028, 09:00` outside this year."""
    local = timezone.localtime(moment)
    return f"{format_day(local.date())}, {local:%H:%M}"


def format_when_in_full(moment: datetime) -> str:
    """The moment with its year and time zone, for a tooltip: `Tuesday 3 December 2026, 14:05 CST`."""
    local = timezone.localtime(moment)
    return f"{local:%A %-d %B %Y, %H:%M} {local.tzname()}"
