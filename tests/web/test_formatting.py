"""Time wording ("in 3 h", "2 days overdue"), one date and time format on pages, in the inbox
and in emails, and chart geometry."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.template import Context, Template

from casework.services.tasks import task_create
from casework.sweep import deadlines_sweep
from notifications.models import EmailDelivery, Notification
from tests.web.conftest import text
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


def render(source: str, **context) -> str:
    return Template("{% load bridge %}" + source).render(Context(context))


def test_a_moment_on_a_page_is_a_time_element_with_the_year_and_zone_on_hover():
    with time_machine.travel(NOW, tick=False):
        html = render("{% when moment %}", moment=datetime(2026, 3, 10, 19, 5, tzinfo=UTC))

    assert html == (
        '<time datetime="2026-03-10T14:05:00-05:00" title="Tuesday 10 March 2026, 14:05 CDT">'
        "Tue 10 Mar, 14:05</time>"
    )


def test_a_deadline_on_a_page_says_how_it_stands():
    with time_machine.travel(NOW, tick=False):
        html = render("{% deadline moment %}", moment=NOW - timedelta(hours=2))

    assert html.endswith('>Tue 10 Mar, 08:00</time> <span class="relative overdue">(2 h overdue)</span>')


def test_a_day_on_a_page_reads_like_a_moment_without_the_time():
    with time_machine.travel(NOW, tick=False):
        assert render("{{ signed|day }} {{ born|day }}", signed=date(2026, 3, 2), born=date(2010, 4, 2)) == (
            "Mon 2 Mar Fri 2 Apr 2010"
        )


@pytest.mark.django_db
def test_a_deadline_reads_the_same_in_the_email_the_inbox_and_the_task_page(browser_as, lead, case):
    due = datetime(2026, 3, 12, 16, 0, tzinfo=UTC)  # 11:00 in Chicago
    with time_machine.travel(NOW, tick=False):
        task = task_create(
            actor=lead.caseworker, case=case, title="Visit", due_at=due, assignee=lead.caseworker
        )
        deadlines_sweep(now=due - timedelta(hours=24))
        page = text(browser_as(lead.caseworker).get(f"/tasks/{task.pk}/"))
        inbox = text(browser_as(lead.caseworker).get("/notifications/"))

    [notification] = Notification.objects.filter(recipient=lead.caseworker)
    email = EmailDelivery.objects.get(notification=notification)
    assert notification.message == f"A task on case {case.number} is due Thu 12 Mar, 11:00, in 24 hours."
    assert email.body.startswith(notification.message)
    assert "Times are America/Chicago time." in email.body
    assert "Due Thu 12 Mar, 11:00 (in 2 days)" in page
    assert notification.message in inbox


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
