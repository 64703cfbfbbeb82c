"""The span of dates Bridge accepts as input: anything outside is a typing mistake, and far
values overflow date arithmetic (a time zone shift of 9999-12-31 is past `datetime.max`)."""

from datetime import date

from django.utils.functional import lazy
from django.utils.translation import gettext

EARLIEST_YEAR = 1900
LATEST_YEAR = 2199


def _out_of_range_message() -> str:
    return gettext("Give a time between the years %(earliest)s and %(latest)s.") % {
        "earliest": EARLIEST_YEAR,
        "latest": LATEST_YEAR,
    }


# Rendered in the language active where it is used (the request's), like `gettext_lazy`.
OUT_OF_RANGE_MESSAGE = lazy(_out_of_range_message, str)()


def within_supported_years(value: date) -> bool:
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR
