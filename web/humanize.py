"""Times as people read them in a hurry: "in 3 h", "2 days overdue", "5 min ago"."""

from datetime import datetime

from django.utils import timezone

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def span(seconds: float) -> str:
    """A duration rounded down to its largest whole unit: `45 min`, `3 h`, `1 day`, `4 days`."""
    seconds = abs(seconds)
    if seconds < HOUR:
        minutes = max(int(seconds // MINUTE), 1)
        return f"{minutes} min"
    if seconds < DAY:
        return f"{int(seconds // HOUR)} h"
    days = int(seconds // DAY)
    return "1 day" if days == 1 else f"{days} days"


def until_deadline(moment: datetime, *, now: datetime | None = None) -> str:
    """How a deadline stands: `in 3 h`, `due now`, `2 days overdue`."""
    seconds = (moment - (now or timezone.now())).total_seconds()
    if abs(seconds) < MINUTE:
        return "due now"
    return f"in {span(seconds)}" if seconds > 0 else f"{span(seconds)} overdue"


def since_moment(moment: datetime, *, now: datetime | None = None) -> str:
    """How long ago something happened: `just now`, `5 min ago`, `3 days ago` (`in 2 h` if ahead)."""
    seconds = ((now or timezone.now()) - moment).total_seconds()
    if abs(seconds) < MINUTE:
        return "just now"
    return f"{span(seconds)} ago" if seconds > 0 else f"in {span(seconds)}"


def _amount(value: float) -> str:
    """One decimal below ten (`2.5`), whole numbers from ten (`12`), no trailing `.0`."""
    text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
    return text.removesuffix(".0")


def duration(seconds: float | None) -> str:
    """How long something took, in the unit that fits it: `under 1 min`, `45 min`, `2.5 h`,
    `1 day`, `3.5 days`, `12 days`; an em dash when there is none. For response times and ages,
    where "0.0 h" for two minutes and "312.5 h" for thirteen days read badly."""
    if seconds is None:
        return "—"
    seconds = abs(seconds)
    if seconds < MINUTE:
        return "under 1 min"
    if round(seconds / MINUTE) < 60:
        return f"{round(seconds / MINUTE)} min"
    hours = _amount(seconds / HOUR)
    if float(hours) < 24:
        return f"{hours} h"
    days = _amount(seconds / DAY)
    return "1 day" if days == "1" else f"{days} days"


def duration_unit(longest_seconds: float) -> tuple[float, str]:
    """The unit of an axis of durations up to `longest_seconds`, as (seconds per unit, suffix):
    minutes under an hour, hours under two days, days beyond."""
    if longest_seconds < HOUR:
        return MINUTE, " min"
    if longest_seconds < 2 * DAY:
        return HOUR, " h"
    return DAY, " days"
