"""Times as people read them in a hurry: "in 3 h", "2 days overdue", "5 min ago" (in Spanish
"en 3 h", "vencida hace 2 días", "hace 5 min"): each phrase is translated whole, with the span as a
placeholder, since the words around a span go in a different order in each language."""

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def _days(days: int) -> str:
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def span(seconds: float) -> str:
    """A duration rounded down to its largest whole unit: `45 min`, `3 h`, `1 day`, `4 days`."""
    seconds = abs(seconds)
    if seconds < HOUR:
        minutes = max(int(seconds // MINUTE), 1)
        return _("%(count)d min") % {"count": minutes}
    if seconds < DAY:
        return _("%(count)d h") % {"count": int(seconds // HOUR)}
    return _days(int(seconds // DAY))


def until_deadline(moment: datetime, *, now: datetime | None = None) -> str:
    """How a deadline stands: `in 3 h`, `due now`, `2 days overdue`."""
    seconds = (moment - (now or timezone.now())).total_seconds()
    if abs(seconds) < MINUTE:
        return _("due now")
    if seconds > 0:
        return _("in %(span)s") % {"span": span(seconds)}
    return _("%(span)s overdue") % {"span": span(seconds)}


def since_moment(moment: datetime, *, now: datetime | None = None) -> str:
    """How long ago something happened: `just now`, `5 min ago`, `3 days ago` (`in 2 h` if ahead)."""
    seconds = ((now or timezone.now()) - moment).total_seconds()
    if abs(seconds) < MINUTE:
        return _("just now")
    if seconds > 0:
        return _("%(span)s ago") % {"span": span(seconds)}
    return _("in %(span)s") % {"span": span(seconds)}


def _rounded(value: float) -> float:
    """One decimal below ten (2.5), whole numbers from ten (12)."""
    return round(value, 1) if value < 10 else float(round(value))


def decimal(value: float) -> str:
    """A number as `_rounded` leaves it, without a trailing `.0`, with the language's decimal
    separator (`2.5`, `2,5`)."""
    text = str(int(value)) if value.is_integer() else f"{value:.1f}"
    return text.replace(".", str(formats.get_format("DECIMAL_SEPARATOR")))


def duration(seconds: float | None) -> str:
    """How long something took, in the unit that fits it: `under 1 min`, `45 min`, `2.5 h`,
    `1 day`, `3.5 days`, `12 days`; an em dash when there is none. For response times and ages,
    where "0.0 h" for two minutes and "312.5 h" for thirteen days read badly."""
    if seconds is None:
        return "—"
    seconds = abs(seconds)
    if seconds < MINUTE:
        return _("under 1 min")
    if round(seconds / MINUTE) < 60:
        return _("%(count)d min") % {"count": round(seconds / MINUTE)}
    hours = _rounded(seconds / HOUR)
    if hours < 24:
        return _("%(amount)s h") % {"amount": decimal(hours)}
    days = _rounded(seconds / DAY)
    # A fraction of days is plural ("1.5 days"); only exactly one day is singular.
    count = int(days) if days.is_integer() else 2
    return ngettext("%(amount)s day", "%(amount)s days", count) % {"amount": decimal(days)}


def duration_unit(longest_seconds: float) -> tuple[float, str]:
    """The unit of an axis of durations up to `longest_seconds`, as (seconds per unit, suffix):
    minutes under an hour, hours under two days, days beyond."""
    if longest_seconds < HOUR:
        return MINUTE, _(" min")
    if longest_seconds < 2 * DAY:
        return HOUR, _(" h")
    return DAY, _(" days")
