"""Stored dashboard figures: the supervisor's dashboard over the default period without
aggregating over all of a large agency's cases and tasks on every request.

At a million cases an agency of 200,000 cases took two seconds to sum up (docs/performance.md).
A Celery worker computes the figures (`casework.dashboard.dashboard_summary`, unchanged) and
stores them in `DashboardFigures`; the page serves them with the time they were computed, shown
as "as of". Nothing is approximated: every figure is exact as of that time.

- The page serves stored figures only while they are younger than
  `BRIDGE_DASHBOARD_MAX_AGE_SECONDS` and before their `valid_until` (the next expiry of one of
  the agency's grants, after which a task of that section must leave the dashboard). Otherwise it
  computes the figures for the request and stores them.
- The figures are stored for the default period (the last 30 days). For another period the page
  shows the stored figures as of now (open cases, overdue work, deadlines, pending handoffs,
  caseload: the ones that read all of an agency's open work) with that period's own figures
  (cases opened, response times, compliance) summed up for the request, which read only the
  period's rows; the page says when each was summed up.
- A grant that is given, ended or removed deletes the agency's stored figures (a trigger on
  `SectionGrant`), so nothing of a section the agency no longer reads outlives the change.
- Every `BRIDGE_DASHBOARD_REFRESH_SECONDS` beat deletes the rows no supervisor has viewed within
  `BRIDGE_DASHBOARD_KEEP_FRESH_SECONDS` and sends a refresh for the stalest of the others, as many
  as their last computing times (`took_ms`) fit in `BRIDGE_DASHBOARD_REFRESH_BUDGET_SECONDS`: the
  work a tick asks of the workers stays bounded however many large agencies there are, and the
  rows left out are the stalest, so first, at the next tick.
- "Refresh now" (`fresh`) computes the figures for the request (and stores them).

Apps above casework add panels that cost as much at scale (`dashboard_panel_register`: the
screening overview): summed up and stored with the figures, in `summary.panels`.
"""

import dataclasses
import types
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from time import perf_counter
from typing import Any, Union, get_args, get_origin, get_type_hints

from django.conf import settings
from django.utils import timezone, translation

from agencies.models import Agency
from casework.access import agency_grant_ended_since, agency_next_grant_expiry
from casework.dashboard import (
    DashboardSummary,
    dashboard_summary,
    default_period,
    period_bounds,
    period_figures,
)
from casework.models import DashboardFigures

GRANT_END_COMMIT_SLACK = timedelta(minutes=1)

# Panels of apps above casework that are summed up and stored with the figures: name -> the
# panel's figures for an agency (as its liaisons and supervisors see them), as JSON values.
_PANELS: dict[str, Callable[[Agency], Any]] = {}


def dashboard_panel_register(*, name: str, compute: Callable[[Agency], Any]) -> None:
    """`compute(agency)` is summed up with the dashboard's figures and found in `summary.panels`."""
    _PANELS[name] = compute


def _summed_up(*, agency: Agency, since: datetime, until: datetime) -> DashboardSummary:
    summary = dashboard_summary(agency=agency, since=since, until=until)
    return dataclasses.replace(summary, panels={name: compute(agency) for name, compute in _PANELS.items()})


def summary_as_json(summary: DashboardSummary) -> dict[str, Any]:
    """The summary as JSON values: datetimes and dates in ISO 8601, UUIDs as strings."""
    figures: dict[str, Any] = _as_json(dataclasses.asdict(summary))
    return figures


def _as_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def summary_from_json(data: dict[str, Any]) -> DashboardSummary:
    return _from_json(DashboardSummary, data)


def _from_json(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        (present,) = [arg for arg in get_args(kind) if arg is not type(None)]
        return _from_json(present, value)
    if origin is list:
        (item_kind,) = get_args(kind)
        return [_from_json(item_kind, item) for item in value]
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = get_type_hints(kind)
        constructor: Any = kind
        return constructor(
            **{
                field.name: _from_json(hints[field.name], value[field.name])
                for field in dataclasses.fields(kind)
                if field.init and field.name in value
            }
        )
    parse = _PARSERS.get(kind)
    return parse(value) if parse else value


# The JSON strings `_as_json` wrote, read back as the values they were.
_PARSERS: dict[Any, Callable[[Any], Any]] = {
    datetime: datetime.fromisoformat,
    date: date.fromisoformat,
    uuid.UUID: uuid.UUID,
}


def _default_bounds() -> tuple[datetime, datetime]:
    since, until = default_period()
    return period_bounds(since=since, until=until)


def _grant_ended_since(*, agency_id: int, moment: datetime) -> bool:
    # A grant's end is stamped before its transaction commits; a minute covers that gap.
    return agency_grant_ended_since(agency_id=agency_id, moment=moment - GRANT_END_COMMIT_SLACK)


def store_dashboard_figures(
    *, agency: Agency, language: str, viewed_at: datetime | None = None
) -> DashboardSummary:
    """Computes the agency's figures over the default period in `language` and stores them.
    `viewed_at` is when a supervisor asked for them; a refresh keeps the one stored."""
    since, until = _default_bounds()
    started = perf_counter()
    with translation.override(language):
        summary = _summed_up(agency=agency, since=since, until=until)
    took_ms = round((perf_counter() - started) * 1000)
    computed_at = summary.generated_at
    if _grant_ended_since(agency_id=agency.pk, moment=computed_at):
        # The figures may hold a task of a section the agency stopped reading while they were
        # summed up: good for the request that asked (as a live page would be), not for keeping.
        return summary
    max_age = timedelta(seconds=settings.BRIDGE_DASHBOARD_MAX_AGE_SECONDS)
    expiry = agency_next_grant_expiry(agency_id=agency.pk, after=computed_at)
    values = {
        "since": since,
        "until": until,
        "computed_at": computed_at,
        "valid_until": min(computed_at + max_age, expiry) if expiry else computed_at + max_age,
        "took_ms": took_ms,
        "figures": summary_as_json(summary),
    }
    if viewed_at is not None:
        values["viewed_at"] = viewed_at
    DashboardFigures.objects.update_or_create(
        agency=agency,
        language=language,
        defaults=values,
        create_defaults={**values, "viewed_at": viewed_at or computed_at},
    )
    return summary


def agency_dashboard(
    *, agency: Agency, since: datetime, until: datetime, fresh: bool = False
) -> DashboardSummary:
    """The dashboard over [`since`, `until`): the figures as of now stored for the default period
    where they may be served (see the module's docstring), else summed up now and stored; for
    another period, with that period's own figures summed up for the request
    (`casework.dashboard.period_figures`). `summary.stored` tells whether the figures as of now
    were stored ones, `summary.period_as_of` when the period's were summed up."""
    now = timezone.now()
    language = translation.get_language() or settings.LANGUAGE_CODE
    default_since, default_until = _default_bounds()
    stored = (
        None
        if fresh
        else DashboardFigures.objects.filter(
            agency=agency,
            language=language,
            since=default_since,
            until=default_until,
            computed_at__gt=now - timedelta(seconds=settings.BRIDGE_DASHBOARD_MAX_AGE_SECONDS),
            valid_until__gt=now,
        )
        .only("figures", "viewed_at")
        .first()
    )
    if stored is None:
        summary = store_dashboard_figures(agency=agency, language=language, viewed_at=now)
    else:
        if stored.viewed_at < now - timedelta(seconds=settings.BRIDGE_DASHBOARD_REFRESH_SECONDS):
            # Written at most once a refresh interval, so that reading stays a read.
            DashboardFigures.objects.filter(pk=stored.pk).update(viewed_at=now)
        summary = dataclasses.replace(summary_from_json(stored.figures), stored=True)
    if (since, until) == (summary.since, summary.until):
        return summary
    return summary.over_period(period_figures(agency=agency, since=since, until=until))


def dashboard_figures_to_refresh(*, now: datetime | None = None) -> list[tuple[int, str]]:
    """The (agency, language) figures for the beat to refresh now, stalest first, within the
    budget (see the module's docstring); deletes the ones nobody has viewed lately."""
    now = now or timezone.now()
    viewed_since = now - timedelta(seconds=settings.BRIDGE_DASHBOARD_KEEP_FRESH_SECONDS)
    DashboardFigures.objects.filter(viewed_at__lt=viewed_since).delete()
    # Figures a page summed up moments ago wait for a later tick.
    stale = DashboardFigures.objects.filter(
        computed_at__lt=now - timedelta(seconds=settings.BRIDGE_DASHBOARD_REFRESH_SECONDS / 2)
    ).order_by("computed_at", "agency_id", "language")
    budget_ms = settings.BRIDGE_DASHBOARD_REFRESH_BUDGET_SECONDS * 1000
    chosen: list[tuple[int, str]] = []
    spent_ms = 0
    for agency_id, language, took_ms in stale.values_list("agency_id", "language", "took_ms"):
        if chosen and spent_ms + took_ms > budget_ms:
            break
        chosen.append((agency_id, language))
        spent_ms += took_ms
    return chosen


def refresh_dashboard_figures(*, agency_id: int, language: str) -> None:
    """Recomputes one stored row, if it is still wanted (deleted rows stay deleted until a
    supervisor opens the dashboard again)."""
    if not DashboardFigures.objects.filter(agency_id=agency_id, language=language).exists():
        return
    agency = Agency.objects.get(pk=agency_id)
    store_dashboard_figures(agency=agency, language=language)
