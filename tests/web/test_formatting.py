"""Time wording ("in 3 h", "2 days overdue") and chart geometry."""

from datetime import UTC, datetime, timedelta

import pytest

from web import charts, humanize

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


@pytest.mark.parametrize(
    ("seconds", "wording"),
    [
        (None, "—"),
        (20, "under 1 min"),
        (90, "2 min"),
        (45 * 60, "45 min"),
        (59 * 60 + 50, "1 h"),
        (5400, "1.5 h"),
        (12 * 3600 + 600, "12 h"),
        (23 * 3600 + 59 * 60, "1 day"),
        (36 * 3600, "1.5 days"),
        (13 * 86400 + 3600, "13 days"),
    ],
)
def test_a_duration_reads_in_the_unit_that_fits_it(seconds, wording):
    assert humanize.duration(seconds) == wording


@pytest.mark.parametrize(
    ("longest", "unit"),
    [
        (40 * 60, (60, " min")),
        (5 * 3600, (3600, " h")),
        (47 * 3600, (3600, " h")),
        (3 * 86400, (86400, " days")),
    ],
)
def test_a_duration_axis_reads_in_the_unit_that_fits_its_longest_value(longest, unit):
    assert humanize.duration_unit(longest) == unit


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


def test_a_long_label_wraps_onto_lines_and_keeps_every_word():
    label = "Report missing child to law enforcement and NCMEC"
    chart = charts.horizontal_bars(
        chart_id="c", title="t", description="d", rows=[charts.BarRow(label, 1, "1")], whole=True
    )

    lines = [line.text for line in chart.bars[0].label_lines]
    assert lines == ["Report missing child to", "law enforcement and", "NCMEC"]
    assert chart.bars[0].label == label


def test_a_word_longer_than_a_line_is_broken_rather_than_cut():
    assert charts.wrap_label("A" * 30) == ["A" * 24, "A" * 6]


def test_rows_with_wrapped_labels_are_taller_and_do_not_overlap():
    chart = charts.horizontal_bars(
        chart_id="c",
        title="t",
        description="d",
        rows=[
            charts.BarRow("Report missing child to law enforcement and NCMEC", 1, "1"),
            charts.BarRow("Short", 1, "1"),
        ],
        whole=True,
    )

    first, second = chart.bars
    assert first.label_lines[-1].y < second.label_lines[0].y - charts.LINE_HEIGHT
    assert second.y > first.y + charts.BAR_HEIGHT
    assert chart.axis_y > second.y + charts.BAR_HEIGHT


def test_a_zero_bar_is_still_drawn():
    chart = charts.horizontal_bars(
        chart_id="c",
        title="t",
        description="d",
        rows=[charts.BarRow("Met on time", 0, "0 % of 2"), charts.BarRow("Other", 100, "100 % of 1")],
        maximum=100,
    )

    assert chart.bars[0].width == charts.MIN_BAR_WIDTH


def test_a_zero_column_is_still_drawn():
    chart = charts.columns(chart_id="c", title="t", description="d", values=[("Mon", 0), ("Tue", 4)])

    assert chart.columns[0].height == charts.MIN_BAR_WIDTH
