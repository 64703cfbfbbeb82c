"""Handing a task, or the lead of a case, to another agency, and answering such a request.

A handoff is `pending` until the receiving agency accepts or declines it, the sender withdraws
it, or the sweep expires it; then it never changes again (the database refuses, see
`Handoff.Meta.triggers`). Every transition locks the handoff row first, so of two liaisons who
answer at the same moment one wins and the other gets `Conflict` after the winner commits. Lock
order is handoff, then task, then case, in every function here.

The task stays with the sending agency while the handoff is pending: declining, withdrawing or
expiring leaves it where it is and tells whoever must act on it.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from agencies.models import Agency, User
from casework.access import (
    CASE_ROLES,
    agency_may_hold_task,
    get_case_access,
    get_handoff_for_user,
    get_task_for_user,
    may_answer_handoff,
    may_hand_off_lead,
    may_hand_off_task,
    may_withdraw_handoff,
)
from casework.models import (
    Case,
    Handoff,
    HandoffKind,
    HandoffStatus,
    ParticipationVia,
    Task,
    TaskStatus,
)
from casework.selectors import agency_answerers, handoff_sender_recipients, receiving_liaisons
from casework.services.sharing import participant_join
from casework.timeline import timeline_record
from common.errors import Conflict, PermissionDenied, ValidationFailed
from notifications.services import format_when, notify

NOTE_MAX_LENGTH = 5_000


def respond_by_for(*, created_at: datetime, urgent: bool) -> datetime:
    hours = (
        settings.BRIDGE_HANDOFF_URGENT_RESPONSE_HOURS if urgent else settings.BRIDGE_HANDOFF_RESPONSE_HOURS
    )
    return created_at + timedelta(hours=hours)


def _clean_note(value: str, *, field: str, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed("A reason is required.", fields={field: ["This field may not be blank."]})
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationFailed(
            "The text is too long.", fields={field: [f"At most {NOTE_MAX_LENGTH} characters."]}
        )
    return text


def _check_receiver(*, from_agency_id: int, to_agency: Agency) -> None:
    if to_agency.pk == from_agency_id:
        raise ValidationFailed(
            "A handoff goes to another agency.",
            fields={"to_agency": ["Choose an agency other than your own."]},
        )
    if not agency_answerers(agency=to_agency):
        raise ValidationFailed(
            "Nobody at that agency could answer.",
            fields={"to_agency": ["This agency has no active liaison or supervisor to answer a handoff."]},
        )


def _check_receiver_may_see(*, task: Task, to_agency: Agency) -> None:
    """A task never goes to an agency that could not see it once it held it (DOMAIN.md, "Derived
    records carry their section"). The message names no section: the sender may be an owner the
    task's template asks something of, which sees the task's title only."""
    if not agency_may_hold_task(agency=to_agency, task=task):
        raise ValidationFailed(
            "That agency may not see this task.",
            fields={"to_agency": ["This agency could not read the section this task belongs to."]},
        )


def _subject(handoff: Handoff) -> str:
    return "the lead of the case" if handoff.kind == HandoffKind.LEAD else "a task"


def _timeline_agencies(handoff: Handoff) -> list[int]:
    """A task handoff is the two agencies' business; a lead handoff, once accepted, everyone's."""
    if handoff.kind == HandoffKind.LEAD and handoff.status == HandoffStatus.ACCEPTED:
        return []
    return [handoff.from_agency_id, handoff.to_agency_id]


def _record(handoff: Handoff, *, kind: str, summary: str, actor: User | None) -> None:
    data: dict[str, str] = {"handoff": str(handoff.pk), "status": handoff.status}
    if handoff.task_id is not None:
        data["task"] = str(handoff.task_id)
    timeline_record(
        case=handoff.case,
        kind=kind,
        summary=summary,
        actor=actor,
        agencies=_timeline_agencies(handoff),
        data=data,
    )


def _create(
    *,
    actor: User,
    kind: str,
    case: Case,
    task: Task | None,
    from_agency: Agency,
    to_agency: Agency,
    note: str,
    urgent: bool,
) -> Handoff:
    now = timezone.now()
    try:
        with transaction.atomic():
            handoff = Handoff.objects.create(
                kind=kind,
                case=case,
                task=task,
                from_agency=from_agency,
                to_agency=to_agency,
                urgent=bool(urgent),
                note=note,
                created_by=actor,
                created_at=now,
                respond_by=respond_by_for(created_at=now, urgent=bool(urgent)),
            )
    except IntegrityError as error:
        raise Conflict("A handoff of this is already pending.") from error
    what = f"task {task.title}" if task is not None else "the lead of the case"
    _record(
        handoff,
        kind="handoff_proposed",
        summary=f"Handoff of {what} to {to_agency.name} proposed.",
        actor=actor,
    )
    notify(
        recipients=agency_answerers(agency=to_agency),
        kind="handoff_created",
        case=case,
        task=task,
        handoff=handoff,
        message=(
            f"Case {case.number}: {from_agency.name} asks your agency to take over {_subject(handoff)}"
            f"{' (urgent)' if handoff.urgent else ''}. Please answer by {format_when(handoff.respond_by)}."
        ),
    )
    return handoff


@transaction.atomic
def handoff_create(
    *, actor: User, task: Task, to_agency: Agency, note: str = "", urgent: bool = False
) -> Handoff:
    """Ask `to_agency` to take over `task`. Any case worker of the task's owning agency may."""
    visible = get_task_for_user(user=actor, task_id=task.pk)
    if not may_hand_off_task(user=actor, task=visible):
        raise PermissionDenied("Only the agency that owns a task hands it off.")
    task = get_task_for_user(user=actor, task_id=task.pk, lock=True)
    owner = task.owner_agency
    assert owner is not None  # the lock takes only the actor's agency's tasks
    if task.status != TaskStatus.OPEN:
        raise Conflict("A completed task cannot be handed off.")
    note = _clean_note(note, field="note", required=False)
    _check_receiver(from_agency_id=owner.pk, to_agency=to_agency)
    _check_receiver_may_see(task=task, to_agency=to_agency)
    if Handoff.objects.filter(task=task, status=HandoffStatus.PENDING).exists():
        raise Conflict("A handoff of this task is already pending.")
    return _create(
        actor=actor,
        kind=HandoffKind.TASK,
        case=task.case,
        task=task,
        from_agency=owner,
        to_agency=to_agency,
        note=note,
        urgent=urgent,
    )


@transaction.atomic
def lead_handoff_create(
    *, actor: User, case: Case, to_agency: Agency, note: str = "", urgent: bool = False
) -> Handoff:
    """Ask `to_agency` to become the lead agency of `case`. A liaison or supervisor of the lead
    agency may."""
    access = get_case_access(user=actor, case_id=case.pk, lock=True)
    access.require(
        may_hand_off_lead(access=access),
        "Only a liaison or supervisor of the lead agency hands off the lead.",
    )
    note = _clean_note(note, field="note", required=False)
    _check_receiver(from_agency_id=access.case.lead_agency_id, to_agency=to_agency)
    if Handoff.objects.filter(case=access.case, kind=HandoffKind.LEAD, status=HandoffStatus.PENDING).exists():
        raise Conflict("A handoff of the lead of this case is already pending.")
    return _create(
        actor=actor,
        kind=HandoffKind.LEAD,
        case=access.case,
        task=None,
        from_agency=access.case.lead_agency,
        to_agency=to_agency,
        note=note,
        urgent=urgent,
    )


def _require_pending(handoff: Handoff) -> None:
    if handoff.status != HandoffStatus.PENDING:
        raise Conflict(f"This handoff is already {handoff.status}.")


def _resolve(
    handoff: Handoff, *, status: str, actor: User | None, response_note: str = "", at: datetime | None = None
) -> None:
    handoff.status = status
    handoff.responded_by = actor
    handoff.responded_at = at or timezone.now()
    handoff.response_note = response_note
    handoff.save(update_fields=["status", "responded_by", "responded_at", "response_note"])


def _check_assignee(*, assignee: User | None, agency: Agency) -> None:
    if assignee is None:
        return
    if assignee.agency_id != agency.pk or assignee.role not in CASE_ROLES or not assignee.is_active:
        raise ValidationFailed(
            "The assignee must work for the receiving agency.",
            fields={"assignee": ["Choose a caseworker, liaison or supervisor of your agency."]},
        )


@transaction.atomic
def handoff_accept(*, actor: User, handoff: Handoff, assignee: User | None = None, note: str = "") -> Handoff:
    """Take over the task (optionally assigning it to `assignee`) or the lead of the case. The
    receiving agency joins the case with its default grants if it had not; the sender is told."""
    handoff = get_handoff_for_user(user=actor, handoff_id=handoff.pk, lock=True)
    if not may_answer_handoff(user=actor, handoff=handoff):
        raise PermissionDenied("Only a liaison or supervisor of the receiving agency answers a handoff.")
    _require_pending(handoff)
    note = _clean_note(note, field="note", required=False)
    to_agency = handoff.to_agency
    if handoff.kind == HandoffKind.TASK:
        _check_assignee(assignee=assignee, agency=to_agency)
        task = Task.objects.select_for_update().get(handoffs=handoff)
        if task.status != TaskStatus.OPEN:
            raise Conflict("The task was completed meanwhile; it can no longer be handed off.")
        task.owner_agency = to_agency
        task.assignee = assignee
        task.version += 1
        task.save(update_fields=["owner_agency", "assignee", "version", "updated_at"])
        handoff.task = task
    elif assignee is not None:
        raise ValidationFailed(
            "A lead handoff has no assignee.", fields={"assignee": ["Not used for a lead handoff."]}
        )
    else:
        case = Case.objects.select_for_update().get(pk=handoff.case.pk)
        case.lead_agency = to_agency
        case.version += 1
        case.save(update_fields=["lead_agency", "version", "updated_at"])
        handoff.case = case
    participant_join(case=handoff.case, agency=to_agency, via=ParticipationVia.HANDOFF, actor=actor)
    _resolve(handoff, status=HandoffStatus.ACCEPTED, actor=actor, response_note=note)
    what = f"task {handoff.task.title}" if handoff.task is not None else "the lead of the case"
    _record(handoff, kind="handoff_accepted", summary=f"{to_agency.name} took over {what}.", actor=actor)
    notify(
        recipients=handoff_sender_recipients(handoff=handoff),
        kind="handoff_accepted",
        case=handoff.case,
        task=handoff.task,
        handoff=handoff,
        message=(
            f"Case {handoff.case.number}: {to_agency.name} accepted {_subject(handoff)} "
            "your agency handed off."
        ),
    )
    return handoff


@transaction.atomic
def handoff_decline(*, actor: User, handoff: Handoff, reason: str) -> Handoff:
    """Refuse the handoff, saying why; the task (or lead) stays with the sender, who is told."""
    handoff = get_handoff_for_user(user=actor, handoff_id=handoff.pk, lock=True)
    if not may_answer_handoff(user=actor, handoff=handoff):
        raise PermissionDenied("Only a liaison or supervisor of the receiving agency answers a handoff.")
    _require_pending(handoff)
    reason = _clean_note(reason, field="reason", required=True)
    _resolve(handoff, status=HandoffStatus.DECLINED, actor=actor, response_note=reason)
    _record(
        handoff,
        kind="handoff_declined",
        summary=f"{handoff.to_agency.name} declined to take over {_subject(handoff)}.",
        actor=actor,
    )
    notify(
        recipients=handoff_sender_recipients(handoff=handoff),
        kind="handoff_declined",
        case=handoff.case,
        task=handoff.task,
        handoff=handoff,
        message=(
            f"Case {handoff.case.number}: {handoff.to_agency.name} declined {_subject(handoff)} your agency "
            "handed off; it stays with your agency."
        ),
    )
    return handoff


@transaction.atomic
def handoff_withdraw(*, actor: User, handoff: Handoff) -> Handoff:
    """The sending agency takes its request back; the receiving liaisons are told."""
    handoff = get_handoff_for_user(user=actor, handoff_id=handoff.pk, lock=True)
    if not may_withdraw_handoff(user=actor, handoff=handoff):
        raise PermissionDenied("Only the sending agency withdraws a handoff.")
    _require_pending(handoff)
    _resolve(handoff, status=HandoffStatus.WITHDRAWN, actor=actor)
    _record(
        handoff, kind="handoff_withdrawn", summary=f"Handoff of {_subject(handoff)} withdrawn.", actor=actor
    )
    notify(
        recipients=receiving_liaisons(handoff=handoff),
        kind="handoff_withdrawn",
        case=handoff.case,
        task=handoff.task,
        handoff=handoff,
        message=(
            f"Case {handoff.case.number}: {handoff.from_agency.name} withdrew its handoff of "
            f"{_subject(handoff)}."
        ),
    )
    return handoff


@transaction.atomic
def handoff_expire(*, handoff: Handoff, now: datetime | None = None) -> Handoff:
    """Close a handoff nobody answered within its window; the task (or lead) stays with the
    sender, who is told. Called by the reminder sweep once it has reminded and escalated. Safe to
    call twice or to race an answer: a handoff that is no longer pending is returned unchanged."""
    now = now or timezone.now()
    handoff = (
        Handoff.objects.select_for_update(of=("self",))
        .select_related("case", "task", "from_agency", "to_agency", "created_by")
        .get(pk=handoff.pk)
    )
    if handoff.status != HandoffStatus.PENDING:
        return handoff
    if handoff.respond_by > now:
        raise Conflict("This handoff's response window is still open.")
    _resolve(handoff, status=HandoffStatus.EXPIRED, actor=None, at=now)
    _record(
        handoff,
        kind="handoff_expired",
        summary=f"Handoff of {_subject(handoff)} to {handoff.to_agency.name} expired unanswered.",
        actor=None,
    )
    notify(
        recipients=handoff_sender_recipients(handoff=handoff),
        kind="handoff_expired",
        case=handoff.case,
        task=handoff.task,
        handoff=handoff,
        message=(
            f"Case {handoff.case.number}: {handoff.to_agency.name} did not answer your agency's handoff of "
            f"{_subject(handoff)} in time; it stays with your agency."
        ),
    )
    return handoff
