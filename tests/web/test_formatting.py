"""Time wording ("in 3 h", "2 days overdue"), one date and time format on pages, in the inbox
and in emails, and chart geometry."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.template import Context, Template

from casework.services.tasks import task_create
from notifications.models import EmailDelivery, Notification
from notifications.reminders import reminders_sweep
from tests.web.conftest import text
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
        reminders_sweep(now=due - timedelta(hours=24))
        page = text(browser_as(lead.caseworker).get(f"/tasks/{task.pk}/"))
        inbox = text(browser_as(lead.caseworker).get("/notifications/"))

    [notification] = Notification.objects.filter(recipient=lead.caseworker)
    email = EmailDelivery.objects.get(notification=notification)
    assert notification.message == f"A task on case {case.number} is due Thu 12 Mar, 11:00, in 24 hours."
    assert email.body.startswith(notification.message)
    assert "Times are America/Chicago time." in email.body
    assert "Due Thu 12 Mar, 11:00 (in 2 days)" in page
    assert notification.message in inbox


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
