"""What a user sees of the things on a case (tasks, notes, timeline, grants, consents, events,
handoffs) and may do with tasks and handoffs."""

import uuid
from typing import Any

from django.db.models import (
    Count,
    Q,
    QuerySet,
)
from django.utils.translation import gettext as _

from agencies.models import Agency, Role, User
from casework.access.policy import (
    BREAK_GLASS_READS_ONLY,
    LIAISON_ROLES,
    Action,
    CaseAccess,
    active_grant_filter,
    case_visibility_filter,
    parse_id,
    worker_id_for,
    works_on_cases,
)
from casework.access.sql import (
    TaskSectionReadable,
    TaskVisible,
)
from casework.models import (
    Case,
    CaseEvent,
    CaseParticipant,
    Consent,
    Handoff,
    HandoffKind,
    HandoffStatus,
    Note,
    SectionGrant,
    Task,
    TaskStatus,
    TimelineEvent,
)
from casework.sections import Section, default_sections_for
from common.errors import NotFound, PermissionDenied


def tasks_visible_to(*, user: User) -> QuerySet[Task]:
    """Tasks of the user's agency on cases the user may see, whose section the user may read or
    whose template asks something of the agency. Tasks of other agencies are theirs, except that
    the agency keeps sight of the tasks it handed off (read only: `get_task_for_user(lock=True)`
    refuses them) and liaisons and supervisors see a task another agency offers theirs in a
    pending handoff, so they can decide on it, even before their agency takes part in the case.
    Each task carries `reads_section`, which `task_shows_detail` answers from."""
    if not works_on_cases(user):
        return Task.objects.none()
    assert user.agency_id is not None
    visible = TaskVisible(
        agency_id=user.agency_id,
        user_id=user.pk,
        worker_id=worker_id_for(user),
        offered=user.role in LIAISON_ROLES,
    )
    readable = TaskSectionReadable(agency_id=user.agency_id, user_id=user.pk)
    return Task.objects.annotate(reads_section=readable).filter(visible)


def task_shows_detail(task: Task) -> bool:
    """Whether the reader sees the task whole, or only what `TASK_DETAIL_FIELDS` leaves: the
    owner a template asks something of, and an agency offered the task, see its title and due
    time and nothing else of a section they may not read. Ask it of tasks from `tasks_visible_to`
    (or `get_task_for_user`), which know it for their reader."""
    return bool(task.reads_section)  # type: ignore[attr-defined]


def get_task_for_user(*, user: User, task_id: object, lock: bool = False) -> Task:
    """The task as this user may see it, or `NotFound`. Every writer locks (`lock=True`), and only
    the owning agency changes a task: a task the user's agency sees without owning it (handed off
    by it, or offered to it) is `PermissionDenied` to a writer (DOMAIN.md rule 4)."""
    queryset = tasks_visible_to(user=user).select_related(
        "case", "case__lead_agency", "owner_agency", "assignee"
    )
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    task = queryset.filter(pk=parse_id(task_id)).first()
    if task is None:
        raise NotFound()
    if not lock:
        return task
    owner = task.owner_agency
    if owner is None or owner.pk != user.agency_id:
        raise PermissionDenied(_("Only the agency that holds this task changes it."))
    if not agency_may_hold_task(agency=owner, task=task):
        # Only the writer's own break-glass opening shows them the task: reading, never writing.
        raise PermissionDenied(BREAK_GLASS_READS_ONLY)
    return task


def _agency_reads_by_grant(*, agency_id: int, case_id: uuid.UUID, section: str) -> bool:
    return (
        section == Section.CORE
        or SectionGrant.objects.filter(
            active_grant_filter(), case_id=case_id, agency_id=agency_id, section=section
        ).exists()
    )


def may_edit_task_detail(*, user: User, task: Task) -> bool:
    """Change what only a reader of the task's section sees (its description): the owning agency
    reads the section by grant. Being asked something by the task's template shows its title, and
    a break-glass opening shows the rest read-only; neither lets anyone write it."""
    assert user.agency_id is not None
    return task.owner_agency_id == user.agency_id and _agency_reads_by_grant(
        agency_id=user.agency_id, case_id=task.case_id, section=task.section
    )


def agency_may_hold_task(*, agency: Agency, task: Task) -> bool:
    """Whether `agency` could see `task` once it owned it: the task is core, its template asks
    something of the agency's kind, or the agency reads the task's section on the case (a
    participant through an active grant; an agency not yet taking part through the defaults of
    its kind, which it receives on joining)."""
    if task.section == Section.CORE:
        return True
    template = task.template
    if template is not None and template.asks_owner and template.owner_kind == agency.kind:
        return True
    if not CaseParticipant.objects.filter(case_id=task.case_id, agency=agency).exists():
        return task.section in default_sections_for(agency_kind=agency.kind)
    return _agency_reads_by_grant(agency_id=agency.pk, case_id=task.case_id, section=task.section)


def _reader_agency_ids(*, case: Case, section: str) -> QuerySet[Any]:
    """The ids of the agencies that may read `section` on `case` now, as a subquery: every
    participant for core, the holders of an active grant for a data section."""
    if section == Section.CORE:
        return CaseParticipant.objects.filter(case=case).values("agency_id")
    return SectionGrant.objects.filter(active_grant_filter(), case=case, section=section).values("agency_id")


def agencies_reading(*, case: Case, section: str) -> set[int]:
    """The agencies that may read `section` on `case` (every participant for core)."""
    return {row["agency_id"] for row in _reader_agency_ids(case=case, section=section)}


def tasks_waiting_for(*, access: CaseAccess) -> list[tuple[str, int]]:
    """(agency kind, how many) of the case's tasks waiting for an agency of that kind to join,
    for those who may invite one (DOMAIN.md: the lead agency's liaisons are asked to); nothing
    else of the tasks, which belong to a section the lead agency does not read."""
    if not access.may_invite:
        return []
    waiting = (
        Task.objects.filter(case=access.case, owner_agency__isnull=True, status=TaskStatus.OPEN)
        .values_list("awaits_kind")
        .annotate(count=Count("pk"))
        .order_by("awaits_kind")
    )
    return [(kind, count) for kind, count in waiting]


def event_tasks_visible(*, access: CaseAccess) -> QuerySet[Task]:
    """The tasks a case event started that a reader of the case sees with the event: those in
    the sections the reader may read, whichever agency holds them."""
    return Task.objects.filter(case=access.case, section__in=access.readable)


def notes_visible(*, access: CaseAccess) -> QuerySet[Note]:
    return Note.objects.filter(case=access.case, section__in=access.readable)


def timeline_visible(*, access: CaseAccess) -> QuerySet[TimelineEvent]:
    return TimelineEvent.objects.filter(case=access.case, section__in=access.readable).filter(
        Q(agencies=[]) | Q(agencies__contains=[access.user.agency_id])
    )


def agencies_reading_section(*, access: CaseAccess, section: str) -> list[Agency]:
    """The agencies on the case that can read `section` now, by name: every participant for `core`;
    for a data section, those holding an active grant of it (not ended, not past `expires_at`).
    Asked before someone writes in the section, so they know who will read it.

    Who holds a data section is its stewards' business (as in `grants_visible`): only a reader
    whose agency stewards it is told, others get `PermissionDenied`; a section the reader may not
    read is `NotFound`. A break-glass opening is one supervisor's emergency reading, recorded in
    the disclosure history, not a grant to their agency, so it is not listed."""
    if not access.may_read(section):
        raise NotFound()
    access.require(Action.SEE_SECTION_READERS, section=section)
    readers = _reader_agency_ids(case=access.case, section=section)
    return list(Agency.objects.filter(pk__in=readers).order_by("name", "pk"))


def grants_visible(*, access: CaseAccess) -> QuerySet[SectionGrant]:
    """Grants of the sections the caller's agency stewards; other stewards' sharing is theirs."""
    return SectionGrant.objects.filter(case=access.case, section__in=access.grantable_sections)


def consents_visible(*, access: CaseAccess) -> QuerySet[Consent]:
    return Consent.objects.filter(case=access.case, sections__overlap=list(access.consent_sections))


def case_events_visible(*, access: CaseAccess) -> QuerySet[CaseEvent]:
    """Events in the sections the caller's agency reads (immigration events only to its readers)."""
    return CaseEvent.objects.filter(case=access.case, section__in=access.readable)


def get_case_event(*, access: CaseAccess, event_id: object, lock: bool = False) -> CaseEvent:
    """An event of the case the caller sees; NotFound for one in a section it does not read, as
    for one that does not exist."""
    events = case_events_visible(access=access).select_related("recording_agency")
    if lock:
        events = events.select_for_update(of=("self",))
    event = events.filter(pk=parse_id(event_id)).first()
    if event is None:
        raise NotFound(_("No such event on this case."))
    return event


# --- handoffs --------------------------------------------------------------------------------


def handoffs_to_approve_filter(*, user: User) -> Q:
    """Handoffs that needed, or need, the approval of the user as a liaison or supervisor of the
    case's lead agency: those bringing another agency onto the case. Never one to the user's own
    agency, which must not learn of a handoff before it is approved."""
    if not works_on_cases(user) or user.role not in LIAISON_ROLES:
        return Q(pk__in=[])
    return Q(needs_approval=True, case__lead_agency_id=user.agency_id) & ~Q(to_agency_id=user.agency_id)


def _handoff_visible(*, user: User) -> Q:
    """Handoffs the user's agency sent, on cases the user may see; handoffs it received once the
    lead agency approved them, if they needed it: all of them for its liaisons and supervisors
    (who answer them, even before the agency takes part in the case), the others once they may see
    the case; and, for the lead agency's liaisons and supervisors, those they approve."""
    if not works_on_cases(user):
        return Q(pk__in=[])
    sees_case = case_visibility_filter(user=user, case_ref="case_id")
    sent = Q(from_agency_id=user.agency_id) & sees_case
    # Awaiting approval, or ended before it came (declined by the lead agency, withdrawn, expired):
    # the receiving agency never hears of it.
    received = Q(to_agency_id=user.agency_id) & ~Q(needs_approval=True, approved_at__isnull=True)
    if user.role in LIAISON_ROLES:
        return sent | received | handoffs_to_approve_filter(user=user)
    return sent | (received & sees_case)


def handoffs_visible_to(*, user: User) -> QuerySet[Handoff]:
    return Handoff.objects.filter(_handoff_visible(user=user))


def pending_handoffs_to_agency_visible_to(*, user: User) -> QuerySet[Handoff]:
    """`handoffs_visible_to` narrowed to the pending handoffs to the user's agency, written as one
    plain condition. A pending handoff was approved if it needed to be (the model's
    `handoff_approval_matches_status`), so the user sees all of them as a liaison or supervisor
    and, otherwise, those on cases they may see; the ones their agency sent itself (a match review
    within the agency) are among those. Without `handoffs_visible_to`'s other branches PostgreSQL
    estimates the rows and walks the agency's handoffs newest first, stopping at the page's end
    (docs/performance.md)."""
    if not works_on_cases(user):
        return Handoff.objects.none()
    pending = Handoff.objects.filter(to_agency_id=user.agency_id, status=HandoffStatus.PENDING)
    if user.role in LIAISON_ROLES:
        return pending
    return pending.filter(case_visibility_filter(user=user, case_ref="case_id"))


def get_handoff_for_user(*, user: User, handoff_id: object, lock: bool = False) -> Handoff:
    """The handoff as this user may see it, or `NotFound`. With `lock`, the handoff row is locked
    for the rest of the caller's transaction, so concurrent answers are serialised."""
    queryset = handoffs_visible_to(user=user).select_related(
        "case", "case__lead_agency", "task", "from_agency", "to_agency", "created_by"
    )
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    handoff = queryset.filter(pk=parse_id(handoff_id)).first()
    if handoff is None:
        raise NotFound()
    return handoff


def may_answer_handoff(*, user: User, handoff: Handoff) -> bool:
    """Accept or decline: a liaison or supervisor of the receiving agency."""
    return works_on_cases(user) and user.role in LIAISON_ROLES and user.agency_id == handoff.to_agency_id


def may_compare_identity(*, user: User, handoff: Handoff) -> bool:
    """Whether the user reads the identity section of a match review's case to compare it with
    the case their agency leads: a liaison or supervisor of the asked agency while the review is
    pending, and only then. The asking agency lends nothing else of its case; what the asked
    agency sees of its own case is its own access to it."""
    return (
        handoff.kind == HandoffKind.MATCH_REVIEW
        and handoff.status == HandoffStatus.PENDING
        and may_answer_handoff(user=user, handoff=handoff)
    )


def may_approve_handoff(*, user: User, handoff: Handoff) -> bool:
    """Approve or decline a handoff that brings a new agency onto the case: what inviting needs, a
    liaison or supervisor of the case's lead agency (`CaseAccess.may_invite`)."""
    return (
        works_on_cases(user)
        and user.role in LIAISON_ROLES
        and handoff.needs_approval
        and user.agency_id == handoff.case.lead_agency_id
        and user.agency_id != handoff.to_agency_id
    )


def may_withdraw_handoff(*, user: User, handoff: Handoff) -> bool:
    """Any case worker of the sending agency who sees the handoff."""
    return works_on_cases(user) and user.agency_id == handoff.from_agency_id


def may_hand_off_task(*, user: User, task: Task) -> bool:
    """A member of the task's owning agency proposes handing it to another agency."""
    return works_on_cases(user) and user.agency_id == task.owner_agency_id


def agencies_reached_without_approval(*, access: CaseAccess) -> frozenset[int] | None:
    """The agencies this user may hand work to at once: None for any agency, when the user may
    invite; otherwise those on the case. Handing work to an agency not yet on the case invites it,
    so it needs what inviting needs, and proposed by anyone else it waits for the lead agency's
    approval. Who takes part is core, which every viewer of the case sees."""
    if access.may_invite:
        return None
    return frozenset(CaseParticipant.objects.filter(case=access.case).values_list("agency_id", flat=True))


def handoff_needs_approval(*, access: CaseAccess, to_agency_id: int) -> bool:
    reached = agencies_reached_without_approval(access=access)
    return reached is not None and to_agency_id not in reached


def may_work_on_task(*, user: User, task: Task) -> bool:
    """Complete, edit or hand off an open task: a member of the agency that owns it. The services
    check again while holding the task's row lock."""
    return works_on_cases(user) and user.agency_id == task.owner_agency_id and task.status == TaskStatus.OPEN


def may_reopen_task(*, user: User, task: Task) -> bool:
    """Undo a completion: a member of the agency that owns the done task (the service checks
    again while holding the task's row lock)."""
    return works_on_cases(user) and user.agency_id == task.owner_agency_id and task.status == TaskStatus.DONE


def may_claim_task(*, user: User, task: Task) -> bool:
    """Take an unassigned task on oneself (`may_assign_task`'s rule)."""
    return task.assignee_id is None and may_assign_task(user=user, task=task, assignee=user)


def may_assign_task(*, user: User, task: Task, assignee: User | None) -> bool:
    """Give an open task to `assignee` (None: to nobody): supervisors reassign work inside their
    agency; anyone else who may work on the task only claims it while unassigned or hands their
    own back."""
    if not may_work_on_task(user=user, task=task):
        return False
    if user.role == Role.SUPERVISOR:
        return True
    claiming = task.assignee_id is None and assignee is not None and assignee.pk == user.pk
    releasing = task.assignee_id == user.pk and assignee is None
    return claiming or releasing


def may_reassign_task(*, user: User, task: Task) -> bool:
    """Supervisors reassign work inside their agency."""
    return may_work_on_task(user=user, task=task) and user.role == Role.SUPERVISOR
