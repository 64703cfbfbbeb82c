"""The supervisor dashboard's presentation: the period as local days and its presets, the charts,
and the same figures as CSV tables for download (cells made safe by `common.spreadsheet`)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.dateformat import format as format_date
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from casework.dashboard import DEFAULT_PERIOD_DAYS, DashboardSummary
from common.spreadsheet import csv_bytes, time_zone_header
from web import charts, humanize


@dataclass(frozen=True)
class Table:
    filename: str
    header: list[str]
    rows: list[list[object]]


def _seconds_as_hours(seconds: float | None) -> float | None:
    # A number in one unit, so a spreadsheet can sort and sum the column.
    return None if seconds is None else round(seconds / humanize.HOUR, 2)


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _overdue(summary: DashboardSummary) -> Table:
    return Table(
        "overdue-tasks-by-assignee",
        ["assignee", "overdue_tasks", time_zone_header("oldest_due_at")],
        [
            [row.assignee_name or _("Unassigned"), row.overdue, row.oldest_due_at]
            for row in summary.overdue_by_assignee
        ],
    )


def _upcoming(summary: DashboardSummary) -> Table:
    return Table(
        "deadlines-next-7-days",
        ["case_number", "task", time_zone_header("due_at"), "priority", "assignee", "legal_source"],
        [
            [
                row.case_number,
                row.title,
                row.due_at,
                row.priority,
                row.assignee_name or "",
                row.legal_source or "",
            ]
            for row in summary.upcoming
        ],
    )


def _pending(summary: DashboardSummary) -> Table:
    return Table(
        "pending-handoffs",
        [
            "direction",
            "partner_agency",
            "case_number",
            "what",
            "urgent",
            time_zone_header("created_at"),
            time_zone_header("respond_by"),
            "age_hours",
        ],
        [
            [
                row.direction,
                row.partner_name,
                row.case_number,
                row.task_title or _("Lead of the case"),
                row.urgent,
                row.created_at,
                row.respond_by,
                _seconds_as_hours(row.age_seconds),
            ]
            for row in summary.pending_handoffs
        ],
    )


def _response_times(summary: DashboardSummary) -> Table:
    return Table(
        "handoff-response-times",
        [
            "direction",
            "partner_agency",
            "answered",
            "accepted",
            "declined",
            "expired",
            "median_hours",
            "p90_hours",
        ],
        [
            [
                row.direction,
                row.partner_name,
                row.answered,
                row.accepted,
                row.declined,
                row.expired,
                _seconds_as_hours(row.median_seconds),
                _seconds_as_hours(row.p90_seconds),
            ]
            for row in summary.response_times
        ],
    )


def _compliance(summary: DashboardSummary) -> Table:
    return Table(
        "deadline-compliance",
        ["template", "legal_source", "due", "met_on_time", "late", "missed", "share_met"],
        [
            [row.name, row.legal_source, row.due, row.met, row.late, row.missed, _share(row.share_met)]
            for row in summary.compliance
        ],
    )


def _caseload(summary: DashboardSummary) -> Table:
    return Table(
        "caseload-per-worker",
        ["worker", "role", "open_cases", "open_tasks", "overdue_tasks"],
        [[row.name, row.role, row.open_cases, row.open_tasks, row.overdue_tasks] for row in summary.caseload],
    )


TABLES: dict[str, Callable[[DashboardSummary], Table]] = {
    "overdue": _overdue,
    "upcoming": _upcoming,
    "pending-handoffs": _pending,
    "response-times": _response_times,
    "compliance": _compliance,
    "caseload": _caseload,
}


def csv_file(table: Table) -> bytes:
    return csv_bytes(table.header, table.rows)


def period_query(since: date, until: date) -> str:
    """The query string of a period, for links to the page and its CSV files."""
    return urlencode({"since": f"{since:%Y-%m-%d}", "until": f"{until:%Y-%m-%d}"})


@dataclass(frozen=True)
class PeriodPreset:
    label: str
    since: date
    until: date
    # The period shown is this one.
    current: bool

    @property
    def query(self) -> str:
        return period_query(self.since, self.until)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def period_presets(*, today: date, shown: tuple[date, date] | None) -> list[PeriodPreset]:
    """The periods supervisors report on, one click each: the last 7 and 30 days, the calendar
    quarter so far and the whole quarter before it. `shown` is the period on the page, if valid."""
    this_quarter = _quarter_start(today)
    last_quarter_end = this_quarter - timedelta(days=1)
    periods = [
        (_("Last 7 days"), today - timedelta(days=6), today),
        (_("Last 30 days"), today - timedelta(days=DEFAULT_PERIOD_DAYS - 1), today),
        (_("This quarter"), this_quarter, today),
        (_("Last quarter"), _quarter_start(last_quarter_end), last_quarter_end),
    ]
    return [PeriodPreset(label, since, until, (since, until) == shown) for label, since, until in periods]


@dataclass(frozen=True)
class DashboardCharts:
    overdue: charts.HorizontalBarChart
    upcoming: charts.ColumnChart
    response_times: charts.HorizontalBarChart
    compliance: charts.HorizontalBarChart
    caseload: charts.HorizontalBarChart


def dashboard_charts(summary: DashboardSummary) -> DashboardCharts:
    overdue = charts.horizontal_bars(
        chart_id="chart-overdue",
        title=_("Overdue tasks by assignee"),
        description=_("Open tasks of your agency past their due time, per person."),
        rows=[
            charts.BarRow(row.assignee_name or _("Unassigned"), row.overdue, str(row.overdue))
            for row in summary.overdue_by_assignee
        ],
        whole=True,
    )
    upcoming = charts.columns(
        chart_id="chart-upcoming",
        title=_("Deadlines in the next 7 days"),
        description=_("Open tasks of your agency falling due, per day."),
        # Day and month names in the reader's language, the day before the month in both.
        values=[(format_date(day.day, "D j M"), day.count) for day in summary.upcoming_by_day],
    )
    answered = [row for row in summary.response_times if row.answered]
    longest = max([row.p90_seconds or row.median_seconds or 0 for row in answered] + [0])
    per_unit, unit = humanize.duration_unit(longest)
    response_times = charts.horizontal_bars(
        chart_id="chart-response",
        title=_("Handoff response time"),
        description=_(
            "Median time to answer a handoff, per partner agency and direction; the tick marks the 90th "
            "percentile."
        ),
        rows=[
            charts.BarRow(
                (
                    _("%(agency)s (they answered)")
                    if row.direction == "outgoing"
                    else _("%(agency)s (we answered)")
                )
                % {"agency": row.partner_name},
                (row.median_seconds or 0) / per_unit,
                humanize.duration(row.median_seconds),
                marker=row.p90_seconds / per_unit if row.p90_seconds is not None else None,
                marker_label=_("90th percentile %(duration)s")
                % {"duration": humanize.duration(row.p90_seconds)},
            )
            for row in answered
        ],
        unit=unit,
        legend=_("Bar: median. Tick: 90th percentile."),
    )
    compliance = charts.horizontal_bars(
        chart_id="chart-compliance",
        title=_("Statutory deadlines met on time"),
        description=_("Share of deadlines that fell due in the period and were met on time, per template."),
        rows=[
            charts.BarRow(
                row.name,
                (row.share_met or 0) * 100,
                _("%(percent)s %% of %(due)s")
                % {"percent": f"{(row.share_met or 0) * 100:.0f}", "due": row.due},
                emphasis=(row.share_met or 0) < 1,
            )
            for row in summary.compliance
        ],
        unit=" %",
        maximum=100,
    )
    caseload = charts.horizontal_bars(
        chart_id="chart-caseload",
        title=_("Caseload per worker"),
        description=_("Open cases each person is on the team of or holds a task in."),
        rows=[charts.BarRow(row.name, row.open_cases, str(row.open_cases)) for row in summary.caseload],
        whole=True,
    )
    return DashboardCharts(
        overdue=overdue,
        upcoming=upcoming,
        response_times=response_times,
        compliance=compliance,
        caseload=caseload,
    )
