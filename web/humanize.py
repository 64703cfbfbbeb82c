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


def hours(seconds: float | None) -> str:
    """A response time for tables and charts: `1.5 h`; an em dash when there is none."""
    if seconds is None:
        return "—"
    return f"{seconds / HOUR:.1f} h"
