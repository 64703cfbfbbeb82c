"""Closing a case and reopening it.

A closing is asked for by the lead agency with a reason, a summary and, for each open deadline task
set by law and each record a feature app says must not be left behind (an ongoing service), a
justification; a supervisor of the lead agency other than the requester approves it or returns it
with comments, reminded and escalated through the review task the sweep already watches. Closing
keeps every record: open tasks are cancelled with the reason (which stops their reminders), open
handoffs end as withdrawn with the case's closing as their note, and feature apps end their own
(`casework.closure`). The lead agency reopens a closed case with a reason; the timeline shows both.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Role, User
from casework.access import (
    DENIALS,
    Action,
    CaseAccess,
    event_tasks_visible,
    get_case_access,
    parse_id,
)
from casework.access.audience import liaisons_of
from casework.closure import ClosureBlocker, closure_blockers_from_participants, closure_participants_close
from casework.models import (
    CLOSURE_SUMMARY_MAX_LENGTH,
    HANDOFF_OPEN_STATUSES,
    CaseClosure,
    CaseParticipant,
    CaseStatus,
    ClosureReason,
    ClosureStatus,
    Handoff,
    HandoffStatus,
    Task,
    TaskStatus,
)
from casework.timeline import in_english, timeline_record
from casework.translations import written_by_bridge
from common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from common.i18n import Message
from common.inputs import choice_errors, text_errors
from notifications.services import notify

# Input contract of the closing services.
CLOSURE_REASON_CHOICES = ClosureReason.choices
JUSTIFICATION_MAX_LENGTH = 2_000
DECISION_COMMENTS_MAX_LENGTH = 4_000
REOPEN_REASON_MAX_LENGTH = 2_000
NOTIFICATION_KIND = "case_closure"
TASK_BLOCKER_PREFIX = "task:"


def _review_window() -> timedelta:
    return timedelta(hours=settings.BRIDGE_CLOSURE_REVIEW_HOURS)


def statutory_tasks_open(*, access: CaseAccess) -> QuerySet[Task]:
    """The open deadline tasks set by law that the requester sees: each must be done or justified.
    Tasks the requester may not see are never named to them (DOMAIN rule 5); their agencies are told
    of the request and may finish them before a supervisor approves."""
    return (
        event_tasks_visible(access=access)
        .filter(status=TaskStatus.OPEN, template__isnull=False)
        .order_by("due_at")
    )


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def closure_blockers(*, access: CaseAccess) -> list[ClosureBlocker]:
    blockers = [
        ClosureBlocker(
            key=f"{TASK_BLOCKER_PREFIX}{task.pk}",
            message=_("The deadline task “%(title)s” (due %(due)s) is open.")
            % {"title": task.shown_title, "due": _when(task.due_at)},
            justifiable=True,
        )
        for task in statutory_tasks_open(access=access)
    ]
    return blockers + closure_blockers_from_participants(case=access.case)


def _unjustified(*, blockers: list[ClosureBlocker], justifications: Mapping[str, object]) -> list[str]:
    """What still holds the case open: each blocker that may not be justified, or is not."""
    problems = []
    for blocker in blockers:
        text = justifications.get(blocker.key)
        if not blocker.justifiable:
            problems.append(blocker.message)
        elif text is None or not str(text).strip():
            problems.append(
                _("%(blocker)s Complete it first, or say why the case may close with it open.")
                % {"blocker": blocker.message}
            )
        elif errors := text_errors(text, max_length=JUSTIFICATION_MAX_LENGTH):
            problems.append(f"{blocker.message} {errors[0]}")
    return problems


def _justification_errors(
    *, blockers: list[ClosureBlocker], justifications: Mapping[str, object]
) -> dict[str, list[str]]:
    known = {blocker.key for blocker in blockers}
    problems = [
        _("%(key)s: not something that holds this case open.") % {"key": key}
        for key in sorted(set(justifications) - known)
    ]
    problems += _unjustified(blockers=blockers, justifications=justifications)
    return {"justifications": problems} if problems else {}


def _check_reviewer(*, reviewer: User | None, access: CaseAccess, actor: User) -> list[str]:
    if (
        reviewer is None
        or reviewer.agency_id != access.case.lead_agency_id
        or reviewer.role != Role.SUPERVISOR
        or not reviewer.is_active
    ):
        return [_("Choose a supervisor of the lead agency.")]
    if reviewer.pk == actor.pk:
        return [_("Someone other than you approves your request.")]
    return []


def _participant_liaisons(*, access: CaseAccess, exclude_agency_id: int | None = None) -> list[User]:
    agency_ids = CaseParticipant.objects.filter(case=access.case).values_list("agency_id", flat=True)
    people: list[User] = []
    for agency_id in agency_ids:
        if agency_id != exclude_agency_id:
            people.extend(liaisons_of(agency_id=agency_id))
    return people


@transaction.atomic
def case_closure_request(
    *,
    actor: User,
    case_id: object,
    reason: str,
    summary: str,
    reviewer: User | None,
    justifications: Mapping[str, object] | None = None,
) -> CaseClosure:
    access = get_case_access(user=actor, case_id=case_id, lock=True)
    access.require(Action.REQUEST_CLOSURE)
    case = access.case
    if CaseClosure.objects.filter(case=case, status=ClosureStatus.AWAITING_APPROVAL).exists():
        raise Conflict(_("A closing request for this case is already awaiting approval."))
    justifications = dict(justifications or {})
    errors: dict[str, list[str]] = {}
    if problems := choice_errors(reason, ClosureReason.values):
        errors["reason"] = problems
    if problems := text_errors(summary, max_length=CLOSURE_SUMMARY_MAX_LENGTH):
        errors["summary"] = problems
    if problems := _check_reviewer(reviewer=reviewer, access=access, actor=actor):
        errors["reviewer"] = problems
    errors |= _justification_errors(blockers=closure_blockers(access=access), justifications=justifications)
    if errors:
        raise ValidationFailed(_("The case cannot be closed yet."), fields=errors)
    assert reviewer is not None
    now = timezone.now()
    requester = actor.get_full_name() or actor.username
    review_task = Task.objects.create(
        case=case,
        **written_by_bridge(
            lambda: {
                "title": _("Review the request to close the case"),
                "description": _("Closing requested by %(person)s: %(reason)s.")
                % {"person": requester, "reason": ClosureReason(reason).label},
            }
        ),
        owner_agency_id=case.lead_agency_id,
        assignee=reviewer,
        due_at=now + _review_window(),
        created_by=actor,
    )
    closure = CaseClosure.objects.create(
        case=case,
        reason=reason,
        summary=summary.strip(),
        task_justifications={
            key.removeprefix(TASK_BLOCKER_PREFIX): str(text).strip()
            for key, text in justifications.items()
            if key.startswith(TASK_BLOCKER_PREFIX)
        },
        blocker_justifications={
            key: str(text).strip()
            for key, text in justifications.items()
            if not key.startswith(TASK_BLOCKER_PREFIX)
        },
        requested_by=actor,
        requested_at=now,
        reviewer=reviewer,
        review_task=review_task,
    )
    label = in_english(ClosureReason(reason).label)
    timeline_record(case=case, kind="closure_requested", summary=f"Closing requested: {label}.", actor=actor)
    notify(
        recipients=[reviewer],
        kind=NOTIFICATION_KIND,
        case=case,
        task=review_task,
        message=Message(
            gettext_lazy("Case %(number)s: you are asked to approve its closing."), number=case.number
        ),
    )
    notify(
        recipients=_participant_liaisons(access=access, exclude_agency_id=case.lead_agency_id),
        kind=NOTIFICATION_KIND,
        case=case,
        message=Message(
            gettext_lazy(
                "Case %(number)s: its lead agency asks to close it. Finish or note your open work on it; "
                "its open tasks are cancelled when it closes."
            ),
            number=case.number,
        ),
    )
    return closure


def get_closure_for_user(*, user: User, closure_id: object, lock: bool = False) -> CaseClosure:
    """A closing request, for members of its case's lead agency only (NotFound for anyone else)."""
    queryset = CaseClosure.objects.select_related(
        "case", "requested_by", "reviewer", "decided_by", "review_task"
    )
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    try:
        closure = queryset.get(pk=parse_id(closure_id))
    except CaseClosure.DoesNotExist as error:
        raise NotFound() from error
    access = get_case_access(user=user, case_id=closure.case_id)
    if not access.is_lead:
        raise NotFound()
    return closure


def _decision_access(*, actor: User, closure: CaseClosure) -> CaseAccess:
    access = get_case_access(user=actor, case_id=closure.case_id, lock=True)
    if closure.status != ClosureStatus.AWAITING_APPROVAL:
        raise Conflict(
            _("This request was already %(status)s.") % {"status": closure.get_status_display().lower()}
        )
    access.require(Action.DECIDE_CLOSURE)
    if closure.requested_by_id == actor.pk:
        raise PermissionDenied(DENIALS[Action.DECIDE_CLOSURE])
    return access


def _finish_review_task(*, closure: CaseClosure, actor: User, outcome: str) -> None:
    now = timezone.now()
    Task.objects.filter(pk=closure.review_task.pk, status=TaskStatus.OPEN).update(
        status=TaskStatus.DONE,
        completed_at=now,
        completed_by=actor,
        outcome=outcome,
        version=F("version") + 1,
        updated_at=now,
    )


@transaction.atomic
def case_closure_approve(*, actor: User, closure_id: object, comments: str = "") -> CaseClosure:
    closure = get_closure_for_user(user=actor, closure_id=closure_id, lock=True)
    access = _decision_access(actor=actor, closure=closure)
    if problems := text_errors(comments, max_length=DECISION_COMMENTS_MAX_LENGTH, required=False):
        raise ValidationFailed(_("The comments are not valid."), fields={"comments": problems})
    justifications = {
        f"{TASK_BLOCKER_PREFIX}{key}": text for key, text in closure.task_justifications.items()
    }
    justifications |= closure.blocker_justifications
    # Blockers justified in the request that have since cleared (a task done) are no concern.
    if problems := _unjustified(blockers=closure_blockers(access=access), justifications=justifications):
        raise Conflict(
            _(
                "Since the request, the case has work that is neither done nor justified: %(problems)s "
                "Return the request so it can be justified."
            )
            % {"problems": " ".join(problems)}
        )
    now = timezone.now()
    case = access.case
    _finish_review_task(closure=closure, actor=actor, outcome=f"Approved. {comments}".strip())
    label = in_english(ClosureReason(closure.reason).label)
    _cancel_open_tasks(closure=closure, label=label, now=now)
    _end_open_handoffs(access=access, actor=actor, now=now)
    closure_participants_close(
        case=case, actor=actor, now=now, reason=closure.reason, justifications=closure.blocker_justifications
    )
    closure.status = ClosureStatus.APPROVED
    closure.decided_by = actor
    closure.decided_at = now
    closure.decision_comments = comments.strip()
    closure.save(update_fields=["status", "decided_by", "decided_at", "decision_comments"])
    case.status = CaseStatus.CLOSED
    case.version += 1
    case.save(update_fields=["status", "version", "updated_at"])
    timeline_record(case=case, kind="case_closed", summary=f"Case closed: {label}.", actor=actor)
    notify(
        recipients=[closure.requested_by, *_participant_liaisons(access=access)],
        kind=NOTIFICATION_KIND,
        case=case,
        message=Message(gettext_lazy("Case %(number)s was closed."), number=case.number),
    )
    return closure


def _cancel_open_tasks(*, closure: CaseClosure, label: str, now: datetime) -> None:
    """Cancel every open task on the case, each with why: the justification given for a deadline
    task set by law, else the closing's reason. Cancelled tasks are never reminded."""
    open_tasks = Task.objects.filter(case_id=closure.case_id, status=TaskStatus.OPEN)
    for task_id, text in closure.task_justifications.items():
        open_tasks.filter(pk=task_id).update(
            status=TaskStatus.CANCELLED,
            cancel_reason=f"The case was closed ({label}): {text}",
            version=F("version") + 1,
            updated_at=now,
        )
    open_tasks.update(
        status=TaskStatus.CANCELLED,
        cancel_reason=f"The case was closed ({label}).",
        version=F("version") + 1,
        updated_at=now,
    )


def _end_open_handoffs(*, access: CaseAccess, actor: User, now: datetime) -> None:
    """An open handoff on a closed case has nothing left to hand: it ends as withdrawn, its note
    saying why, and the agency that was asked is told."""
    handoffs = list(
        Handoff.objects.select_for_update().filter(case=access.case, status__in=HANDOFF_OPEN_STATUSES)
    )
    for handoff in handoffs:
        handoff.status = HandoffStatus.WITHDRAWN
        handoff.responded_by = actor
        handoff.responded_at = now
        handoff.response_note = "Ended: the case was closed."
        handoff.save(update_fields=["status", "responded_by", "responded_at", "response_note"])
        notify(
            recipients=liaisons_of(agency_id=handoff.to_agency_id),
            kind=NOTIFICATION_KIND,
            case=access.case,
            handoff=handoff,
            message=Message(
                gettext_lazy("Case %(number)s: a handoff to your agency ended because the case was closed."),
                number=access.case.number,
            ),
        )


@transaction.atomic
def case_closure_return(*, actor: User, closure_id: object, comments: str) -> CaseClosure:
    closure = get_closure_for_user(user=actor, closure_id=closure_id, lock=True)
    access = _decision_access(actor=actor, closure=closure)
    if problems := text_errors(comments, max_length=DECISION_COMMENTS_MAX_LENGTH):
        raise ValidationFailed(_("Say what needs to change."), fields={"comments": problems})
    now = timezone.now()
    _finish_review_task(closure=closure, actor=actor, outcome=f"Returned: {comments.strip()}")
    closure.status = ClosureStatus.RETURNED
    closure.decided_by = actor
    closure.decided_at = now
    closure.decision_comments = comments.strip()
    closure.save(update_fields=["status", "decided_by", "decided_at", "decision_comments"])
    timeline_record(
        case=access.case,
        kind="closure_returned",
        summary="Closing request returned with comments.",
        actor=actor,
    )
    notify(
        recipients=[closure.requested_by],
        kind=NOTIFICATION_KIND,
        case=access.case,
        message=Message(
            gettext_lazy("Case %(number)s: your request to close it was returned with comments."),
            number=access.case.number,
        ),
    )
    return closure


@transaction.atomic
def case_closure_withdraw(*, actor: User, closure_id: object) -> CaseClosure:
    """The requester, or a liaison or supervisor of the lead agency, takes a request back."""
    closure = get_closure_for_user(user=actor, closure_id=closure_id, lock=True)
    access = get_case_access(user=actor, case_id=closure.case_id, lock=True)
    if closure.status != ClosureStatus.AWAITING_APPROVAL:
        raise Conflict(
            _("This request was already %(status)s.") % {"status": closure.get_status_display().lower()}
        )
    if closure.requested_by_id != actor.pk and not access.is_liaison_or_supervisor:
        raise PermissionDenied(
            _("Only the person who asked, or a liaison or supervisor of the lead agency, withdraws it.")
        )
    now = timezone.now()
    Task.objects.filter(pk=closure.review_task.pk, status=TaskStatus.OPEN).update(
        status=TaskStatus.CANCELLED,
        cancel_reason="The closing request was withdrawn.",
        version=F("version") + 1,
        updated_at=now,
    )
    closure.status = ClosureStatus.WITHDRAWN
    closure.decided_by = actor
    closure.decided_at = now
    closure.save(update_fields=["status", "decided_by", "decided_at"])
    timeline_record(
        case=access.case, kind="closure_withdrawn", summary="Closing request withdrawn.", actor=actor
    )
    return closure


@transaction.atomic
def case_reopen(*, actor: User, case_id: object, reason: str) -> CaseClosure:
    """Reopen a closed case. Tasks cancelled at its closing stay cancelled (their reasons say
    why); new events start new clocks."""
    access = get_case_access(user=actor, case_id=case_id, lock=True)
    access.require(Action.REOPEN)
    if problems := text_errors(reason, max_length=REOPEN_REASON_MAX_LENGTH):
        raise ValidationFailed(_("Say why the case is reopened."), fields={"reason": problems})
    case = access.case
    closure = (
        CaseClosure.objects.select_for_update()
        .filter(case=case, status=ClosureStatus.APPROVED, reopened_at__isnull=True)
        .first()
    )
    if closure is None:
        raise Conflict(_("This case has no approved closing to reopen."))
    now = timezone.now()
    closure.reopened_by = actor
    closure.reopened_at = now
    closure.reopen_reason = reason.strip()
    closure.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])
    case.status = CaseStatus.OPEN
    case.version += 1
    case.save(update_fields=["status", "version", "updated_at"])
    timeline_record(
        case=case, kind="case_reopened", summary=f"Case reopened: {closure.reopen_reason}", actor=actor
    )
    notify(
        recipients=_participant_liaisons(access=access, exclude_agency_id=actor.agency_id),
        kind=NOTIFICATION_KIND,
        case=case,
        message=Message(gettext_lazy("Case %(number)s was reopened."), number=case.number),
    )
    return closure
