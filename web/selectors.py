"""Reads shaped for the browser pages. Every one starts from `casework.access` (or the reader's own
notifications), and says what the reader may do with each row by asking the access layer, so
templates only show what these answers allow."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, F, FilteredRelation, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from agencies.models import Agency, User
from agencies.selectors import agency_members
from casework.access import (
    CASE_ROLES,
    LIAISON_ROLES,
    CaseAccess,
    case_visibility_filter,
    cases_visible_to,
    cases_worked_on_by,
    get_task_for_user,
    may_answer_handoff,
    may_approve_handoff,
    may_claim_task,
    may_reassign_task,
    may_reopen_task,
    may_withdraw_handoff,
    may_work_on_task,
    readable_changed_at,
    sees_every_agency_case,
    task_shows_detail,
    tasks_visible_to,
    worked_on_filter,
    works_on_cases,
)
from casework.dashboard import count_of
from casework.models import (
    HANDOFF_OPEN_STATUSES,
    Case,
    CaseStatus,
    Handoff,
    HandoffKind,
    HandoffStatus,
    Task,
    TaskStatus,
)
from casework.selectors import FieldValue, case_search_filter, display_text, handoff_list, with_found_by_name
from exploitation.models import ExploitationProfile
from exploitation.selectors import exploitation_profile_for
from exploitation.services import PROFILE_FIELDS
from links.models import CaseLink
from links.selectors import case_links_visible
from notifications.models import Notification
from notifications.selectors import notifications_for
from screening.selectors import in_care_never_screened_filter

MY_TASKS_LIMIT = 200
OVERDUE_LIMIT = 200
UNASSIGNED_LIMIT = 50
MY_CASES_LIMIT = 50
DESK_NOTIFICATIONS = 10
PAST_HANDOFFS_LIMIT = 50
CASE_LIST_LIMIT = 50


# --- tasks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskItem:
    """A task with what the reader may do with it."""

    task: Task
    may_work: bool
    may_claim: bool
    may_reassign: bool
    pending_handoff_to: str | None
    # False: the reader may not read the task's section and is shown its title and due time (and
    # what it needs to do the work), never its description or the deadline it comes from.
    shows_detail: bool
    # The open handoff still waits for the lead agency's approval before its receiver hears of it.
    handoff_awaits_approval: bool = False
    may_reopen: bool = False
    # For an agency that handed the task off: the accepted handoff, which the page names read only.
    handed_off: Handoff | None = None

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


def task_item(*, user: User, task: Task, handed_off: Handoff | None = None) -> TaskItem:
    return TaskItem(
        task=task,
        may_work=may_work_on_task(user=user, task=task),
        may_claim=may_claim_task(user=user, task=task),
        may_reassign=may_reassign_task(user=user, task=task),
        # Where the holder offers the task on is the holder's business, not the earlier sender's.
        pending_handoff_to=getattr(task, "pending_handoff_to", None) if handed_off is None else None,
        shows_detail=task_shows_detail(task),
        handoff_awaits_approval=getattr(task, "open_handoff_status", None) == HandoffStatus.AWAITING_APPROVAL,
        may_reopen=may_reopen_task(user=user, task=task),
        handed_off=handed_off,
    )


def task_for_page(*, user: User, task_id: object) -> TaskItem:
    """One task the reader may see, with its row details, or `NotFound`. For a task the reader's
    agency handed off, also the accepted handoff (one more query, only on such a page)."""
    task = get_task_for_user(user=user, task_id=task_id)
    annotated = task_rows(tasks_visible_to(user=user).filter(pk=task.pk)).select_related("completed_by").get()
    handed_off = None
    if annotated.owner_agency_id != user.agency_id:
        handed_off = (
            Handoff.objects.filter(
                task=annotated,
                from_agency_id=user.agency_id,
                status=HandoffStatus.ACCEPTED,
                kind=HandoffKind.TASK,
            )
            .select_related("to_agency")
            .order_by("-responded_at")
            .first()
        )
    return task_item(user=user, task=annotated, handed_off=handed_off)


@dataclass(frozen=True)
class TaskGroup:
    key: str
    title: str
    description: str
    items: list[TaskItem]
    # How many the group holds when only the first `len(items)` are listed.
    total: int | None = None
    # What the page says when the group is empty, a whole sentence (word order differs by language).
    empty_text: str = ""

    @property
    def count(self) -> int:
        return len(self.items) if self.total is None else self.total

    @property
    def more(self) -> bool:
        return self.count > len(self.items)


def group_by_deadline(*, items: list[TaskItem], now: datetime) -> list[TaskGroup]:
    """Due later today, due in the next seven days, later; in the local time zone. Overdue work
    is gathered apart (`my_desk`): more of it is the reader's to act on than their own tasks."""
    today = timezone.localtime(now).date()
    week_end = today + timedelta(days=7)
    groups: dict[str, list[TaskItem]] = {"today": [], "week": [], "later": []}
    for item in items:
        day = timezone.localtime(item.task.due_at).date()
        if day == today:
            groups["today"].append(item)
        elif day <= week_end:
            groups["week"].append(item)
        else:
            groups["later"].append(item)
    return [
        TaskGroup(
            "today",
            _("Today"),
            _("Due before midnight."),
            groups["today"],
            empty_text=_("Nothing of yours due before midnight."),
        ),
        TaskGroup(
            "week",
            _("This week"),
            _("Due in the next seven days."),
            groups["week"],
            empty_text=_("Nothing of yours due in the next seven days."),
        ),
        TaskGroup(
            "later",
            _("Later"),
            _("Due after that."),
            groups["later"],
            empty_text=_("Nothing of yours due after that."),
        ),
    ]


@dataclass(frozen=True)
class Desk:
    """The caseworker's home."""

    overdue: TaskGroup
    groups: list[TaskGroup]
    open_task_count: int
    unassigned: list[TaskItem]
    cases: list[Case]
    notifications: list[Notification]
    unread_count: int
    more_tasks: bool = field(default=False)


def _overdue_scope(*, user: User, own: QuerySet[Task], now: datetime) -> QuerySet[Task]:
    """Overdue tasks the reader may act on and is expected to see first: their own and the
    unassigned ones on the cases they work on (`own` is already limited to those) and, for a
    liaison or supervisor, who answer for the agency's work, every overdue task of the agency."""
    overdue = own.filter(due_at__lt=now)
    if user.role in LIAISON_ROLES:
        return overdue
    return overdue.filter(Q(assignee_id=user.pk) | Q(assignee__isnull=True))


def my_desk(*, user: User, now: datetime) -> Desk:
    """Everything overdue the reader may act on first, then their own tasks due today, this week
    and later, then the agency's unassigned tasks on their cases that are not yet due."""
    own = tasks_visible_to(user=user).filter(owner_agency_id=user.agency_id, status=TaskStatus.OPEN)
    overdue_scope = _overdue_scope(user=user, own=own, now=now)
    overdue_description = (
        _("Every overdue task of your agency, longest overdue first.")
        if user.role in LIAISON_ROLES
        else _("Yours and your agency's unassigned ones on your cases, longest overdue first.")
    )
    overdue = list(task_rows(overdue_scope).order_by("due_at", "pk")[: OVERDUE_LIMIT + 1])
    upcoming = own.filter(due_at__gte=now)
    mine = list(
        task_rows(upcoming.filter(assignee_id=user.pk)).order_by("due_at", "pk")[: MY_TASKS_LIMIT + 1]
    )
    unassigned = list(
        task_rows(upcoming.filter(assignee__isnull=True)).order_by("due_at", "pk")[:UNASSIGNED_LIMIT]
    )
    cases = list(
        cases_worked_on_by(user=user)
        .filter(status=CaseStatus.OPEN)
        .select_related("lead_agency")
        .order_by("-updated_at", "pk")[:MY_CASES_LIMIT]
    )
    unread = notifications_for(user=user, unread=True)
    overdue_items = [task_item(user=user, task=task) for task in overdue[:OVERDUE_LIMIT]]
    items = [task_item(user=user, task=task) for task in mine[:MY_TASKS_LIMIT]]
    return Desk(
        overdue=TaskGroup(
            "overdue",
            _("Overdue"),
            overdue_description,
            overdue_items,
            total=overdue_scope.count() if len(overdue) > OVERDUE_LIMIT else None,
        ),
        groups=group_by_deadline(items=items, now=now),
        open_task_count=own.filter(assignee_id=user.pk).count(),
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


def agency_directory() -> list[Agency]:
    """Every agency, by name: the directory is not case content."""
    return list(Agency.objects.order_by("name"))


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
    # Whether the reader may open the case's page and the task's page now, as the access layer
    # answers: a receiving agency not yet on the case sees neither the case nor, once it declined,
    # the task. The task's description is shown only with its page.
    case_visible: bool = False
    task_readable: bool = False
    # A match review the reader's agency was asked, whose review page they open (answerers only).
    may_review: bool = False

    @property
    def shows_task_title(self) -> bool:
        """A task's title, due time and priority are the business of the agencies handing it over;
        the lead agency approves the receiving agency, not the work."""
        return self.direction != "approval"

    @property
    def answered(self) -> bool:
        return self.handoff.status not in HANDOFF_OPEN_STATUSES

    @property
    def leads_to_the_work(self) -> bool:
        """Accepted by the reader's agency: the task (or case) is its own now, one link away."""
        return self.direction == "incoming" and self.handoff.status == HandoffStatus.ACCEPTED


def handoff_items(*, user: User, handoffs: list[Handoff]) -> list[HandoffItem]:
    """Each handoff with what the reader may do with it and open from it: two queries, whatever
    the number of handoffs (none for none: Django answers `pk__in=[]` without asking)."""
    case_ids = {handoff.case_id for handoff in handoffs}
    task_ids = {handoff.task_id for handoff in handoffs if handoff.task_id is not None}
    visible_cases = set(cases_visible_to(user=user).filter(pk__in=case_ids).values_list("pk", flat=True))
    readable_tasks = set(tasks_visible_to(user=user).filter(pk__in=task_ids).values_list("pk", flat=True))
    return [
        _handoff_item(
            user=user,
            handoff=handoff,
            case_visible=handoff.case_id in visible_cases,
            task_readable=handoff.task_id in readable_tasks,
        )
        for handoff in handoffs
    ]


def _handoff_item(*, user: User, handoff: Handoff, case_visible: bool, task_readable: bool) -> HandoffItem:
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
        case_visible=case_visible,
        task_readable=task_readable,
        may_review=handoff.kind == HandoffKind.MATCH_REVIEW
        and may_answer_handoff(user=user, handoff=handoff),
    )


def handoff_item(*, user: User, handoff: Handoff) -> HandoffItem:
    return handoff_items(user=user, handoffs=[handoff])[0]


@dataclass(frozen=True)
class HandoffDesk:
    """The liaison's home."""

    incoming: list[HandoffItem]
    outgoing: list[HandoffItem]
    past: list[HandoffItem]
    to_approve: list[HandoffItem] = field(default_factory=list)


def handoff_desk(*, user: User) -> HandoffDesk:
    incoming = list(
        handoff_list(user=user, status=HandoffStatus.PENDING)
        .filter(to_agency_id=user.agency_id)
        .order_by("-urgent", "respond_by", "pk")
    )
    to_approve = list(
        handoff_list(user=user, direction="incoming", status=HandoffStatus.AWAITING_APPROVAL).order_by(
            "-urgent", "respond_by", "pk"
        )
    )
    # A handoff the reader's own agency proposed and must approve is listed once, to approve.
    outgoing = list(
        handoff_list(user=user, direction="outgoing")
        .filter(status__in=HANDOFF_OPEN_STATUSES)
        .exclude(pk__in=[handoff.pk for handoff in to_approve])
        .order_by("respond_by", "pk")
    )
    past = list(
        handoff_list(user=user)
        .exclude(status__in=HANDOFF_OPEN_STATUSES)
        .order_by("-responded_at", "pk")[:PAST_HANDOFFS_LIMIT]
    )
    everything = handoff_items(user=user, handoffs=[*incoming, *outgoing, *past, *to_approve])
    by_id = {item.handoff.pk: item for item in everything}
    return HandoffDesk(
        incoming=[by_id[handoff.pk] for handoff in incoming],
        outgoing=[by_id[handoff.pk] for handoff in outgoing],
        past=[by_id[handoff.pk] for handoff in past],
        to_approve=[by_id[handoff.pk] for handoff in to_approve],
    )


def case_handoffs(*, access: CaseAccess) -> list[HandoffItem]:
    user = access.user
    handoffs = handoff_list(user=user).filter(case=access.case).order_by("-created_at", "pk")
    return handoff_items(user=user, handoffs=list(handoffs))


# --- cases ------------------------------------------------------------------------------------


# How the case list may be sorted: the order of each choice, after which the newest case comes first.
CASE_ORDERINGS: dict[str, tuple[Any, ...]] = {
    "newest": (),
    "deadline": (F("next_due_at").asc(nulls_last=True),),
    "-deadline": (F("next_due_at").desc(nulls_last=True),),
    "-overdue": ("-overdue_count", F("next_due_at").asc(nulls_last=True)),
    "overdue": ("overdue_count", F("next_due_at").asc(nulls_last=True)),
    "-activity": ("-last_activity_at",),
    "activity": ("last_activity_at",),
}
UNASSIGNED = "none"


@dataclass(frozen=True)
class CaseListQuery:
    """What the reader asked the case list for. `assignee` is a colleague's public id or
    `UNASSIGNED`; `search` what they typed (never in the URL: see `web.views.cases`)."""

    search: str = ""
    status: str = ""
    trafficking_status: str = ""
    in_care_never_screened: bool = False
    lead_agency_id: int | None = None
    overdue_only: bool = False
    mine_only: bool = False
    assignee: str = ""
    sort: str = "newest"


TASK_SORTS = frozenset({"deadline", "-deadline", "overdue", "-overdue"})
# The task orders a walk over the agency's open tasks answers; the latest next deadline first would
# walk most of them (a case's first task is seldom among the latest).
WALKED_SORTS = frozenset({"deadline", "overdue", "-overdue"})


def _walkable(*, user: User, query: CaseListQuery) -> bool:
    """Whether the list is a liaison's or supervisor's whole list (open cases, overdue ones at
    most) in a walked order: no other filter, each of which leaves few of an agency's cases."""
    return (
        query.sort in WALKED_SORTS
        and sees_every_agency_case(user=user)
        and query.status in ("", CaseStatus.OPEN)
        and not (
            query.search
            or query.trafficking_status
            or query.in_care_never_screened
            or query.lead_agency_id is not None
            or query.mine_only
            or query.assignee
        )
    )


def _walked_page(
    *, user: User, query: CaseListQuery, cases: QuerySet[Case], now: datetime, limit: int
) -> list[Any]:
    """The first `limit` of `cases` in a walked task order (`_walkable`), without a figure for
    every case: the order is cut into runs that PostgreSQL reads in order from the open tasks'
    indexes, probing each task's case, and a run is read only if the runs before it leave the page
    short. Same cases in the same order as `CASE_ORDERINGS`."""
    agency_open_tasks = Task.objects.filter(owner_agency_id=user.agency_id, status=TaskStatus.OPEN)
    open_tasks = agency_open_tasks.filter(case_visibility_filter(user=user, case_ref="case_id"))
    if query.status:
        open_tasks = open_tasks.filter(case__status=query.status)
    # The first open task of each case (soonest due, then lowest id): one row per case, due when
    # the case's next deadline is.
    earlier = agency_open_tasks.filter(
        Q(due_at__lt=OuterRef("due_at")) | Q(due_at=OuterRef("due_at"), pk__lt=OuterRef("pk")),
        case_id=OuterRef("case_id"),
    )
    firsts = open_tasks.filter(~Exists(earlier))
    then = ("-case__created_at", "case_id")
    # Only cases with an overdue task are counted: the agency's overdue tasks, grouped by case.
    # Each case's time is read for its group, not joined: a join made PostgreSQL hash every case.
    overdue = (
        open_tasks.filter(due_at__lt=now)
        .values("case_id")
        .annotate(
            # `*`, not the id, which the open tasks' covering index does not hold.
            overdue_count=Count("*"),
            next_due_at=Min("due_at"),
            case_created_at=Subquery(
                Case.objects.filter(pk=OuterRef("case_id")).order_by().values("created_at")
            ),
        )
    )
    most_overdue, least_overdue = (
        overdue.order_by(count, "next_due_at", "-case_created_at", "case_id")
        for count in ("-overdue_count", "overdue_count")
    )
    if query.overdue_only:
        runs: dict[str, tuple[QuerySet[Any], ...]] = {
            "deadline": (firsts.filter(due_at__lt=now).order_by("due_at", *then),),
            "-overdue": (most_overdue,),
            "overdue": (least_overdue,),
        }
    else:
        none_overdue = firsts.filter(due_at__gte=now).order_by("due_at", *then)
        without_open_tasks = cases.filter(~Exists(agency_open_tasks.filter(case_id=OuterRef("pk")))).order_by(
            "-created_at", "pk"
        )
        runs = {
            "deadline": (firsts.order_by("due_at", *then), without_open_tasks),
            "-overdue": (most_overdue, none_overdue, without_open_tasks),
            "overdue": (none_overdue, without_open_tasks, least_overdue),
        }
    page: list[Any] = []
    for run in runs[query.sort]:
        if len(page) == limit:
            break
        key = "pk" if run.model is Case else "case_id"
        page += run.values_list(key, flat=True)[: limit - len(page)]
    return page


def case_list(*, user: User, query: CaseListQuery, now: datetime, limit: int) -> QuerySet[Case]:
    """The first `limit` cases the reader may see that match `query`, in its order, each with what
    a row shows: `next_due_at` and `overdue_count` of the open tasks of the reader's agency on it
    (the tasks on a case the agency sees as its own; other agencies' work is theirs),
    `last_activity_at` (when what the reader may read of it last changed) and `found_by_name`.
    Filters narrow the cases the access layer lets the reader see; none widens them.

    The page's cases are chosen first, computing only what orders them, and the row figures are
    then computed for those few. Ordered by next deadline or overdue count, a liaison's or
    supervisor's whole list walks the agency's open tasks in order (`_walked_page`): grouping them
    all took 0.06 to 0.3 s for an agency in twenty thousand cases, and grows with the agency. A
    caseworker's list, or one a filter narrows, joins its cases' open tasks and groups them by case."""
    if not works_on_cases(user):
        return Case.objects.none()
    own_open_tasks = Task.objects.filter(
        case_id=OuterRef("pk"), owner_agency_id=user.agency_id, status=TaskStatus.OPEN
    )
    # Sorted by a figure, the list needs each of the reader's cases, not the newest page of them.
    cases = cases_visible_to(user=user, whole=query.sort != "newest")
    if (matches := case_search_filter(user=user, term=query.search)) is not None:
        cases = cases.filter(matches)
    if query.status:
        cases = cases.filter(status=query.status)
    if query.trafficking_status:
        cases = cases.filter(trafficking_status=query.trafficking_status)
    if query.in_care_never_screened:
        cases = cases.filter(in_care_never_screened_filter(user=user))
    if query.lead_agency_id is not None:
        cases = cases.filter(lead_agency_id=query.lead_agency_id)
    if query.overdue_only:
        cases = cases.filter(Exists(own_open_tasks.filter(due_at__lt=now)))
    if query.mine_only:
        cases = cases.filter(worked_on_filter(user=user))
    if query.assignee == UNASSIGNED:
        cases = cases.filter(Exists(own_open_tasks.filter(assignee__isnull=True)))
    elif query.assignee:
        cases = cases.filter(Exists(own_open_tasks.filter(assignee__public_id=query.assignee)))
    ordering = (*CASE_ORDERINGS[query.sort], "-created_at", "pk")
    page: Any
    if _walkable(user=user, query=query):
        page = _walked_page(user=user, query=query, cases=cases, now=now, limit=limit)
    else:
        if query.sort in TASK_SORTS:
            own_open = FilteredRelation(
                "tasks", condition=Q(tasks__owner_agency_id=user.agency_id, tasks__status=TaskStatus.OPEN)
            )
            cases = cases.annotate(own_open_tasks=own_open).annotate(
                next_due_at=Min("own_open_tasks__due_at"),
                overdue_count=Count("own_open_tasks", filter=Q(own_open_tasks__due_at__lt=now)),
            )
        elif query.sort in ("activity", "-activity"):
            cases = cases.annotate(last_activity_at=readable_changed_at(user=user))
        page = cases.order_by(*ordering).values("pk")[:limit]
    shown = with_found_by_name(Case.objects.filter(pk__in=page), term=query.search).annotate(
        next_due_at=Subquery(own_open_tasks.order_by("due_at").values("due_at")[:1]),
        overdue_count=count_of(own_open_tasks.filter(due_at__lt=now)),
        last_activity_at=readable_changed_at(user=user),
    )
    return shown.select_related("lead_agency").order_by(*ordering)


def exploitation_profile_values(*, access: CaseAccess) -> tuple[list[FieldValue], ExploitationProfile | None]:
    """The exploitation profile as people read it, and the profile (None before anyone recorded
    it). `NotFound` to anyone who does not read `investigation`."""
    profile = exploitation_profile_for(access=access)
    shown = []
    for name in PROFILE_FIELDS:
        model_field = ExploitationProfile._meta.get_field(name)
        label = capfirst(str(getattr(model_field, "verbose_name", name)))
        value = getattr(profile, name) if profile is not None else None
        base = getattr(model_field, "base_field", None)
        if base is not None:
            labels = dict(base.choices or [])
            text = ", ".join(str(labels.get(item, item)) for item in value or [])
        else:
            text = display_text(value, choices=list(getattr(model_field, "choices", None) or []) or None)
        shown.append(FieldValue(name, label, text))
    return shown, profile


@dataclass(frozen=True)
class LinkedCase:
    link: CaseLink
    case: Case


def linked_cases(*, access: CaseAccess) -> list[LinkedCase]:
    """The case's links the reader sees (both cases visible to them), each with its other case."""
    case_id = access.case.pk
    return [
        LinkedCase(link=link, case=link.case_b if link.case_a_id == case_id else link.case_a)
        for link in case_links_visible(access=access)
    ]
