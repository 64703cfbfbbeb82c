"""The span of dates Bridge accepts as input: anything outside is a typing mistake, and far
values overflow date arithmetic (a time zone shift of 9999-12-31 is past `datetime.max`)."""

from datetime import date

EARLIEST_YEAR = 1900
LATEST_YEAR = 2199
OUT_OF_RANGE_MESSAGE = f"Give a time between the years {EARLIEST_YEAR} and {LATEST_YEAR}."


def within_supported_years(value: date) -> bool:
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR
