"""The supervisor's dashboard: aggregates over one agency's work.

Two kinds of figure, each one SQL aggregate so the whole summary costs the same handful of queries
for ten tasks or ten million:

* the state of things *now*: open cases, overdue tasks, deadlines in the next seven days,
  pending handoffs (the most pressing hundred each way, and how many) and each worker's caseload;
* what happened *in the period* [`since`, `until`): cases opened, how fast handoffs were answered
  (median and 90th percentile with PostgreSQL's `percentile_cont`, per partner agency and
  direction), and the share of statutory deadlines met on time, per deadline template.

The second kind is also summed up alone (`period_figures`): those queries read only the period's
rows, so another period is shown with stored figures of the first kind (`casework.dashboard_figures`).

A deadline counts towards compliance when its task fell due inside the period and before now:
met when done by its due time, late when done after it, missed when still open. Handoff response
times count the handoffs answered (accepted or declined) inside the period; those that expired
unanswered are counted apart, since they have no response time.

Callers check that the reader may see the agency's dashboard (`casework.access.may_view_dashboard`)
before calling; this module only reads. Nothing here carries section content: case numbers, task
titles, agency and worker names, times.
"""

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Aggregate,
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import Agency, User
from casework.access import (
    CASE_ROLES,
    agency_takes_part,
    open_cases_per_worker,
    owner_reads_task_section,
    owner_sees_task,
)
from casework.models import (
    Case,
    CaseStatus,
    Handoff,
    HandoffKind,
    HandoffStatus,
    Task,
    TaskStatus,
)
from casework.translations import text_in_active_language
from common.errors import ValidationFailed

UPCOMING_DAYS = 7
# A period longer than this is refused: the figures would mean little and cost a lot.
MAX_PERIOD_DAYS = 366
DEFAULT_PERIOD_DAYS = 30
# The dashboard lists at most this many upcoming deadlines; the count and per-day figures cover all.
UPCOMING_LIST_LIMIT = 100
# ... and at most this many pending handoffs each way, the most pressing; the totals count all.
PENDING_LIST_LIMIT = 100


class PercentileCont(Aggregate):
    """PostgreSQL's `percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)`: the
    interpolated value below which `fraction` of the rows fall."""

    function = "percentile_cont"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, *, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile is a fraction between 0 and 1.")
        super().__init__(expression, fraction=float(fraction), **extra)


class EpochSeconds(Func):
    """The number of seconds in an interval."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class CaseCounts:
    open: int
    open_led: int
    opened_in_period: int


@dataclass(frozen=True)
class AssigneeOverdue:
    """Overdue open tasks of one assignee; `assignee_id` and `assignee_name` are None for the
    agency's unassigned tasks."""

    assignee_id: uuid.UUID | None
    assignee_name: str | None
    overdue: int
    oldest_due_at: datetime


@dataclass(frozen=True)
class UpcomingDeadline:
    task_id: uuid.UUID
    case_id: uuid.UUID
    case_number: str
    title: str
    due_at: datetime
    priority: str
    assignee_name: str | None
    legal_source: str | None


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True)
class PendingHandoff:
    handoff_id: uuid.UUID
    direction: str
    kind: str
    case_number: str
    task_title: str | None
    partner_id: int
    partner_name: str
    urgent: bool
    created_at: datetime
    respond_by: datetime
    age_seconds: float


@dataclass(frozen=True)
class ResponseTimes:
    """How one partner agency and the dashboard's agency answered each other's handoffs.
    `direction` is `outgoing` (the partner answered this agency's handoffs) or `incoming` (this
    agency answered the partner's)."""

    direction: str
    partner_id: int
    partner_name: str
    answered: int
    accepted: int
    declined: int
    expired: int
    median_seconds: float | None
    p90_seconds: float | None


@dataclass(frozen=True)
class TemplateCompliance:
    template_key: str
    name: str
    legal_source: str
    due: int
    met: int
    late: int
    missed: int

    @property
    def share_met(self) -> float | None:
        return self.met / self.due if self.due else None


@dataclass(frozen=True)
class WorkerCaseload:
    user_id: uuid.UUID
    name: str
    role: str
    open_cases: int
    open_tasks: int
    overdue_tasks: int


@dataclass(frozen=True)
class DashboardSummary:
    agency_id: int
    since: datetime
    until: datetime
    generated_at: datetime
    cases: CaseCounts
    overdue_by_assignee: list[AssigneeOverdue]
    upcoming: list[UpcomingDeadline]
    upcoming_by_day: list[DayCount]
    pending_handoffs: list[PendingHandoff]
    pending_incoming_total: int
    pending_outgoing_total: int
    response_times: list[ResponseTimes]
    compliance: list[TemplateCompliance]
    caseload: list[WorkerCaseload]
    # True when these are the stored figures computed at `generated_at` (`casework.dashboard_figures`).
    stored: bool = False
    # Figures of apps above casework computed with these (`dashboard_panel_register`), as JSON values.
    panels: dict[str, Any] = field(default_factory=dict)
    # When the period's figures were summed up, where that was after `generated_at`: stored figures
    # as of now shown with another period's figures summed up for the request (`over_period`).
    period_generated_at: datetime | None = None

    @property
    def period_as_of(self) -> datetime:
        return self.period_generated_at or self.generated_at

    def over_period(self, figures: "PeriodFigures") -> "DashboardSummary":
        """These figures as of now, with another period's."""
        return dataclasses.replace(
            self,
            since=figures.since,
            until=figures.until,
            cases=dataclasses.replace(self.cases, opened_in_period=figures.opened_cases),
            response_times=figures.response_times,
            compliance=figures.compliance,
            period_generated_at=figures.generated_at,
        )

    @property
    def overdue_total(self) -> int:
        return sum(row.overdue for row in self.overdue_by_assignee)

    @property
    def upcoming_total(self) -> int:
        return sum(day.count for day in self.upcoming_by_day)

    @property
    def pending_handoffs_left_out(self) -> bool:
        return len(self.pending_handoffs) < self.pending_incoming_total + self.pending_outgoing_total

    @property
    def pending_incoming(self) -> list[PendingHandoff]:
        return [row for row in self.pending_handoffs if row.direction == "incoming"]

    @property
    def pending_outgoing(self) -> list[PendingHandoff]:
        return [row for row in self.pending_handoffs if row.direction == "outgoing"]

    @property
    def compliance_due(self) -> int:
        return sum(row.due for row in self.compliance)

    @property
    def compliance_met(self) -> int:
        return sum(row.met for row in self.compliance)

    @property
    def compliance_share_met(self) -> float | None:
        due = self.compliance_due
        return self.compliance_met / due if due else None


def _full_name(first: str | None, last: str | None, username: str | None) -> str | None:
    if username is None:
        return None
    return f"{first or ''} {last or ''}".strip() or username


def _agency_cases(*, agency: Agency) -> QuerySet[Case]:
    return Case.objects.filter(agency_takes_part(agency_id=agency.pk))


def _case_counts(*, agency: Agency, opened_in_period: int) -> CaseCounts:
    counts = _agency_cases(agency=agency).aggregate(
        open=Count("pk", filter=Q(status=CaseStatus.OPEN)),
        open_led=Count("pk", filter=Q(status=CaseStatus.OPEN, lead_agency_id=agency.pk)),
    )
    return CaseCounts(**counts, opened_in_period=opened_in_period)


def _opened_cases(*, agency: Agency, since: datetime, until: datetime) -> int:
    return _agency_cases(agency=agency).filter(created_at__gte=since, created_at__lt=until).count()


def _tasks(*, agency: Agency) -> QuerySet[Task]:
    """The agency's tasks it may see: none derived from a section it may not read, unless the
    deadline asks something of the agency (`casework.access.owner_sees_task`)."""
    return Task.objects.filter(owner_sees_task(), owner_agency_id=agency.pk)


def _open_tasks(*, agency: Agency) -> QuerySet[Task]:
    return _tasks(agency=agency).filter(status=TaskStatus.OPEN)


def _overdue_by_assignee(*, agency: Agency, now: datetime) -> list[AssigneeOverdue]:
    rows = (
        _open_tasks(agency=agency)
        .filter(due_at__lt=now)
        .values("assignee__public_id", "assignee__username", "assignee__first_name", "assignee__last_name")
        .annotate(overdue=Count("pk"), oldest_due_at=Min("due_at"))
        .order_by("-overdue", "oldest_due_at", "assignee__username")
    )
    return [
        AssigneeOverdue(
            assignee_id=row["assignee__public_id"],
            assignee_name=_full_name(
                row["assignee__first_name"], row["assignee__last_name"], row["assignee__username"]
            ),
            overdue=row["overdue"],
            oldest_due_at=row["oldest_due_at"],
        )
        for row in rows
    ]


def _upcoming(*, agency: Agency, now: datetime) -> tuple[list[UpcomingDeadline], list[DayCount]]:
    window = _open_tasks(agency=agency).filter(
        due_at__gte=now, due_at__lt=now + timedelta(days=UPCOMING_DAYS)
    )
    tasks = (
        window.select_related("case", "assignee", "template")
        .annotate(reads_section=owner_reads_task_section())
        .order_by("due_at", "pk")[:UPCOMING_LIST_LIMIT]
    )
    upcoming = [
        UpcomingDeadline(
            task_id=task.pk,
            case_id=task.case_id,
            case_number=task.case.number,
            title=task.shown_title,
            due_at=task.due_at,
            priority=task.priority,
            assignee_name=(task.assignee.get_full_name() or task.assignee.username)
            if task.assignee
            else None,
            # Only what the agency may see of a task whose section it does not read: the title.
            legal_source=task.template.shown_legal_source if task.template and task.reads_section else None,
        )
        for task in tasks
    ]
    tz = timezone.get_current_timezone()
    counted = {
        row["day"]: row["count"]
        for row in window.annotate(day=TruncDate("due_at", tzinfo=tz))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("day")
    }
    first_day = timezone.localtime(now, tz).date()
    # The window runs from now to the same time seven days on, so it touches eight calendar days.
    # Each is listed, with 0 where nothing is due, so a chart has all its columns.
    days = [first_day + timedelta(days=offset) for offset in range(UPCOMING_DAYS + 1)]
    return upcoming, [DayCount(day=day, count=counted.get(day, 0)) for day in days]


@dataclass(frozen=True)
class PendingHandoffs:
    listed: list[PendingHandoff]
    incoming_total: int
    outgoing_total: int


def _pending_handoffs(*, agency: Agency, now: datetime) -> PendingHandoffs:
    """The most pressing pending handoffs each way (urgent first, then the soonest answer-by),
    at most `PENDING_LIST_LIMIT` of each, and how many there are each way, in one query. Read as
    plain rows, not model instances: building five instances per handoff cost more than the
    query for a busy agency."""
    incoming = ExpressionWrapper(Q(to_agency_id=agency.pk), output_field=BooleanField())
    pressing_first = [F("urgent").desc(), F("respond_by").asc(), F("pk").asc()]
    rows = (
        Handoff.objects.filter(
            Q(to_agency_id=agency.pk) | Q(from_agency_id=agency.pk), status=HandoffStatus.PENDING
        )
        .annotate(
            rank=Window(RowNumber(), partition_by=[incoming], order_by=pressing_first),
            total=Window(Count("pk"), partition_by=[incoming]),
        )
        .filter(rank__lte=PENDING_LIST_LIMIT)
        .order_by(*pressing_first)
        .values_list(
            "pk",
            "kind",
            "to_agency_id",
            "from_agency_id",
            "from_agency__name",
            "to_agency__name",
            "case__number",
            "task__title",
            "urgent",
            "created_at",
            "respond_by",
            "total",
        )
    )
    listed = []
    totals = {"incoming": 0, "outgoing": 0}
    for (
        handoff_id,
        kind,
        to_agency_id,
        from_agency_id,
        from_name,
        to_name,
        case_number,
        task_title,
        urgent,
        created_at,
        respond_by,
        total,
    ) in rows:
        incoming_here = to_agency_id == agency.pk
        direction = "incoming" if incoming_here else "outgoing"
        totals[direction] = total
        listed.append(
            PendingHandoff(
                handoff_id=handoff_id,
                direction=direction,
                kind=kind,
                case_number=case_number,
                task_title=task_title if kind == HandoffKind.TASK else None,
                partner_id=from_agency_id if incoming_here else to_agency_id,
                partner_name=from_name if incoming_here else to_name,
                urgent=urgent,
                created_at=created_at,
                respond_by=respond_by,
                age_seconds=max((now - created_at).total_seconds(), 0.0),
            )
        )
    return PendingHandoffs(
        listed=listed, incoming_total=totals["incoming"], outgoing_total=totals["outgoing"]
    )


def _response_times(*, agency: Agency, since: datetime, until: datetime) -> list[ResponseTimes]:
    answered = Q(status__in=[HandoffStatus.ACCEPTED, HandoffStatus.DECLINED])
    # The receiving agency was asked when the handoff was created, or approved by the lead agency.
    seconds = EpochSeconds(
        ExpressionWrapper(
            F("responded_at") - Coalesce(F("approved_at"), F("created_at")), output_field=DurationField()
        )
    )
    aggregates = {
        "answered": Count("pk", filter=answered),
        "accepted": Count("pk", filter=Q(status=HandoffStatus.ACCEPTED)),
        "declined": Count("pk", filter=Q(status=HandoffStatus.DECLINED)),
        "expired": Count("pk", filter=Q(status=HandoffStatus.EXPIRED)),
        "median_seconds": PercentileCont(seconds, fraction=0.5, filter=answered),
        "p90_seconds": PercentileCont(seconds, fraction=0.9, filter=answered),
    }
    # A handoff that ended while awaiting the lead agency's approval never reached the receiving
    # agency: it is not that agency's answer, and its dashboard must not even count it.
    resolved = Handoff.objects.filter(
        status__in=[HandoffStatus.ACCEPTED, HandoffStatus.DECLINED, HandoffStatus.EXPIRED],
        responded_at__gte=since,
        responded_at__lt=until,
    ).exclude(needs_approval=True, approved_at__isnull=True)
    directions = (
        ("outgoing", resolved.filter(from_agency_id=agency.pk), "to_agency"),
        ("incoming", resolved.filter(to_agency_id=agency.pk), "from_agency"),
    )
    rows: list[ResponseTimes] = []
    for direction, queryset, partner in directions:
        for row in (
            queryset.values(f"{partner}_id", f"{partner}__name")
            .annotate(**aggregates)
            .order_by(f"{partner}__name")
        ):
            rows.append(
                ResponseTimes(
                    direction=direction,
                    partner_id=row[f"{partner}_id"],
                    partner_name=row[f"{partner}__name"],
                    answered=row["answered"],
                    accepted=row["accepted"],
                    declined=row["declined"],
                    expired=row["expired"],
                    median_seconds=row["median_seconds"],
                    p90_seconds=row["p90_seconds"],
                )
            )
    return rows


def _compliance(
    *, agency: Agency, since: datetime, until: datetime, now: datetime
) -> list[TemplateCompliance]:
    rows = (
        _tasks(agency=agency)
        .filter(
            template__isnull=False,
            due_at__gte=since,
            due_at__lt=min(until, now),
        )
        .values("template__key", "template__name", "template__legal_source", "template__translations")
        .annotate(
            due=Count("pk"),
            met=Count("pk", filter=Q(status=TaskStatus.DONE, completed_at__lte=F("due_at"))),
            late=Count("pk", filter=Q(status=TaskStatus.DONE, completed_at__gt=F("due_at"))),
            missed=Count("pk", filter=Q(status=TaskStatus.OPEN)),
        )
        .order_by("template__name", "template__key")
    )
    return [
        TemplateCompliance(
            template_key=row["template__key"],
            name=text_in_active_language(row["template__translations"], "name", row["template__name"]),
            legal_source=text_in_active_language(
                row["template__translations"], "legal_source", row["template__legal_source"]
            ),
            due=row["due"],
            met=row["met"],
            late=row["late"],
            missed=row["missed"],
        )
        for row in rows
    ]


def count_of(queryset: QuerySet[Any]) -> Coalesce:
    """A correlated `SELECT count(*)` over `queryset`, usable as an annotation."""
    counted = queryset.order_by().annotate(counted=Func(Value(1), function="COUNT")).values("counted")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _caseload(*, agency: Agency, now: datetime) -> list[WorkerCaseload]:
    open_tasks = _open_tasks(agency=agency).filter(assignee_id=OuterRef("pk"))
    workers = User.objects.filter(agency_id=agency.pk, is_active=True, role__in=CASE_ROLES).annotate(
        open_tasks=count_of(open_tasks),
        overdue_tasks=count_of(open_tasks.filter(due_at__lt=now)),
    )
    open_cases = open_cases_per_worker(agency_id=agency.pk)
    ordered = sorted(workers, key=lambda worker: worker.username)
    ordered.sort(key=lambda worker: (open_cases.get(worker.pk, 0), worker.open_tasks), reverse=True)
    return [
        WorkerCaseload(
            user_id=worker.public_id,
            name=worker.get_full_name() or worker.username,
            role=worker.role,
            open_cases=open_cases.get(worker.pk, 0),
            open_tasks=worker.open_tasks,
            overdue_tasks=worker.overdue_tasks,
        )
        for worker in ordered
    ]


def default_period(*, today: date | None = None) -> tuple[date, date]:
    """The last 30 local days, today included."""
    today = today or timezone.localdate()
    return today - timedelta(days=DEFAULT_PERIOD_DAYS - 1), today


def period_bounds(*, since: date, until: date) -> tuple[datetime, datetime]:
    """Whole local days `since` to `until`, both included, as [start, end): from the midnight
    starting `since` to the midnight ending `until`, in the deployment's time zone."""
    if until < since:
        raise ValidationFailed(
            _("The period must end on or after its first day."),
            fields={"until": [_("Must not be before since.")]},
        )
    if (until - since).days >= MAX_PERIOD_DAYS:
        raise ValidationFailed(
            _("The period is too long."),
            fields={
                "until": [
                    ngettext(
                        "Choose a period of at most %(count)s day.",
                        "Choose a period of at most %(count)s days.",
                        MAX_PERIOD_DAYS,
                    )
                    % {"count": MAX_PERIOD_DAYS}
                ]
            },
        )
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(since, time.min), tz)
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min), tz)
    return start, end


@dataclass(frozen=True)
class PeriodFigures:
    """What happened in [`since`, `until`), summed up at `generated_at`."""

    since: datetime
    until: datetime
    generated_at: datetime
    opened_cases: int
    response_times: list[ResponseTimes]
    compliance: list[TemplateCompliance]


def _check_period(*, since: datetime, until: datetime) -> None:
    if timezone.is_naive(since) or timezone.is_naive(until):
        raise ValueError("The period's bounds must carry a time zone.")
    if until <= since:
        raise ValueError("The period must end after it starts.")


def period_figures(
    *, agency: Agency, since: datetime, until: datetime, now: datetime | None = None
) -> PeriodFigures:
    """The dashboard's figures over [`since`, `until`) alone: cases opened, handoff response
    times, deadline compliance. Four queries, each over the period's rows, where the figures as of
    now read all of the agency's open work."""
    _check_period(since=since, until=until)
    now = now or timezone.now()
    return PeriodFigures(
        since=since,
        until=until,
        generated_at=now,
        opened_cases=_opened_cases(agency=agency, since=since, until=until),
        response_times=_response_times(agency=agency, since=since, until=until),
        compliance=_compliance(agency=agency, since=since, until=until, now=now),
    )


def dashboard_summary(
    *, agency: Agency, since: datetime, until: datetime, now: datetime | None = None
) -> DashboardSummary:
    """Everything the agency's supervisors see on their dashboard, over [`since`, `until`).
    Eleven queries whatever the amount of data."""
    _check_period(since=since, until=until)
    now = now or timezone.now()
    period = period_figures(agency=agency, since=since, until=until, now=now)
    upcoming, upcoming_by_day = _upcoming(agency=agency, now=now)
    pending = _pending_handoffs(agency=agency, now=now)
    return DashboardSummary(
        agency_id=agency.pk,
        since=since,
        until=until,
        generated_at=now,
        cases=_case_counts(agency=agency, opened_in_period=period.opened_cases),
        overdue_by_assignee=_overdue_by_assignee(agency=agency, now=now),
        upcoming=upcoming,
        upcoming_by_day=upcoming_by_day,
        pending_handoffs=pending.listed,
        pending_incoming_total=pending.incoming_total,
        pending_outgoing_total=pending.outgoing_total,
        response_times=period.response_times,
        compliance=period.compliance,
        caseload=_caseload(agency=agency, now=now),
    )
