"""How Bridge writes a moment or a day for people: one format on every page, in every notification
and in every email (`Tue 3 Dec, 14:05`), so that a deadline in an email reads exactly as it does
on the task page.

Times are in the deployment's time zone (`BRIDGE_TIME_ZONE`): the county's, which is where the
people using Bridge work. The year is written only when it is not this year's, where a date
without it would be ambiguous (`Mon 3 Jan 2028, 09:00`)."""

from datetime import date, datetime
from functools import lru_cache

from django.utils import dateformat, timezone, translation
from django.utils.functional import lazy
from django.utils.translation import pgettext

# Django's date format characters (`D` weekday, `j` day, `M` month, `l` and `F` in full): the
# names come out in the active language, and each language orders them its own way.


def format_day(day: date) -> str:
    """`Tue 3 Dec`; `Mon 3 Jan 2028` outside the current year."""
    return _day_text(day, translation.get_language(), day.year == timezone.localdate().year)


# Written in the active language, which is part of the key. The reminder sweep writes the same few
# days into a hundred thousand messages, and formatting one costs more than the rest of a message.
@lru_cache(maxsize=4096)
def _day_text(day: date, language: str | None, this_year: bool) -> str:
    text = dateformat.format(day, pgettext("day format: weekday day month", "D j M"))
    return text if this_year else f"{text} {day.year}"


def format_when(moment: datetime) -> str:
    """`Tue 3 Dec, 14:05` in the current time zone; `Mon 3 Jan 2028, 09:00` outside this year."""
    # The zone looked up once, not for the moment and again for today (`format_day`): the sweep
    # writes a hundred thousand of these, and each lookup goes through a context-local.
    zone = timezone.get_current_timezone()
    local = timezone.localtime(moment, zone)
    this_year = local.year == timezone.localtime(timezone=zone).year
    return f"{_day_text(local.date(), translation.get_language(), this_year)}, {local:%H:%M}"


def format_when_in_full(moment: datetime) -> str:
    """The moment with its year and time zone, for a tooltip: `Tuesday 3 December 2026, 14:05 CST`."""
    local = timezone.localtime(moment)
    text = dateformat.format(local, pgettext("moment format: weekday day month year, time", "l j F Y, H:i"))
    return f"{text} {local.tzname()}"


# For text rendered later in someone else's language (`common.i18n.Message` values): the moment
# is written when the text is, in the language active then.
format_day_lazy = lazy(format_day, str)
format_when_lazy = lazy(format_when, str)
