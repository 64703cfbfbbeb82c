"""One way of writing a moment or a day, in the deployment's time zone (America/Chicago in the
test settings), with the year only when it is not this year's."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from common.times import format_day, format_when, format_when_in_full

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_moment_this_year_reads_weekday_day_month_and_local_time():
    assert format_when(datetime(2026, 12, 3, 20, 5, tzinfo=UTC)) == "Thu 3 Dec, 14:05"


def test_a_moment_is_written_in_the_local_time_zone_across_midnight():
    assert format_when(datetime(2026, 12, 4, 3, 30, tzinfo=UTC)) == "Thu 3 Dec, 21:30"


def test_a_moment_in_another_year_carries_the_year():
    assert format_when(datetime(2028, 1, 3, 15, 0, tzinfo=UTC)) == "Mon 3 Jan 2028, 09:00"


def test_a_moment_in_the_new_year_by_local_time_only_counts_as_next_year():
    # 05:30 UTC on 1 January is still 31 December in Chicago.
    assert format_when(datetime(2027, 1, 1, 5, 30, tzinfo=UTC)) == "Thu 31 Dec, 23:30"


def test_a_day_reads_like_a_moment_without_the_time():
    assert (format_day(date(2026, 6, 2)), format_day(date(2010, 4, 2))) == ("Tue 2 Jun", "Fri 2 Apr 2010")


def test_the_full_form_carries_the_year_and_the_zone():
    assert format_when_in_full(datetime(2026, 7, 1, 19, 5, tzinfo=UTC)) == "Wednesday 1 July 2026, 14:05 CDT"
