"""Time wording ("in 3 h", "2 days overdue") and chart geometry."""

from datetime import UTC, datetime, timedelta

import pytest

from web import charts, humanize
from web.dashboard import Table, csv_text

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("offset", "wording"),
    [
        (timedelta(seconds=20), "due now"),
        (timedelta(minutes=45), "in 45 min"),
        (timedelta(hours=3, minutes=59), "in 3 h"),
        (timedelta(hours=30), "in 1 day"),
        (timedelta(days=3, hours=2), "in 3 days"),
        (-timedelta(minutes=5), "5 min overdue"),
        (-timedelta(hours=2), "2 h overdue"),
        (-timedelta(days=2, hours=5), "2 days overdue"),
    ],
)
def test_a_deadline_reads_as_time_left_or_overdue(offset, wording):
    assert humanize.until_deadline(NOW + offset, now=NOW) == wording


def test_something_that_happened_reads_as_time_ago():
    assert humanize.since_moment(NOW - timedelta(hours=5), now=NOW) == "5 h ago"


def test_response_times_read_in_hours():
    assert (humanize.hours(5400), humanize.hours(None)) == ("1.5 h", "—")


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 1.0), (0.7, 1.0), (3, 5), (7, 10), (12, 20), (24, 25), (130, 200)]
)
def test_an_axis_ends_on_a_round_number(value, ceiling):
    assert charts.nice_ceiling(value) == ceiling


def test_a_count_axis_ticks_whole_numbers():
    chart = charts.horizontal_bars(
        chart_id="c", title="t", description="d", rows=[charts.BarRow("A", 2, "2")], whole=True
    )

    assert [tick.label for tick in chart.ticks] == ["0", "1", "2"]


def test_bars_are_as_long_as_their_share_of_the_axis():
    chart = charts.horizontal_bars(
        chart_id="c",
        title="t",
        description="d",
        rows=[
            charts.BarRow("A", 50, "50 %"),
            charts.BarRow("A long label that will not fit in its space", 100, "100 %"),
        ],
        maximum=100,
    )

    assert [bar.width for bar in chart.bars] == [chart.plot_width / 2, chart.plot_width]
    assert chart.bars[1].short_label == "A long label that will not fi…"


def test_csv_formula_cells_are_neutralised():
    table = Table("t", ["a", "b"], [["=1+1", "+sum"], ["-2", "@x"], ["plain", 3]])

    assert csv_text(table).splitlines() == ["a,b", "'=1+1,'+sum", "'-2,'@x", "plain,3"]
