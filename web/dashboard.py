"""The supervisor dashboard's presentation: the period as local days, the charts, and the same
figures as CSV tables for download."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from casework.dashboard import DashboardSummary
from web import charts, humanize

# Spreadsheet programs run a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    filename: str
    header: list[str]
    rows: list[list[object]]


def _iso(moment: datetime | None) -> str:
    return timezone.localtime(moment).isoformat() if moment else ""


def _seconds_as_hours(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / humanize.HOUR:.2f}"


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _overdue(summary: DashboardSummary) -> Table:
    return Table(
        "overdue-tasks-by-assignee",
        ["assignee", "overdue_tasks", "oldest_due_at"],
        [
            [row.assignee_name or "Unassigned", row.overdue, _iso(row.oldest_due_at)]
            for row in summary.overdue_by_assignee
        ],
    )


def _upcoming(summary: DashboardSummary) -> Table:
    return Table(
        "deadlines-next-7-days",
        ["case_number", "task", "due_at", "priority", "assignee", "legal_source"],
        [
            [
                row.case_number,
                row.title,
                _iso(row.due_at),
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
            "created_at",
            "respond_by",
            "age_hours",
        ],
        [
            [
                row.direction,
                row.partner_name,
                row.case_number,
                row.task_title or "Lead of the case",
                "yes" if row.urgent else "no",
                _iso(row.created_at),
                _iso(row.respond_by),
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


def _safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_text(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([_safe_cell(value) for value in row])
    return out.getvalue()


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
        title="Overdue tasks by assignee",
        description="Open tasks of your agency past their due time, per person.",
        rows=[
            charts.BarRow(row.assignee_name or "Unassigned", row.overdue, str(row.overdue))
            for row in summary.overdue_by_assignee
        ],
        whole=True,
    )
    upcoming = charts.columns(
        chart_id="chart-upcoming",
        title="Deadlines in the next 7 days",
        description="Open tasks of your agency falling due, per day.",
        values=[(day.day.strftime("%a %-d %b"), day.count) for day in summary.upcoming_by_day],
    )
    response_times = charts.horizontal_bars(
        chart_id="chart-response",
        title="Handoff response time",
        description="Median hours to answer a handoff, per partner agency and direction; "
        "the tick marks the 90th percentile.",
        rows=[
            charts.BarRow(
                f"{row.partner_name} ({'they answered' if row.direction == 'outgoing' else 'we answered'})",
                (row.median_seconds or 0) / humanize.HOUR,
                humanize.hours(row.median_seconds),
                marker=row.p90_seconds / humanize.HOUR if row.p90_seconds is not None else None,
                marker_label=f"90th percentile {humanize.hours(row.p90_seconds)}",
            )
            for row in summary.response_times
            if row.answered
        ],
        unit=" h",
        legend="Bar: median. Tick: 90th percentile.",
    )
    compliance = charts.horizontal_bars(
        chart_id="chart-compliance",
        title="Statutory deadlines met on time",
        description="Share of deadlines that fell due in the period and were met on time, per template.",
        rows=[
            charts.BarRow(
                row.name,
                (row.share_met or 0) * 100,
                f"{(row.share_met or 0) * 100:.0f} % of {row.due}",
                emphasis=(row.share_met or 0) < 1,
            )
            for row in summary.compliance
        ],
        unit=" %",
        maximum=100,
    )
    caseload = charts.horizontal_bars(
        chart_id="chart-caseload",
        title="Caseload per worker",
        description="Open cases each person is on the team of or holds a task in.",
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
