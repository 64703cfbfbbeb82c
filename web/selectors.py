"""Reads shaped for the browser pages. Every one starts from `casework.access` (or the reader's own
notifications), and says what the reader may do with each row by asking the access layer, so
templates only show what these answers allow."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Model, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.text import capfirst

from agencies.models import Agency, User
from agencies.selectors import agency_members
from casework.access import (
    CASE_ROLES,
    WORK_ON_CASE,
    CaseAccess,
    case_with_readable_sections,
    cases_visible_to,
    cases_worked_on_by,
    get_task_for_user,
    may_answer_handoff,
    may_approve_handoff,
    may_claim_task,
    may_reassign_task,
    may_withdraw_handoff,
    may_work_on_task,
    tasks_visible_to,
)
from casework.models import (
    HANDOFF_OPEN_STATUSES,
    SECTION_MODELS,
    Case,
    CaseStatus,
    CaseUserObjectPermission,
    Handoff,
    HandoffStatus,
    Task,
    TaskStatus,
    section_fields,
)
from casework.sections import CORE_FIELDS, Section
from casework.selectors import handoffs_for
from common.errors import NotFound
from common.times import format_day, format_when
from notifications.models import Notification
from notifications.selectors import notifications_for

MY_TASKS_LIMIT = 200
UNASSIGNED_LIMIT = 50
MY_CASES_LIMIT = 50
DESK_NOTIFICATIONS = 10
PAST_HANDOFFS_LIMIT = 50
SEARCH_LIMIT = 50


# --- tasks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskItem:
    """A task with what the reader may do with it."""

    task: Task
    may_work: bool
    may_claim: bool
    may_reassign: bool
    pending_handoff_to: str | None
    # The open handoff still waits for the lead agency's approval before its receiver hears of it.
    handoff_awaits_approval: bool = False

    @property
    def may_hand_off(self) -> bool:
        return self.may_work and self.pending_handoff_to is None


def task_rows(queryset: QuerySet[Task]) -> QuerySet[Task]:
    """Tasks with what their rows show: case, assignee, deadline template and the agency an open
    handoff offers each one to (and whether it awaits the lead agency's approval), in one query."""
    open_handoff = Handoff.objects.filter(task_id=OuterRef("pk"), status__in=HANDOFF_OPEN_STATUSES)
    return queryset.select_related("case", "assignee", "template", "owner_agency").annotate(
        pending_handoff_to=Subquery(open_handoff.values("to_agency__name")[:1]),
        open_handoff_status=Subquery(open_handoff.values("status")[:1]),
    )


def task_item(*, user: User, task: Task) -> TaskItem:
    return TaskItem(
        task=task,
        may_work=may_work_on_task(user=user, task=task),
        may_claim=may_claim_task(user=user, task=task),
        may_reassign=may_reassign_task(user=user, task=task),
        pending_handoff_to=getattr(task, "pending_handoff_to", None),
        handoff_awaits_approval=getattr(task, "open_handoff_status", None) == HandoffStatus.AWAITING_APPROVAL,
    )


def task_for_page(*, user: User, task_id: object) -> TaskItem:
    """One task the reader may see, with its row details, or `NotFound`."""
    task = get_task_for_user(user=user, task_id=task_id)
    annotated = task_rows(Task.objects.filter(pk=task.pk)).get()
    return task_item(user=user, task=annotated)


@dataclass(frozen=True)
class TaskGroup:
    key: str
    title: str
    description: str
    items: list[TaskItem]


def group_by_deadline(*, items: list[TaskItem], now: datetime) -> list[TaskGroup]:
    """Overdue, due later today, due in the next seven days, later; in the local time zone."""
    today = timezone.localtime(now).date()
    week_end = today + timedelta(days=7)
    groups: dict[str, list[TaskItem]] = {"overdue": [], "today": [], "week": [], "later": []}
    for item in items:
        due = item.task.due_at
        day = timezone.localtime(due).date()
        if due < now:
            groups["overdue"].append(item)
        elif day == today:
            groups["today"].append(item)
        elif day <= week_end:
            groups["week"].append(item)
        else:
            groups["later"].append(item)
    return [
        TaskGroup("overdue", "Overdue", "Past their due time.", groups["overdue"]),
        TaskGroup("today", "Today", "Due before midnight.", groups["today"]),
        TaskGroup("week", "This week", "Due in the next seven days.", groups["week"]),
        TaskGroup("later", "Later", "Due after that.", groups["later"]),
    ]


@dataclass(frozen=True)
class Desk:
    """The caseworker's home."""

    groups: list[TaskGroup]
    open_task_count: int
    unassigned: list[TaskItem]
    cases: list[Case]
    notifications: list[Notification]
    unread_count: int
    more_tasks: bool = field(default=False)


def my_desk(*, user: User, now: datetime) -> Desk:
    own = tasks_visible_to(user=user).filter(owner_agency_id=user.agency_id, status=TaskStatus.OPEN)
    mine = list(task_rows(own.filter(assignee_id=user.pk)).order_by("due_at", "pk")[: MY_TASKS_LIMIT + 1])
    unassigned = list(
        task_rows(own.filter(assignee__isnull=True)).order_by("due_at", "pk")[:UNASSIGNED_LIMIT]
    )
    cases = list(
        cases_worked_on_by(user=user)
        .filter(status=CaseStatus.OPEN)
        .select_related("lead_agency")
        .order_by("-updated_at", "pk")[:MY_CASES_LIMIT]
    )
    unread = notifications_for(user=user, unread=True)
    items = [task_item(user=user, task=task) for task in mine[:MY_TASKS_LIMIT]]
    return Desk(
        groups=group_by_deadline(items=items, now=now),
        open_task_count=len(items),
        more_tasks=len(mine) > MY_TASKS_LIMIT,
        unassigned=[task_item(user=user, task=task) for task in unassigned],
        cases=cases,
        notifications=list(unread[:DESK_NOTIFICATIONS]),
        unread_count=unread.count(),
    )


def case_tasks(*, access: CaseAccess) -> list[TaskItem]:
    """The reader's agency's tasks on this case, open first, soonest due first."""
    user = access.user
    tasks = task_rows(
        tasks_visible_to(user=user).filter(case=access.case, owner_agency_id=user.agency_id)
    ).order_by("status", "due_at", "pk")
    return [task_item(user=user, task=task) for task in tasks]


def colleagues(*, user: User) -> list[User]:
    """Members of the reader's agency who can be given case work."""
    assert user.agency is not None
    return list(agency_members(agency=user.agency).filter(role__in=CASE_ROLES))


def other_agencies(*, user: User) -> list[Agency]:
    """Every agency but the reader's: the directory is not case content."""
    return list(Agency.objects.exclude(pk=user.agency_id or 0).order_by("name"))


# --- handoffs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoffItem:
    handoff: Handoff
    # `incoming` (to the reader's agency), `outgoing` (from it) or `approval` (between two other
    # agencies, seen by the lead agency, which approves bringing the receiver onto the case).
    direction: str
    may_answer: bool
    may_withdraw: bool
    may_approve: bool = False

    @property
    def shows_task_title(self) -> bool:
        """A task's title is the business of the agencies handing it over; the lead agency approves
        the receiving agency, not the work."""
        return self.direction != "approval"


def handoff_item(*, user: User, handoff: Handoff) -> HandoffItem:
    pending = handoff.status == HandoffStatus.PENDING
    if handoff.to_agency_id == user.agency_id:
        direction = "incoming"
    elif handoff.from_agency_id == user.agency_id:
        direction = "outgoing"
    else:
        direction = "approval"
    return HandoffItem(
        handoff=handoff,
        direction=direction,
        may_answer=pending and may_answer_handoff(user=user, handoff=handoff),
        may_withdraw=handoff.status in HANDOFF_OPEN_STATUSES
        and may_withdraw_handoff(user=user, handoff=handoff),
        may_approve=handoff.status == HandoffStatus.AWAITING_APPROVAL
        and may_approve_handoff(user=user, handoff=handoff),
    )


@dataclass(frozen=True)
class HandoffDesk:
    """The liaison's home."""

    incoming: list[HandoffItem]
    outgoing: list[HandoffItem]
    past: list[HandoffItem]
    to_approve: list[HandoffItem] = field(default_factory=list)


def handoff_desk(*, user: User) -> HandoffDesk:
    incoming = handoffs_for(user=user, status=HandoffStatus.PENDING).filter(to_agency_id=user.agency_id)
    to_approve = list(
        handoffs_for(user=user, direction="incoming", status=HandoffStatus.AWAITING_APPROVAL).order_by(
            "-urgent", "respond_by", "pk"
        )
    )
    # A handoff the reader's own agency proposed and must approve is listed once, to approve.
    outgoing = (
        handoffs_for(user=user, direction="outgoing")
        .filter(status__in=HANDOFF_OPEN_STATUSES)
        .exclude(pk__in=[handoff.pk for handoff in to_approve])
    )
    past = handoffs_for(user=user).exclude(status__in=HANDOFF_OPEN_STATUSES).order_by("-responded_at", "pk")
    return HandoffDesk(
        incoming=[
            handoff_item(user=user, handoff=h) for h in incoming.order_by("-urgent", "respond_by", "pk")
        ],
        outgoing=[handoff_item(user=user, handoff=h) for h in outgoing.order_by("respond_by", "pk")],
        past=[handoff_item(user=user, handoff=h) for h in past[:PAST_HANDOFFS_LIMIT]],
        to_approve=[handoff_item(user=user, handoff=h) for h in to_approve],
    )


def case_handoffs(*, access: CaseAccess) -> list[HandoffItem]:
    user = access.user
    handoffs = handoffs_for(user=user).filter(case=access.case).order_by("-created_at", "pk")
    return [handoff_item(user=user, handoff=h) for h in handoffs]


# --- cases ------------------------------------------------------------------------------------


def search_cases(*, user: User, query: str) -> QuerySet[Case]:
    """Cases the reader may see whose number or pseudonym contains `query`, newest first."""
    cases = cases_visible_to(user=user).select_related("lead_agency").order_by("-created_at", "pk")
    query = query.strip()
    if query:
        cases = cases.filter(Q(number__icontains=query) | Q(pseudonym__icontains=query))
    return cases


@dataclass(frozen=True)
class FieldValue:
    name: str
    label: str
    value: str


def _display(value: Any, *, choices: list[tuple[Any, str]] | None) -> str:
    if choices:
        value = dict(choices).get(value, value)
    if value is None or value in ("", []):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, datetime):
        return format_when(value)
    if isinstance(value, date):
        return format_day(value)
    return str(value)


def _section_model(section: str) -> tuple[type[Model], tuple[str, ...]]:
    if section == Section.CORE:
        return Case, CORE_FIELDS
    return SECTION_MODELS[section], section_fields(section)


def display_values(*, section: str, raw: Mapping[str, Any]) -> list[FieldValue]:
    """Stored values of a section as people read them: labels for codes, lists joined, dates."""
    model, names = _section_model(section)
    shown = []
    for name in names:
        model_field = model._meta.get_field(name)
        label = capfirst(str(getattr(model_field, "verbose_name", name)))
        choices = list(getattr(model_field, "choices", None) or []) or None
        shown.append(FieldValue(name, label, _display(raw.get(name), choices=choices)))
    return shown


def section_values(*, access: CaseAccess, section: str) -> tuple[list[FieldValue], dict[str, Any]]:
    """The fields of one section the reader may read, for display, and their raw values (an edit
    form's initial data). `NotFound` if the reader may not read it, exactly as for a section that
    does not exist. Only sections the reader may read are loaded."""
    if section not in Section.values or not access.may_read(section):
        raise NotFound()
    _, names = _section_model(section)
    source: Any = access.case
    if section != Section.CORE:
        source = getattr(case_with_readable_sections(access=access), section)
    raw = {name: getattr(source, name) for name in names}
    return display_values(section=section, raw=raw), raw


def case_team(*, access: CaseAccess) -> list[User]:
    """The reader's colleagues on this case's team (each agency builds its own team)."""
    on_team = CaseUserObjectPermission.objects.filter(
        content_object=access.case,
        permission__codename=WORK_ON_CASE,
        permission__content_type__app_label="casework",
    ).values("user_id")
    return list(
        User.objects.filter(pk__in=on_team, agency_id=access.user.agency_id, is_active=True).order_by(
            "last_name", "first_name", "username"
        )
    )
