"""Handing a task, or the lead of a case, to another agency, and answering such a request.

A handoff to an agency that does not take part in the case is an invitation, so it needs what
inviting needs (`casework.access.handoff_needs_approval`). Proposed by a liaison or supervisor of
the lead agency, or to an agency already on the case, it is `pending` at once. Proposed by anyone
else, it is `awaiting_approval`: the lead agency's liaisons and supervisors approve it (then it is
`pending`, with a fresh response window) or decline it, and until then the receiving agency sees
nothing of it, not even a notification or a timeline line. A lead handoff is proposed only by the
lead agency's liaisons and supervisors, who may invite, so it never waits for approval.

A `pending` handoff stays so until the receiving agency accepts or declines it, the sender
withdraws it, or the sweep expires it; then it never changes again (the database refuses, see
`Handoff.Meta.triggers`). Every transition locks the handoff row first, so of two people who
answer at the same moment one wins and the other gets `Conflict` after the winner commits. Lock
order is handoff, then task, then case, in every function here.

The task stays with the sending agency until the handoff is accepted: declining, withdrawing or
expiring leaves it where it is and tells whoever must act on it.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from agencies.models import Agency, User
from casework.access import (
    CASE_ROLES,
    Action,
    agency_may_hold_task,
    get_case_access,
    get_handoff_for_user,
    get_task_for_user,
    handoff_needs_approval,
    may_answer_handoff,
    may_approve_handoff,
    may_hand_off_task,
    may_withdraw_handoff,
)
from casework.access.audience import (
    approving_liaisons,
    handoff_answerers,
    handoff_sender_recipients,
    receiving_liaisons,
)
from casework.models import (
    HANDOFF_OPEN_STATUSES,
    Case,
    Handoff,
    HandoffKind,
    HandoffStatus,
    ParticipationVia,
    Task,
    TaskStatus,
)
from casework.services.sharing import participant_join
from casework.timeline import timeline_record
from common.errors import Conflict, PermissionDenied, ValidationFailed
from common.i18n import Message
from common.inputs import text_errors
from common.times import format_when_lazy
from notifications.services import notify

# Input contract of the handoff services: the sender's note, the receiver's note on accepting and
# the reason for declining share one limit.
NOTE_MAX_LENGTH = 5_000


HandoffAcceptedHook = Callable[..., None]
HandoffDeclinedHook = Callable[..., None]

_accepted_hooks: dict[str, HandoffAcceptedHook] = {}
_declined_hooks: dict[str, HandoffDeclinedHook] = {}


def handoff_accepted_hook_register(*, name: str, hook: HandoffAcceptedHook) -> None:
    """Let a feature app above casework (service referrals) finish what an accepted handoff of its
    task starts, whichever page or endpoint accepted it: `hook(handoff=..., actor=...)` runs inside
    `handoff_accept`'s transaction once the receiving agency has joined, and may refuse (raise) to
    undo the acceptance. Called from `AppConfig.ready`; the same name again replaces it."""
    _accepted_hooks[name] = hook


def handoff_declined_hook_register(*, name: str, hook: HandoffDeclinedHook) -> None:
    """Like `handoff_accepted_hook_register`, for a handoff its receiving agency declined:
    `hook(handoff=..., actor=...)` runs inside `handoff_decline`'s transaction (matching audits
    a rejected possible match whichever page or endpoint rejected it)."""
    _declined_hooks[name] = hook


def respond_by_for(*, created_at: datetime, urgent: bool) -> datetime:
    hours = (
        settings.BRIDGE_HANDOFF_URGENT_RESPONSE_HOURS if urgent else settings.BRIDGE_HANDOFF_RESPONSE_HOURS
    )
    return created_at + timedelta(hours=hours)


def _clean_note(value: str, *, field: str, required: bool) -> str:
    if problems := text_errors(value, max_length=NOTE_MAX_LENGTH, required=required):
        raise ValidationFailed(_CHECK_FIELD[field], fields={field: problems})
    return (value or "").strip()


def _check_receiver(*, from_agency_id: int, to_agency: Agency) -> None:
    if to_agency.pk == from_agency_id:
        raise ValidationFailed(
            _("A handoff goes to another agency."),
            fields={"to_agency": [_("Choose an agency other than your own.")]},
        )
    if not handoff_answerers(agency=to_agency):
        raise ValidationFailed(
            _("Nobody at that agency could answer."),
            fields={"to_agency": [_("This agency has no active liaison or supervisor to answer a handoff.")]},
        )


def _check_approvers(*, case: Case, to_agency: Agency) -> None:
    if not handoff_answerers(agency=case.lead_agency):
        raise ValidationFailed(
            _("Nobody at the lead agency could approve."),
            fields={
                "to_agency": [
                    _(
                        "%(agency)s does not take part in the case, and the lead agency has no active "
                        "liaison or supervisor to approve bringing it on."
                    )
                    % {"agency": to_agency.name}
                ]
            },
        )


def _check_receiver_may_see(*, task: Task, to_agency: Agency) -> None:
    """A task never goes to an agency that could not see it once it held it (DOMAIN.md, "Derived
    records carry their section"). The message names no section: the sender may be an owner the
    task's template asks something of, which sees the task's title only."""
    if not agency_may_hold_task(agency=to_agency, task=task):
        raise ValidationFailed(
            _("That agency may not see this task."),
            fields={"to_agency": [_("This agency could not read the section this task belongs to.")]},
        )


def _subject(handoff: Handoff) -> str:
    match handoff.kind:
        case HandoffKind.LEAD:
            return "the lead of the case"
        case HandoffKind.MATCH_REVIEW:
            return "the comparison of a possible match"
        case _:
            return "a task"


# What a handoff is of, inside a sentence written for someone else (`Message`); `_subject` is the
# English the timeline stores.
_SUBJECTS: dict[str, Promise] = {
    HandoffKind.LEAD: pgettext_lazy("handoff subject", "the lead of the case"),
    HandoffKind.MATCH_REVIEW: pgettext_lazy("handoff subject", "the comparison of a possible match"),
    HandoffKind.TASK: pgettext_lazy("handoff subject", "a task"),
}


def _subject_for_reader(handoff: Handoff) -> Promise:
    return _SUBJECTS.get(handoff.kind, _SUBJECTS[HandoffKind.TASK])


def _outcome_for_reader(handoff: Handoff) -> Promise:
    """What a declined or expired handoff leaves the sender with."""
    if handoff.kind == HandoffKind.MATCH_REVIEW:
        return pgettext_lazy("handoff outcome", "the case stays as it is")
    return pgettext_lazy("handoff outcome", "it stays with your agency")


_CHECK_FIELD = {"note": gettext_lazy("Check the note."), "reason": gettext_lazy("Check the reason.")}
# A handoff's status inside a sentence ("This handoff is already accepted.").
_STATUS_IN_SENTENCE: dict[str, Promise] = {
    HandoffStatus.AWAITING_APPROVAL: pgettext_lazy("handoff status, in a sentence", "awaiting approval"),
    HandoffStatus.PENDING: pgettext_lazy("handoff status, in a sentence", "pending"),
    HandoffStatus.ACCEPTED: pgettext_lazy("handoff status, in a sentence", "accepted"),
    HandoffStatus.DECLINED: pgettext_lazy("handoff status, in a sentence", "declined"),
    HandoffStatus.WITHDRAWN: pgettext_lazy("handoff status, in a sentence", "withdrawn"),
    HandoffStatus.EXPIRED: pgettext_lazy("handoff status, in a sentence", "expired"),
}


def _in_approval(handoff: Handoff) -> bool:
    """Awaiting the lead agency's approval, or ended before it came: the receiving agency never
    heard of it."""
    return handoff.needs_approval and handoff.approved_at is None


def _timeline_agencies(handoff: Handoff) -> list[int]:
    """A task handoff is the two agencies' business, and the lead agency's while it decides whether
    to let the receiving agency on (never the receiver's then); a lead handoff, once accepted,
    everyone's."""
    if handoff.kind == HandoffKind.LEAD and handoff.status == HandoffStatus.ACCEPTED:
        return []
    if _in_approval(handoff):
        return [handoff.from_agency_id, handoff.case.lead_agency_id]
    return [handoff.from_agency_id, handoff.to_agency_id]


def _record(
    handoff: Handoff, *, kind: str, summary: str, actor: User | None, agencies: list[int] | None = None
) -> None:
    data: dict[str, str] = {"handoff": str(handoff.pk), "status": handoff.status}
    if handoff.task_id is not None:
        data["task"] = str(handoff.task_id)
    timeline_record(
        case=handoff.case,
        kind=kind,
        summary=summary,
        actor=actor,
        agencies=_timeline_agencies(handoff) if agencies is None else agencies,
        data=data,
    )


def _ask_receiver(handoff: Handoff) -> None:
    if handoff.kind == HandoffKind.MATCH_REVIEW:
        template = (
            gettext_lazy(
                "Case %(number)s: %(agency)s asks your agency to compare it with a case your agency leads "
                "that may be the same child (urgent). Please answer by %(deadline)s."
            )
            if handoff.urgent
            else gettext_lazy(
                "Case %(number)s: %(agency)s asks your agency to compare it with a case your agency leads "
                "that may be the same child. Please answer by %(deadline)s."
            )
        )
    else:
        template = (
            gettext_lazy(
                "Case %(number)s: %(agency)s asks your agency to take over %(subject)s (urgent). "
                "Please answer by %(deadline)s."
            )
            if handoff.urgent
            else gettext_lazy(
                "Case %(number)s: %(agency)s asks your agency to take over %(subject)s. "
                "Please answer by %(deadline)s."
            )
        )
    notify(
        recipients=handoff_answerers(agency=handoff.to_agency),
        kind="handoff_created",
        case=handoff.case,
        task=handoff.task,
        handoff=handoff,
        message=Message(
            template,
            number=handoff.case.number,
            agency=handoff.from_agency.name,
            subject=_subject_for_reader(handoff),
            deadline=format_when_lazy(handoff.respond_by),
        ),
    )


def _ask_lead_agency(handoff: Handoff) -> None:
    """The lead agency decides on the agency, not on the work: nothing of the task but its case."""
    notify(
        recipients=handoff_answerers(agency=handoff.case.lead_agency),
        kind="handoff_approval_requested",
        case=handoff.case,
        handoff=handoff,
        message=Message(
            gettext_lazy(
                "Case %(number)s: %(agency)s asks to hand %(subject)s to %(receiver)s, which does not take "
                "part in the case yet (urgent). Please approve or decline by %(deadline)s."
            )
            if handoff.urgent
            else gettext_lazy(
                "Case %(number)s: %(agency)s asks to hand %(subject)s to %(receiver)s, which does not take "
                "part in the case yet. Please approve or decline by %(deadline)s."
            ),
            number=handoff.case.number,
            agency=handoff.from_agency.name,
            subject=_subject_for_reader(handoff),
            receiver=handoff.to_agency.name,
            deadline=format_when_lazy(handoff.respond_by),
        ),
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
    needs_approval: bool = False,
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
                status=HandoffStatus.AWAITING_APPROVAL if needs_approval else HandoffStatus.PENDING,
                needs_approval=needs_approval,
                urgent=bool(urgent),
                note=note,
                created_by=actor,
                created_at=now,
                respond_by=respond_by_for(created_at=now, urgent=bool(urgent)),
            )
    except IntegrityError as error:
        raise Conflict(_("A handoff of this is already pending.")) from error
    if needs_approval:
        _record(
            handoff,
            kind="handoff_proposed",
            summary=(
                f"Handoff of {_subject(handoff)} to {to_agency.name} proposed; it awaits the lead agency's "
                "approval."
            ),
            actor=actor,
        )
        _ask_lead_agency(handoff)
        return handoff
    what = f"task {task.title}" if task is not None else _subject(handoff)
    _record(
        handoff,
        kind="handoff_proposed",
        summary=f"Handoff of {what} to {to_agency.name} proposed.",
        actor=actor,
    )
    _ask_receiver(handoff)
    return handoff


@transaction.atomic
def handoff_create(
    *, actor: User, task: Task, to_agency: Agency, note: str = "", urgent: bool = False
) -> Handoff:
    """Ask `to_agency` to take over `task`. Any case worker of the task's owning agency may; when
    `to_agency` does not take part in the case and the actor may not invite, the handoff awaits the
    lead agency's approval and the lead agency's liaisons and supervisors are asked for it."""
    visible = get_task_for_user(user=actor, task_id=task.pk)
    if not may_hand_off_task(user=actor, task=visible):
        raise PermissionDenied(_("Only the agency that owns a task hands it off."))
    task = get_task_for_user(user=actor, task_id=task.pk, lock=True)
    owner = task.owner_agency
    assert owner is not None  # the lock takes only the actor's agency's tasks
    if task.status != TaskStatus.OPEN:
        raise Conflict(_("A completed task cannot be handed off."))
    note = _clean_note(note, field="note", required=False)
    _check_receiver(from_agency_id=owner.pk, to_agency=to_agency)
    _check_receiver_may_see(task=task, to_agency=to_agency)
    if Handoff.objects.filter(task=task, status__in=HANDOFF_OPEN_STATUSES).exists():
        raise Conflict(_("A handoff of this task is already pending."))
    access = get_case_access(user=actor, case_id=task.case_id)
    access.require_open()
    needs_approval = handoff_needs_approval(access=access, to_agency_id=to_agency.pk)
    if needs_approval:
        _check_approvers(case=task.case, to_agency=to_agency)
    return _create(
        actor=actor,
        kind=HandoffKind.TASK,
        case=task.case,
        task=task,
        from_agency=owner,
        to_agency=to_agency,
        note=note,
        urgent=urgent,
        needs_approval=needs_approval,
    )


@transaction.atomic
def lead_handoff_create(
    *, actor: User, case: Case, to_agency: Agency, note: str = "", urgent: bool = False
) -> Handoff:
    """Ask `to_agency` to become the lead agency of `case`. A liaison or supervisor of the lead
    agency may: who may invite, so the handoff is pending at once even to an agency not on the
    case."""
    access = get_case_access(user=actor, case_id=case.pk, lock=True)
    access.require(Action.HAND_OFF_LEAD)
    note = _clean_note(note, field="note", required=False)
    _check_receiver(from_agency_id=access.case.lead_agency_id, to_agency=to_agency)
    if Handoff.objects.filter(
        case=access.case, kind=HandoffKind.LEAD, status__in=HANDOFF_OPEN_STATUSES
    ).exists():
        raise Conflict(_("A handoff of the lead of this case is already pending."))
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


@transaction.atomic
def match_review_handoff_create(*, actor: User, case: Case, to_agency: Agency, note: str = "") -> Handoff:
    """Ask `to_agency`, which leads a case that may be the same child as `case`, to compare the
    two (`matching.services.comparison_ask` decides that it does, and says nothing of its case).
    Its liaisons and supervisors read `case`'s identity to compare while it is pending, so it
    needs what inviting needs: proposed by someone who may not invite, to an agency not on the
    case, it waits for the lead agency's approval like any handoff."""
    access = get_case_access(user=actor, case_id=case.pk, lock=True)
    access.require(Action.ASK_TO_COMPARE)
    note = _clean_note(note, field="note", required=False)
    if not handoff_answerers(agency=to_agency):
        raise ValidationFailed(
            _("Nobody at that agency could answer."),
            fields={"match": [_("The agency leading that case has no active liaison or supervisor.")]},
        )
    needs_approval = handoff_needs_approval(access=access, to_agency_id=to_agency.pk)
    if needs_approval:
        _check_approvers(case=access.case, to_agency=to_agency)
    return _create(
        actor=actor,
        kind=HandoffKind.MATCH_REVIEW,
        case=access.case,
        task=None,
        from_agency=access.agency,
        to_agency=to_agency,
        note=note,
        urgent=False,
        needs_approval=needs_approval,
    )


def _require_status(handoff: Handoff, *statuses: str) -> None:
    if handoff.status in statuses:
        return
    if statuses == (HandoffStatus.AWAITING_APPROVAL,):
        raise Conflict(
            _("This handoff no longer awaits approval: it is %(status)s.")
            % {"status": _STATUS_IN_SENTENCE.get(handoff.status, handoff.status)}
        )
    raise Conflict(
        _("This handoff is already %(status)s.")
        % {"status": _STATUS_IN_SENTENCE.get(handoff.status, handoff.status)}
    )


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
            _("The assignee must work for the receiving agency."),
            fields={"assignee": [_("Choose a caseworker, liaison or supervisor of your agency.")]},
        )


@transaction.atomic
def handoff_accept(*, actor: User, handoff: Handoff, assignee: User | None = None, note: str = "") -> Handoff:
    """Take over the task (optionally assigning it to `assignee`) or the lead of the case. The
    receiving agency joins the case with its default grants if it had not; the sender is told."""
    handoff = get_handoff_for_user(user=actor, handoff_id=handoff.pk, lock=True)
    if not may_answer_handoff(user=actor, handoff=handoff):
        raise PermissionDenied(_("Only a liaison or supervisor of the receiving agency answers a handoff."))
    _require_status(handoff, HandoffStatus.PENDING)
    note = _clean_note(note, field="note", required=False)
    to_agency = handoff.to_agency
    if handoff.kind == HandoffKind.TASK:
        _check_assignee(assignee=assignee, agency=to_agency)
        task = Task.objects.select_for_update().get(handoffs=handoff)
        if task.status != TaskStatus.OPEN:
            raise Conflict(_("The task was completed meanwhile; it can no longer be handed off."))
        task.owner_agency = to_agency
        task.assignee = assignee
        task.version += 1
        task.save(update_fields=["owner_agency", "assignee", "version", "updated_at"])
        handoff.task = task
    elif assignee is not None:
        raise ValidationFailed(
            _("Only a task handoff has an assignee."), fields={"assignee": [_("Not used for this handoff.")]}
        )
    elif handoff.kind == HandoffKind.LEAD:
        case = Case.objects.select_for_update().get(pk=handoff.case.pk)
        case.lead_agency = to_agency
        case.version += 1
        case.save(update_fields=["lead_agency", "version", "updated_at"])
        handoff.case = case
    # Confirming a possible match brings nobody onto the asking case: inviting is a step of its own.
    if handoff.kind != HandoffKind.MATCH_REVIEW:
        participant_join(case=handoff.case, agency=to_agency, via=ParticipationVia.HANDOFF, actor=actor)
    _resolve(handoff, status=HandoffStatus.ACCEPTED, actor=actor, response_note=note)
    for hook in _accepted_hooks.values():
        hook(handoff=handoff, actor=actor)
    if handoff.kind == HandoffKind.MATCH_REVIEW:
        summary = f"{to_agency.name} confirmed that a case it leads is the same child."
    else:
        what = f"task {handoff.task.title}" if handoff.task is not None else "the lead of the case"
        summary = f"{to_agency.name} took over {what}."
    _record(handoff, kind="handoff_accepted", summary=summary, actor=actor)
    notify(
        recipients=handoff_sender_recipients(handoff=handoff),
        kind="handoff_accepted",
        case=handoff.case,
        task=handoff.task,
        handoff=handoff,
        message=Message(
            gettext_lazy("Case %(number)s: %(agency)s accepted %(subject)s your agency handed off."),
            number=handoff.case.number,
            agency=to_agency.name,
            subject=_subject_for_reader(handoff),
        ),
    )
    return handoff


@transaction.atomic
def handoff_approve(*, actor: User, handoff: Handoff) -> Handoff:
    """Let the receiving agency of a handoff awaiting approval learn of it: a liaison or supervisor
    of the lead agency, who may invite it, approves. The handoff is pending from now, with a fresh
    response window; the receiving agency's liaisons and supervisors are asked to answer and the
    sender is told."""
    handoff = get_handoff_for_user(user=actor, handoff_id=handoff.pk, lock=True)
    if not may_approve_handoff(user=actor, handoff=handoff):
        raise PermissionDenied(
            _("Only a liaison or supervisor of the lead agency approves bringing an agency onto the case.")
        )
    _require_status(handoff, HandoffStatus.AWAITING_APPROVAL)
    if handoff.task_id is not None:
        task = Task.objects.select_for_update().get(pk=handoff.task_id)
        if task.status != TaskStatus.OPEN:
            raise Conflict(_("The task was completed meanwhile; it can no longer be handed off."))
        handoff.task = task
    now = timezone.now()
    handoff.status = HandoffStatus.PENDING
    handoff.approved_by = actor
    handoff.approved_at = now
    handoff.respond_by = respond_by_for(created_at=now, urgent=handoff.urgent)
    handoff.save(update_fields=["status", "approved_by", "approved_at", "respond_by"])
    lead = handoff.case.lead_agency
    _record(
        handoff,
        kind="handoff_approved",
        summary=f"{lead.name} approved the handoff of {_subject(handoff)} to {handoff.to_agency.name}.",
        actor=actor,
        agencies=[handoff.from_agency_id, lead.pk, handoff.to_agency_id],
    )
    _ask_receiver(handoff)
    notify(
        recipients=handoff_sender_recipients(handoff=handoff),
        kind="handoff_approved",
        case=handoff.case,
        task=handoff.task,
        handoff=handoff,
        message=Message(
            gettext_lazy(
                "Case %(number)s: %(agency)s approved your agency's handoff of %(subject)s to %(receiver)s, "
                "who is asked to answer by %(deadline)s."
            ),
            number=handoff.case.number,
            agency=lead.name,
            subject=_subject_for_reader(handoff),
            receiver=handoff.to_agency.name,
            deadline=format_when_lazy(handoff.respond_by),
        ),
    )
    return handoff


@transaction.atomic
def handoff_decline(*, actor: User, handoff: Handoff, reason: str) -> Handoff:
    """Refuse the handoff, saying why: the receiving agency when it is pending, or the lead agency
    while it awaits its approval. The task (or lead) stays with the sender, who is told."""
    handoff = get_handoff_for_user(user=actor, handoff_id=handoff.pk, lock=True)
    by_receiver = may_answer_handoff(user=actor, handoff=handoff)
    if by_receiver:
        _require_status(handoff, HandoffStatus.PENDING)
        decliner = handoff.to_agency
        if handoff.kind == HandoffKind.MATCH_REVIEW:
            summary = f"{decliner.name} compared the possible match and found it is not the same child."
            told = gettext_lazy(
                "Case %(number)s: %(agency)s found the possible match your agency asked about is not the "
                "same child; %(outcome)s."
            )
        else:
            summary = f"{decliner.name} declined to take over {_subject(handoff)}."
            told = gettext_lazy(
                "Case %(number)s: %(agency)s declined %(subject)s your agency handed off; %(outcome)s."
            )
    elif may_approve_handoff(user=actor, handoff=handoff):
        _require_status(handoff, HandoffStatus.AWAITING_APPROVAL)
        decliner = handoff.case.lead_agency
        summary = (
            f"{decliner.name} declined to bring {handoff.to_agency.name} onto the case for "
            f"{_subject(handoff)}."
        )
        told = gettext_lazy(
            "Case %(number)s: %(agency)s declined your agency's handoff of %(subject)s to %(receiver)s, "
            "which does not take part in the case; %(outcome)s."
        )
    else:
        raise PermissionDenied(
            _(
                "Only a liaison or supervisor of the receiving agency answers a handoff, or of the "
                "lead agency "
                "while it awaits approval."
            )
        )
    reason = _clean_note(reason, field="reason", required=True)
    _resolve(handoff, status=HandoffStatus.DECLINED, actor=actor, response_note=reason)
    if by_receiver:
        for hook in _declined_hooks.values():
            hook(handoff=handoff, actor=actor)
    _record(handoff, kind="handoff_declined", summary=summary, actor=actor)
    notify(
        recipients=handoff_sender_recipients(handoff=handoff),
        kind="handoff_declined",
        case=handoff.case,
        task=handoff.task,
        handoff=handoff,
        message=Message(
            told,
            number=handoff.case.number,
            agency=decliner.name,
            subject=_subject_for_reader(handoff),
            receiver=handoff.to_agency.name,
            outcome=_outcome_for_reader(handoff),
        ),
    )
    return handoff


@transaction.atomic
def handoff_withdraw(*, actor: User, handoff: Handoff) -> Handoff:
    """The sending agency takes its request back, pending or still awaiting approval; whoever was
    asked to answer it (the receiving agency, or the lead agency) is told."""
    handoff = get_handoff_for_user(user=actor, handoff_id=handoff.pk, lock=True)
    if not may_withdraw_handoff(user=actor, handoff=handoff):
        raise PermissionDenied(_("Only the sending agency withdraws a handoff."))
    _require_status(handoff, *HANDOFF_OPEN_STATUSES)
    _resolve(handoff, status=HandoffStatus.WITHDRAWN, actor=actor)
    _record(
        handoff, kind="handoff_withdrawn", summary=f"Handoff of {_subject(handoff)} withdrawn.", actor=actor
    )
    if _in_approval(handoff):
        recipients = approving_liaisons(handoff=handoff)
        message = Message(
            gettext_lazy(
                "Case %(number)s: %(agency)s withdrew its handoff of %(subject)s to %(receiver)s, which "
                "awaited your agency's approval."
            ),
            number=handoff.case.number,
            agency=handoff.from_agency.name,
            subject=_subject_for_reader(handoff),
            receiver=handoff.to_agency.name,
        )
    else:
        recipients = receiving_liaisons(handoff=handoff)
        message = Message(
            gettext_lazy("Case %(number)s: %(agency)s withdrew its handoff of %(subject)s."),
            number=handoff.case.number,
            agency=handoff.from_agency.name,
            subject=_subject_for_reader(handoff),
        )
    notify(
        recipients=recipients,
        kind="handoff_withdrawn",
        case=handoff.case,
        task=handoff.task,
        handoff=handoff,
        message=message,
    )
    return handoff


@transaction.atomic
def handoff_expire(*, handoff: Handoff, now: datetime | None = None) -> Handoff:
    """Close a handoff nobody answered (or, awaiting approval, nobody at the lead agency approved)
    within its window; the task (or lead) stays with the sender, who is told. Called by the
    reminder sweep once it has reminded and escalated. Safe to call twice or to race an answer: a
    handoff that is no longer open is returned unchanged."""
    now = now or timezone.now()
    handoff = (
        Handoff.objects.select_for_update(of=("self",))
        .select_related("case", "case__lead_agency", "task", "from_agency", "to_agency", "created_by")
        .get(pk=handoff.pk)
    )
    if handoff.status not in HANDOFF_OPEN_STATUSES:
        return handoff
    if handoff.respond_by > now:
        raise Conflict(_("This handoff's response window is still open."))
    _resolve(handoff, status=HandoffStatus.EXPIRED, actor=None, at=now)
    if _in_approval(handoff):
        summary = (
            f"Handoff of {_subject(handoff)} to {handoff.to_agency.name} expired without the lead agency's "
            "approval."
        )
        told = gettext_lazy(
            "Case %(number)s: the lead agency did not approve your agency's handoff of %(subject)s to "
            "%(receiver)s in time; %(outcome)s."
        )
    else:
        summary = f"Handoff of {_subject(handoff)} to {handoff.to_agency.name} expired unanswered."
        told = gettext_lazy(
            "Case %(number)s: %(receiver)s did not answer your agency's handoff of %(subject)s in time; "
            "%(outcome)s."
        )
    _record(handoff, kind="handoff_expired", summary=summary, actor=None)
    notify(
        recipients=handoff_sender_recipients(handoff=handoff),
        kind="handoff_expired",
        case=handoff.case,
        task=handoff.task,
        handoff=handoff,
        message=Message(
            told,
            number=handoff.case.number,
            subject=_subject_for_reader(handoff),
            receiver=handoff.to_agency.name,
            outcome=_outcome_for_reader(handoff),
        ),
    )
    return handoff
