"""The deadline sweep: one beat tick scans the database for reminders that have come due, ends
what has expired (handoffs, grants) and tells the people `casework.access.audience` names, through
`notifications.notify`.

Nothing is scheduled ahead of time. Each tick works out, from a subject's deadline and the
clock, which reminder point it has most recently passed, and fires it unless a `Reminder` row
for (subject, kind, step, deadline) already exists. So:

* completing a task, or a handoff being answered, stops further reminders (only open subjects
  are scanned), and an email not yet sent is cancelled by the worker (`stale_reason`, which
  casework registers with notifications);
* moving a due time starts a new series keyed by the new deadline;
* reassigning changes who the next reminder goes to, because recipients are chosen at firing;
* two sweeps at once cannot double a reminder: subjects are locked with SKIP LOCKED and the
  unique constraint is the backstop;
* a sweep that missed ticks (worker down) fires only the latest point, not a burst of stale ones;
* a backlog is fired in batches of tasks, one transaction each; given a `dispatch`, the sweep
  hands every batch but one to it (the Celery task sends them to all workers) and fires the rest
  itself, so a hundred thousand due reminders take all the machine's cores, not one.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from agencies.models import User
from casework.access import owner_sees_task
from casework.access.audience import (
    AgencyDirectory,
    consent_reminder_recipients,
    handoff_escalation_recipients,
    handoff_reminder_recipients,
    task_escalation_recipients,
    task_reminder_recipients,
)
from casework.models import (
    HANDOFF_OPEN_STATUSES,
    Case,
    CaseStatus,
    Consent,
    Handoff,
    HandoffStatus,
    Task,
    TaskPriority,
    TaskStatus,
    TimelineEvent,
)
from casework.sections import Section
from casework.services.handoffs import handoff_expire
from casework.services.sharing import grants_end_expired
from casework.timeline import timeline_entry, timeline_record_many
from common.copy import array_literal, row_maker
from common.i18n import Message
from common.times import format_day_lazy, format_when_lazy
from notifications.digests import digests_build
from notifications.models import Notification, NotificationKind, Reminder
from notifications.services import Notice, notify, notify_many

logger = logging.getLogger(__name__)

GRANT_BATCH = 500


@dataclass(frozen=True)
class Point:
    """A moment at which a reminder of `kind` and `step` is due."""

    kind: str
    step: int
    fire_at: datetime


@dataclass
class SweepResult:
    tasks_due: int = 0
    reminders: int = 0
    task_batches_dispatched: int = 0
    handoffs_expired: int = 0
    grants_ended: int = 0
    digests: int = 0


# Hands a batch of task ids, to be fired at `now` with `task_reminders_fire`, to another process;
# False when it could not (the sweep then fires the batch itself).
Dispatch = Callable[[list[uuid.UUID], datetime], bool]


def deadlines_sweep(*, now: datetime | None = None, dispatch: Dispatch | None = None) -> SweepResult:
    """Fire every reminder that has come due by `now`, end expired grants and build the daily
    digests. Safe to run in several processes at once and to run late. With `dispatch`, batches
    of due tasks beyond the first are handed to it and counted in `task_batches_dispatched`,
    not in `reminders`."""
    now = now or timezone.now()
    result = SweepResult()
    batches = due_task_batches(now=now)
    result.tasks_due = sum(len(batch) for batch in batches)
    kept = batches[:1]
    for batch in batches[1:]:
        if dispatch is not None and dispatch(batch, now):
            result.task_batches_dispatched += 1
        else:
            dispatch = None  # refused once (broker down): fire the rest here, without waiting on it
            kept.append(batch)
    result.reminders += sum(task_reminders_fire(task_ids=batch, now=now) for batch in kept)
    result.reminders += _sweep_consents(now=now)
    for handoff_id in _handoffs_needing_action(now=now):
        reminded, expired = _fire_handoff(handoff_id=handoff_id, now=now)
        result.reminders += reminded
        result.handoffs_expired += expired
    while True:
        ended = grants_end_expired(now=now)
        result.grants_ended += ended
        if ended < GRANT_BATCH:
            break
    result.digests = digests_build(now=now)
    return result


def _claim(
    *, point: Point, case: Case, due_at: datetime, **subject: Task | Consent | Handoff
) -> Reminder | None:
    """Insert the reminder row, or None if some sweep already fired it."""
    try:
        with transaction.atomic():
            return Reminder.objects.create(
                kind=point.kind, step=point.step, case=case, due_at=due_at, fire_at=point.fire_at, **subject
            )
    except IntegrityError:
        return None


def _people(count: int) -> str:
    return f"{count} person" if count == 1 else f"{count} people"


def _remaining(*, until: datetime, now: datetime) -> str:
    minutes = max(1, round((until - now).total_seconds() / 60))
    if minutes < 90:
        return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
    hours = round(minutes / 60)
    return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}


# The sweep's texts are read by each recipient in their own language (`Message`): a value in them
# is written when the message is, in the language active then.
_remaining_lazy = lazy(_remaining, str)


# --- tasks ----------------------------------------------------------------------------------


def task_points(*, due_at: datetime, now: datetime) -> list[Point]:
    """The reminder points of a task due at `due_at` that are current at `now`: before the due
    time, the latest offset passed; from the due time on, the due reminder and the latest
    escalation (the first at the due time, then one every BRIDGE_OVERDUE_ESCALATION_HOURS)."""
    if now < due_at:
        passed = [
            hours
            for hours in settings.BRIDGE_REMINDER_OFFSETS_HOURS
            if hours > 0 and due_at - timedelta(hours=hours) <= now
        ]
        if not passed:
            return []
        hours = min(passed)
        return [Point(NotificationKind.TASK_UPCOMING, hours, due_at - timedelta(hours=hours))]
    interval = timedelta(hours=settings.BRIDGE_OVERDUE_ESCALATION_HOURS)
    escalation = int((now - due_at) / interval) + 1
    return [
        Point(NotificationKind.TASK_DUE, 0, due_at),
        Point(NotificationKind.TASK_OVERDUE, escalation, due_at + (escalation - 1) * interval),
    ]


def due_task_batches(*, now: datetime) -> list[list[uuid.UUID]]:
    """The open tasks with a reminder point passed by `now` and not yet fired, in batches of
    BRIDGE_REMINDER_TASK_BATCH for `task_reminders_fire`."""
    horizon = now + timedelta(hours=max(settings.BRIDGE_REMINDER_OFFSETS_HOURS, default=0))
    # Tasks waiting for an owner, or whose owner may no longer see them, remind nobody.
    open_tasks = Task.objects.filter(owner_sees_task(), status=TaskStatus.OPEN, due_at__lte=horizon)
    candidates = list(open_tasks.values_list("pk", "due_at"))
    if not candidates:
        return []
    interval = timedelta(hours=settings.BRIDGE_OVERDUE_ESCALATION_HOURS)
    fired = set(
        Reminder.objects.filter(task__in=open_tasks, due_at=F("task__due_at"))
        .filter(~Q(kind=NotificationKind.TASK_OVERDUE) | Q(fire_at__gt=now - interval))
        .values_list("task_id", "kind", "step")
    )
    due = [
        task_id
        for task_id, due_at in candidates
        if any(
            (task_id, point.kind, point.step) not in fired for point in task_points(due_at=due_at, now=now)
        )
    ]
    size = max(1, settings.BRIDGE_REMINDER_TASK_BATCH)
    return [due[start : start + size] for start in range(0, len(due), size)]


_TASK_NOUNS: dict[str, Promise] = {
    TaskPriority.URGENT: pgettext_lazy("task reminder, starts a sentence", "An urgent task"),
    TaskPriority.HIGH: pgettext_lazy("task reminder, starts a sentence", "A high-priority task"),
}
_TASK_NOUNS_IN_SENTENCE: dict[str, Promise] = {
    TaskPriority.URGENT: pgettext_lazy("task reminder, inside a sentence", "an urgent task"),
    TaskPriority.HIGH: pgettext_lazy("task reminder, inside a sentence", "a high-priority task"),
}


def _task_message(*, task: Task, point: Point, now: datetime) -> Message:
    number, when = task.case.number, format_when_lazy(task.due_at)
    if point.kind == NotificationKind.TASK_UPCOMING:
        return Message(
            gettext_lazy("%(task)s on case %(number)s is due %(when)s, in %(remaining)s."),
            task=_TASK_NOUNS.get(task.priority, pgettext_lazy("task reminder, starts a sentence", "A task")),
            number=number,
            when=when,
            remaining=_remaining_lazy(until=task.due_at, now=now),
        )
    if point.kind == NotificationKind.TASK_DUE:
        return Message(
            gettext_lazy("%(task)s on case %(number)s is due now (%(when)s)."),
            task=_TASK_NOUNS.get(task.priority, pgettext_lazy("task reminder, starts a sentence", "A task")),
            number=number,
            when=when,
        )
    return Message(
        gettext_lazy(
            "Overdue: %(task)s on case %(number)s was due %(when)s and is still open (escalation %(step)s)."
        ),
        task=_TASK_NOUNS_IN_SENTENCE.get(
            task.priority, pgettext_lazy("task reminder, inside a sentence", "a task")
        ),
        number=number,
        when=when,
        step=point.step,
    )


# What firing a task's reminders reads of it, its case and its assignee (recipients, messages,
# links), by attname; the rest of the rows would only be built into objects and thrown away.
_FIRING_TASK_FIELDS = ("id", "due_at", "priority", "owner_agency_id", "section", "case_id", "assignee_id")
_FIRING_CASE_FIELDS = ("id", "number")
_FIRING_ASSIGNEE_FIELDS = ("id", "is_active", "agency_id", "role", "email")


def task_reminders_fire(*, task_ids: list[uuid.UUID], now: datetime) -> int:
    """Fire the reminders of these tasks current at `now` (a batch from `due_task_batches`), in
    one transaction; returns how many fired. Tasks another sweep holds are skipped (that sweep
    fires them) and a reminder any sweep already fired is left alone (unique constraint), so
    nothing goes out twice however many sweeps and workers run. Reminder rows, notifications,
    emails and timeline entries are each written in one statement for the whole batch: a sweep
    meets backlogs of a hundred thousand (docs/performance.md, changes 5 and 9)."""
    with transaction.atomic():
        fired = _claim_task_points(tasks=_lock_open_tasks(task_ids=task_ids), now=now)
        if not fired:
            return 0
        directory = AgencyDirectory(_owner_of(task) for task, _, _ in fired)
        sent = notify_many(notices=[_task_notice(fired=item, directory=directory, now=now) for item in fired])
        timeline_record_many(
            [
                _task_reminder_entry(fired=item, notifications=notifications, now=now)
                for item, notifications in zip(fired, sent, strict=True)
            ]
        )
        return len(fired)


# A task reminder the sweep inserted: the task, the point it fired for and its reminder row.
FiredTask = tuple[Task, Point, Reminder]


def _lock_open_tasks(*, task_ids: list[uuid.UUID]) -> list[Task]:
    """The batch's tasks still open and seen by their owner, locked, with their case and assignee
    (the `_FIRING_*_FIELDS` of each); those another sweep holds are skipped."""
    rows = (
        Task.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(owner_sees_task(), pk__in=task_ids, status=TaskStatus.OPEN)
        .order_by("pk")
        .values_list(
            *_FIRING_TASK_FIELDS,
            *(f"case__{name}" for name in _FIRING_CASE_FIELDS),
            *(f"assignee__{name}" for name in _FIRING_ASSIGNEE_FIELDS),
        )
    )
    # Built as `select_related("case", "assignee").only(...)` would, at half the cost
    # (`RowMaker.loaded`).
    task_of = row_maker(Task).loaded(_FIRING_TASK_FIELDS, using=rows.db)
    case_of = row_maker(Case).loaded(_FIRING_CASE_FIELDS, using=rows.db)
    assignee_of = row_maker(User).loaded(_FIRING_ASSIGNEE_FIELDS, using=rows.db)
    case_field, assignee_field = Task._meta.get_field("case"), Task._meta.get_field("assignee")
    case_starts = len(_FIRING_TASK_FIELDS)
    assignee_starts = case_starts + len(_FIRING_CASE_FIELDS)
    tasks = []
    for row in rows:
        task = task_of(row[:case_starts])
        case_field.set_cached_value(task, case_of(row[case_starts:assignee_starts]))
        assignee = assignee_of(row[assignee_starts:]) if task.assignee_id is not None else None
        assignee_field.set_cached_value(task, assignee)
        tasks.append(task)
    return tasks


def _claim_task_points(*, tasks: list[Task], now: datetime) -> list[FiredTask]:
    """Insert the reminder rows of every point current at `now`; keep those no sweep had fired."""
    wanted = [
        (task, point, _reminder(point=point, task=task))
        for task in tasks
        for point in task_points(due_at=task.due_at, now=now)
    ]
    claimed = _claim_many([reminder for _, _, reminder in wanted])
    return [(task, point, reminder) for task, point, reminder in wanted if reminder.pk in claimed]


def _task_notice(*, fired: FiredTask, directory: AgencyDirectory, now: datetime) -> Notice:
    task, point, reminder = fired
    if point.kind == NotificationKind.TASK_OVERDUE:
        recipients = task_escalation_recipients(task=task, directory=directory)
    else:
        recipients = task_reminder_recipients(task=task, directory=directory)
    return Notice(
        recipients=recipients,
        kind=reminder.kind,
        case=task.case,
        message=_task_message(task=task, point=point, now=now),
        task=task,
        reminder=reminder,
    )


def _task_reminder_entry(
    *, fired: FiredTask, notifications: list[Notification], now: datetime
) -> TimelineEvent:
    task, point, reminder = fired
    if point.kind == NotificationKind.TASK_OVERDUE:
        timeline_kind = "task_escalated"
        summary = f"Overdue task escalated (escalation {point.step}) to {{people}}."
    else:
        timeline_kind = "task_reminded"
        summary = f"Task reminder ({_point_label(point)}) sent to {{people}}."
    return _reminder_entry(
        now=now,
        case=task.case,
        reminder=reminder,
        notifications=notifications,
        agency_id=_owner_of(task),
        section=task.section,
        task=task,
        timeline_kind=timeline_kind,
        summary=summary,
    )


def _owner_of(task: Task) -> int:
    """The owning agency of a task the sweep took, which `owner_sees_task` keeps to owned ones."""
    assert task.owner_agency_id is not None
    return task.owner_agency_id


def _reminder(*, point: Point, task: Task) -> Reminder:
    return row_maker(Reminder)(
        kind=point.kind,
        step=point.step,
        case_id=task.case_id,
        due_at=task.due_at,
        fire_at=point.fire_at,
        task_id=task.pk,
    )


def _claim_many(reminders: list[Reminder]) -> set[uuid.UUID]:
    """Insert the task reminder rows no sweep has fired yet, in one statement, and return the ids
    of those inserted (a row the unique constraint turned away keeps an id that exists nowhere)."""
    if not reminders:
        return set()
    created_at = timezone.now()
    for reminder in reminders:
        reminder.created_at = created_at
    meta = Reminder._meta
    field = {model_field.name: model_field for model_field in meta.concrete_fields}
    columns = ("id", "kind", "step", "case", "task", "due_at", "fire_at")
    types = ("uuid", "text", "integer", "uuid", "uuid", "timestamptz", "timestamptz")
    names = ", ".join(f'"{field[name].column}"' for name in columns)
    arrays = ", ".join(f"%s::{type_}[]" for type_ in types)
    created = f'"{field["created_at"].column}"'
    # Names from the model's own metadata; every value is a parameter.
    statement = f'INSERT INTO "{meta.db_table}" ({names}, {created}) SELECT *, %s FROM unnest({arrays}) '  # noqa: S608
    statement += f'ON CONFLICT DO NOTHING RETURNING "{meta.pk.column}"'
    values = [reminder.__dict__ for reminder in reminders]
    with connection.cursor() as cursor:
        cursor.execute(
            statement,
            [
                created_at,
                *(array_literal(row[field[name].attname] for row in values) for name in columns),
            ],
        )
        return {row[0] for row in cursor.fetchall()}


def _point_label(point: Point) -> str:
    if point.kind == NotificationKind.TASK_UPCOMING:
        return f"{point.step} h before due"
    return "due now"


def _deliver_reminder(
    *,
    reminder: Reminder,
    recipients: list[User],
    message: Message,
    agency_id: int,
    timeline_kind: str,
    summary: str,
    now: datetime,
    task: Task | None = None,
    handoff: Handoff | None = None,
) -> None:
    """Notify and record on the case timeline, visible to the agency the reminder concerns.
    `summary` names no one: `{people}` becomes a count."""
    notifications = notify(
        recipients=recipients,
        kind=reminder.kind,
        case=reminder.case,
        message=message,
        task=task,
        handoff=handoff,
        reminder=reminder,
    )
    entry = _reminder_entry(
        case=reminder.case,
        reminder=reminder,
        notifications=notifications,
        agency_id=agency_id,
        timeline_kind=timeline_kind,
        summary=summary,
        now=now,
        task=task,
        handoff=handoff,
    )
    timeline_record_many([entry])


def _reminder_entry(
    *,
    case: Case,
    reminder: Reminder,
    notifications: list[Notification],
    agency_id: int,
    timeline_kind: str,
    summary: str,
    now: datetime,
    section: str = Section.CORE,
    task: Task | None = None,
    handoff: Handoff | None = None,
) -> TimelineEvent:
    if not notifications:
        logger.warning(
            "Reminder %s (%s) has nobody to go to in agency %s.", reminder.pk, reminder.kind, agency_id
        )
    return timeline_entry(
        case=case,
        kind=timeline_kind,
        summary=summary.format(people=_people(len(notifications))),
        actor=None,
        section=section,
        agencies=[agency_id],
        data={
            "reminder": str(reminder.pk),
            "kind": reminder.kind,
            "step": reminder.step,
            "recipients": [notification.recipient_id for notification in notifications],
            **({"task": str(task.pk)} if task is not None else {}),
            **({"handoff": str(handoff.pk)} if handoff is not None else {}),
            **({"consent": str(reminder.consent_id)} if reminder.consent_id is not None else {}),
        },
        occurred_at=now,
    )


# --- consents -------------------------------------------------------------------------------


def consent_ends_at(expires_on: date) -> datetime:
    """A consent holds through its expiry date; grants resting on it end at the next midnight."""
    return timezone.make_aware(datetime.combine(expires_on + timedelta(days=1), time.min))


def _sweep_consents(*, now: datetime) -> int:
    days = settings.BRIDGE_CONSENT_REMINDER_DAYS
    today = timezone.localdate(now)
    already = Reminder.objects.filter(
        consent=OuterRef("pk"), kind=NotificationKind.CONSENT_EXPIRING, step=days
    )
    # A closed case's consents are not reminded: nothing is shared anew on it until it reopens.
    candidates = Consent.objects.filter(
        revoked_at__isnull=True,
        expires_on__gte=today,
        expires_on__lte=today + timedelta(days=days),
        case__status=CaseStatus.OPEN,
    ).filter(~Exists(already))
    return sum(
        _fire_consent(consent_id=consent_id, now=now)
        for consent_id in candidates.values_list("pk", flat=True)
    )


def _fire_consent(*, consent_id: uuid.UUID, now: datetime) -> int:
    days = settings.BRIDGE_CONSENT_REMINDER_DAYS
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("case")
            .filter(pk=consent_id, revoked_at__isnull=True)
            .first()
        )
        if consent is None:
            return 0
        ends_at = consent_ends_at(consent.expires_on)
        starts = timezone.make_aware(datetime.combine(consent.expires_on - timedelta(days=days), time.min))
        point = Point(NotificationKind.CONSENT_EXPIRING, days, starts)
        if not point.fire_at <= now < ends_at:
            return 0
        reminder = _claim(point=point, case=consent.case, due_at=ends_at, consent=consent)
        if reminder is None:
            return 0
        _deliver_reminder(
            now=now,
            reminder=reminder,
            recipients=consent_reminder_recipients(consent=consent),
            message=Message(
                gettext_lazy(
                    "A consent on case %(number)s expires at the end of %(day)s. Sharing that rests on it "
                    "stops then unless a new consent is recorded."
                ),
                number=consent.case.number,
                day=format_day_lazy(consent.expires_on),
            ),
            agency_id=consent.recorded_by_agency_id,
            timeline_kind="consent_expiry_reminded",
            summary=f"Consent expiry reminder ({days} days before) sent to {{people}}.",
        )
        return 1


# --- handoffs -------------------------------------------------------------------------------


def handoff_expires_at(handoff: Handoff) -> datetime:
    """Escalated at `respond_by`, an unanswered handoff goes back to the sender this much later,
    so the supervisors have time to act on the escalation."""
    return handoff.respond_by + timedelta(hours=settings.BRIDGE_HANDOFF_EXPIRY_GRACE_HOURS)


def _awaits_approval(handoff: Handoff) -> bool:
    return handoff.status == HandoffStatus.AWAITING_APPROVAL


def handoff_points(*, handoff: Handoff, now: datetime) -> list[Point]:
    """Before `respond_by`: the latest reminder passed, at half the response window and
    BRIDGE_HANDOFF_REMINDER_BEFORE_HOURS before the deadline (`step` is minutes before it; points
    at or before the window opened are dropped). From `respond_by` on: the escalation. A handoff
    awaiting approval has its own kinds: the lead agency is asked, not the receiving one, and its
    window opened at creation; an approved handoff's window opened at the approval."""
    approval = _awaits_approval(handoff)
    if now >= handoff.respond_by:
        kind = NotificationKind.HANDOFF_APPROVAL_OVERDUE if approval else NotificationKind.HANDOFF_OVERDUE
        return [Point(kind, 0, handoff.respond_by)]
    opened = handoff.approved_at or handoff.created_at
    half = opened + (handoff.respond_by - opened) / 2
    before = handoff.respond_by - timedelta(hours=settings.BRIDGE_HANDOFF_REMINDER_BEFORE_HOURS)
    passed = [moment for moment in (half, before) if opened < moment <= now]
    if not passed:
        return []
    latest = max(passed)
    minutes_before = round((handoff.respond_by - latest).total_seconds() / 60)
    kind = NotificationKind.HANDOFF_APPROVAL_PENDING if approval else NotificationKind.HANDOFF_PENDING
    return [Point(kind, minutes_before, latest)]


def _handoffs_needing_action(*, now: datetime) -> list[uuid.UUID]:
    """Open handoffs (pending, or awaiting approval) with a reminder point not yet fired, or due to
    expire."""
    open_handoffs = list(
        Handoff.objects.filter(status__in=HANDOFF_OPEN_STATUSES).only(
            "pk", "status", "created_at", "approved_at", "respond_by"
        )
    )
    fired = set(
        Reminder.objects.filter(
            handoff__status__in=HANDOFF_OPEN_STATUSES, due_at=F("handoff__respond_by")
        ).values_list("handoff_id", "kind", "step")
    )
    return [
        handoff.pk
        for handoff in open_handoffs
        if now >= handoff_expires_at(handoff)
        or any(
            (handoff.pk, point.kind, point.step) not in fired
            for point in handoff_points(handoff=handoff, now=now)
        )
    ]


def _fire_handoff(*, handoff_id: uuid.UUID, now: datetime) -> tuple[int, int]:
    """Remind, escalate or expire one open handoff; returns (reminders fired, expired). A pending
    handoff reminds the receiving agency; one awaiting approval reminds the lead agency, and
    nothing of it reaches the receiving agency."""
    with transaction.atomic():
        handoff = (
            Handoff.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("case", "task")
            .filter(pk=handoff_id, status__in=HANDOFF_OPEN_STATUSES)
            .first()
        )
        if handoff is None:
            return 0, 0
        if now >= handoff_expires_at(handoff):
            handoff_expire(handoff=handoff, now=now)
            return 0, 1
        approval = _awaits_approval(handoff)
        fired = 0
        for point in handoff_points(handoff=handoff, now=now):
            reminder = _claim(point=point, case=handoff.case, due_at=handoff.respond_by, handoff=handoff)
            if reminder is None:
                continue
            escalation = point.kind in (
                NotificationKind.HANDOFF_OVERDUE,
                NotificationKind.HANDOFF_APPROVAL_OVERDUE,
            )
            if escalation:
                recipients = handoff_escalation_recipients(handoff=handoff)
            else:
                recipients = handoff_reminder_recipients(handoff=handoff)
            asked = "handoff_approval" if approval else "handoff"
            _deliver_reminder(
                now=now,
                reminder=reminder,
                recipients=recipients,
                message=_handoff_message(handoff=handoff, escalation=escalation, now=now),
                agency_id=handoff.case.lead_agency_id if approval else handoff.to_agency_id,
                task=handoff.task,
                handoff=handoff,
                timeline_kind=f"{asked}_escalated" if escalation else f"{asked}_reminded",
                summary=_handoff_summary(approval=approval, escalation=escalation),
            )
            fired += 1
        return fired, 0


def _handoff_summary(*, approval: bool, escalation: bool) -> str:
    if approval:
        if escalation:
            return "Handoff not approved in time escalated to {people}."
        return "Reminder to approve or decline a handoff sent to {people}."
    return "Unanswered handoff escalated to {people}." if escalation else "Handoff reminder sent to {people}."


def _handoff_message(*, handoff: Handoff, escalation: bool, now: datetime) -> Message:
    values: dict[str, object] = {
        "number": handoff.case.number,
        "deadline": format_when_lazy(handoff.respond_by),
        "expires": format_when_lazy(handoff_expires_at(handoff)),
        "remaining": _remaining_lazy(until=handoff.respond_by, now=now),
    }
    if escalation:
        values["handoff"] = (
            pgettext_lazy("handoff reminder, inside a sentence", "an urgent handoff")
            if handoff.urgent
            else pgettext_lazy("handoff reminder, inside a sentence", "a handoff")
        )
    else:
        values["handoff"] = (
            pgettext_lazy("handoff reminder, starts a sentence", "An urgent handoff")
            if handoff.urgent
            else pgettext_lazy("handoff reminder, starts a sentence", "A handoff")
        )
    if _awaits_approval(handoff):
        if escalation:
            return Message(
                gettext_lazy(
                    "Escalation: %(handoff)s on case %(number)s that brings another agency onto the case "
                    "was not approved or declined by %(deadline)s. It goes back to the sender at %(expires)s "
                    "unless your agency answers."
                ),
                **values,
            )
        return Message(
            gettext_lazy(
                "%(handoff)s on case %(number)s brings another agency onto the case and awaits your agency's "
                "approval by %(deadline)s, "
                "in %(remaining)s."
            ),
            **values,
        )
    if escalation:
        return Message(
            gettext_lazy(
                "Escalation: %(handoff)s to your agency on case %(number)s was not answered by %(deadline)s. "
                "It goes back to the sender at %(expires)s unless answered."
            ),
            **values,
        )
    return Message(
        gettext_lazy(
            "%(handoff)s to your agency on case %(number)s awaits an answer by %(deadline)s, "
            "in %(remaining)s."
        ),
        **values,
    )


# --- the worker's last check -----------------------------------------------------------------

APPROVAL_REMINDER_KINDS = frozenset(
    {NotificationKind.HANDOFF_APPROVAL_PENDING, NotificationKind.HANDOFF_APPROVAL_OVERDUE}
)


def stale_reason(notification: Notification) -> str:
    """Why a reminder's email should no longer be sent, or "" when it still holds. Notifications
    that are not reminders never go stale. The email worker asks this (through
    `notifications.policy`) just before sending, so completing a task, moving its due time or
    reassigning it cancels the email that has not gone out yet."""
    reminder = notification.reminder
    if reminder is None:
        return ""
    if reminder.task_id is not None:
        task = (
            Task.objects.select_related("assignee")
            .annotate(owner_sees=owner_sees_task())
            .get(pk=reminder.task_id)
        )
        if task.status != TaskStatus.OPEN:
            return "The task was completed."
        if not task.owner_sees:
            return "The task's agency may no longer see it."
        if task.due_at != reminder.due_at:
            return "The task's due time moved."
        if reminder.kind == NotificationKind.TASK_OVERDUE:
            current = task_escalation_recipients(task=task)
        else:
            current = task_reminder_recipients(task=task)
        if notification.recipient_id not in {person.pk for person in current}:
            return "The task was reassigned."
        return ""
    if reminder.consent_id is not None:
        consent = Consent.objects.get(pk=reminder.consent_id)
        if consent.revoked_at is not None:
            return "The consent was revoked."
        return ""
    if reminder.handoff_id is not None:
        handoff = Handoff.objects.get(pk=reminder.handoff_id)
        if reminder.kind in APPROVAL_REMINDER_KINDS:
            if handoff.status == HandoffStatus.AWAITING_APPROVAL:
                return ""
            if handoff.status == HandoffStatus.PENDING:
                return "The handoff was approved."
        elif handoff.status == HandoffStatus.PENDING:
            return ""
        return f"The handoff was {handoff.status}."
    return ""
