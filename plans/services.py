"""Every write of the case plan. Each is atomic, asks the case policy first (`Action.EDIT_PLAN`
for the draft, `Action.APPROVE_PLAN` for a decision) and writes its timeline line: submissions
and decisions in `core` without goal content, goal and action edits in the goal's section.

The draft carries an optimistic-concurrency `version` (the plan's ETag): every edit names the
version it was made against, and `0` while the case has no plan yet. A submitted plan is frozen
until a supervisor decides; the next edit after a decision starts a new draft.

On approval the plan's actions become tasks of their owner agencies in their goal's section (new
actions), their tasks follow the edits (changed ones) or are cancelled (cancelled actions and
actions of goals no longer active); the `case_plan_approved` case event is recorded, and its
deadline template ("Case plan review") makes the review due. Open review tasks of earlier
approvals are cancelled, so one review is due at a time."""

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency, Role, User
from casework.access import CASE_ROLES, Action, CaseAccess, agencies_reading, get_case_access
from casework.closure import ClosureBlocker
from casework.models import TASK_TITLE_MAX_LENGTH, Case, CaseEventType, Task, TaskStatus
from casework.sections import Section
from casework.services.events import case_event_record
from casework.timeline import timeline_record
from casework.translations import written_by_bridge
from common.dates import OUT_OF_RANGE_MESSAGE, within_supported_years
from common.errors import Conflict, NotFound, StaleVersion, ValidationFailed
from common.i18n import Message
from common.inputs import choice_errors, text_errors
from notifications.services import notify
from plans.models import (
    ACTION_DESCRIPTION_MAX_LENGTH,
    COMMENTS_MAX_LENGTH,
    DOMAIN_SECTIONS,
    GOAL_DESCRIPTION_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    ActionStatus,
    CasePlan,
    Decision,
    GoalDomain,
    GoalStatus,
    PlanAction,
    PlanGoal,
    PlanStatus,
    PlanSubmission,
)

GOAL_DOMAIN_CHOICES = GoalDomain.choices
GOAL_STATUS_CHOICES = GoalStatus.choices
ACTION_STATUS_CHOICES = ActionStatus.choices
GOAL_EDITABLE_FIELDS = ("description", "status", "review_on")
ACTION_EDITABLE_FIELDS = ("description", "owner_agency", "assignee", "due_at", "status")
TASK_TITLE_PREFIX = gettext_lazy("Case plan: %(action)s")


# --- the draft ---------------------------------------------------------------------------------


def _draft(
    *, actor: User, case_id: Any, expected_version: int, section: str = ""
) -> tuple[CaseAccess, CasePlan]:
    """The case's plan locked for an edit by `actor` (created at `expected_version` 0), having
    checked they may edit it (in `section`), that nobody changed it since `expected_version` and
    that it is not awaiting a decision."""
    access = get_case_access(user=actor, case_id=case_id, lock=True)
    access.require(Action.EDIT_PLAN, section=section)
    plan = CasePlan.objects.select_for_update().filter(case=access.case).first()
    if plan is None:
        if expected_version != 0:
            raise StaleVersion()
        plan = CasePlan.objects.create(case=access.case, created_by=actor)
        return access, plan
    if plan.version != expected_version:
        raise StaleVersion()
    if plan.status == PlanStatus.SUBMITTED:
        raise Conflict(_("The plan awaits a supervisor's decision: it cannot be edited until then."))
    return access, plan


def _touch(plan: CasePlan) -> None:
    plan.version += 1
    plan.status = PlanStatus.DRAFT
    plan.save(update_fields=["version", "status", "updated_at"])


def _date_errors(name: str, value: object, errors: dict[str, list[str]]) -> None:
    if not isinstance(value, date) or isinstance(value, datetime):
        errors[name] = [_("Give a date.")]
    elif not within_supported_years(value):
        errors[name] = [OUT_OF_RANGE_MESSAGE]


def _goal_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "domain" in values and (problems := choice_errors(values["domain"], GoalDomain.values)):
        errors["domain"] = problems
    if "status" in values and (problems := choice_errors(values["status"], GoalStatus.values)):
        errors["status"] = problems
    if "description" in values and (
        problems := text_errors(values["description"], max_length=GOAL_DESCRIPTION_MAX_LENGTH)
    ):
        errors["description"] = problems
    if "review_on" in values:
        _date_errors("review_on", values["review_on"], errors)
    return errors


def _goal_line(*, actor: User, goal: PlanGoal, summary: str) -> None:
    timeline_record(
        case=goal.case,
        kind="plan_goal_changed",
        summary=summary,
        actor=actor,
        section=goal.section,
        data={"goal": str(goal.pk)},
    )


@transaction.atomic
def plan_goal_add(
    *, actor: User, case: Case, expected_version: int, domain: str, description: str, review_on: date
) -> PlanGoal:
    """Add a goal to the draft. Its domain decides its section: the actor must read it."""
    if errors := _goal_errors({"domain": domain, "description": description, "review_on": review_on}):
        raise ValidationFailed(_("The goal could not be added."), fields=errors)
    section = DOMAIN_SECTIONS[domain]
    _access, plan = _draft(actor=actor, case_id=case.pk, expected_version=expected_version, section=section)
    goal = PlanGoal.objects.create(
        plan=plan,
        case_id=plan.case_id,
        domain=domain,
        section=section,
        description=description.strip(),
        review_on=review_on,
        created_by=actor,
    )
    _touch(plan)
    with translation.override("en"):  # the timeline stores its text, in English
        summary = f"Case plan goal added ({goal.get_domain_display()})."
    _goal_line(actor=actor, goal=goal, summary=summary)
    return goal


def get_plan_goal(*, access: CaseAccess, goal_id: Any) -> PlanGoal:
    """A goal of the case whose section the reader reads, or NotFound."""
    goal = PlanGoal.objects.filter(case_id=access.case.pk, pk=goal_id, section__in=access.readable).first()
    if goal is None:
        raise NotFound()
    return goal


@transaction.atomic
def plan_goal_update(*, actor: User, goal: PlanGoal, expected_version: int, **changes: Any) -> PlanGoal:
    """Change a goal's description, status (achieved or discontinued: nothing is deleted) or
    review date."""
    if unknown := sorted(set(changes) - set(GOAL_EDITABLE_FIELDS)):
        raise ValidationFailed(
            _("These fields cannot be changed."), fields={name: [_("Not editable.")] for name in unknown}
        )
    if errors := _goal_errors(changes):
        raise ValidationFailed(_("The goal could not be saved."), fields=errors)
    _access, plan = _draft(
        actor=actor, case_id=goal.case_id, expected_version=expected_version, section=goal.section
    )
    goal = PlanGoal.objects.select_for_update().get(pk=goal.pk)
    changed = []
    for name, value in changes.items():
        value = value.strip() if name == "description" else value
        if getattr(goal, name) != value:
            setattr(goal, name, value)
            changed.append(name)
    if not changed:
        return goal
    goal.save(update_fields=[*changed, "updated_at"])
    _touch(plan)
    with translation.override("en"):  # the timeline stores its text, in English
        summary = f"Case plan goal changed ({goal.get_domain_display()}: {', '.join(changed)})."
    _goal_line(actor=actor, goal=goal, summary=summary)
    return goal


def _action_errors(
    *, values: Mapping[str, Any], case: Case, section: str, owner: Agency
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "description" in values and (
        problems := text_errors(values["description"], max_length=ACTION_DESCRIPTION_MAX_LENGTH)
    ):
        errors["description"] = problems
    if "status" in values and (problems := choice_errors(values["status"], ActionStatus.values)):
        errors["status"] = problems
    if "due_at" in values:
        due_at = values["due_at"]
        if not isinstance(due_at, datetime) or timezone.is_naive(due_at):
            errors["due_at"] = [_("Give a date and time with its offset.")]
        elif not within_supported_years(due_at):
            errors["due_at"] = [OUT_OF_RANGE_MESSAGE]
    if "owner_agency" in values and owner.pk not in agencies_reading(case=case, section=section):
        errors["owner_agency"] = [
            _(
                "Choose an agency on the case that may read the %(section)s section: the task made from "
                "this action carries it."
            )
            % {"section": str(Section(section).label).lower()}
        ]
    assignee = values.get("assignee")
    if assignee is not None and (
        assignee.agency_id != owner.pk or assignee.role not in CASE_ROLES or not assignee.is_active
    ):
        errors["assignee"] = [_("Assign a case worker of the owner agency, or nobody.")]
    return errors


def _action_line(*, actor: User, action: PlanAction, summary: str) -> None:
    timeline_record(
        case=action.case,
        kind="plan_action_changed",
        summary=summary,
        actor=actor,
        section=action.section,
        data={"action": str(action.pk), "goal": str(action.goal_id)},
    )


@transaction.atomic
def plan_action_add(
    *,
    actor: User,
    goal: PlanGoal,
    expected_version: int,
    description: str,
    owner_agency: Agency,
    due_at: datetime,
    assignee: User | None = None,
) -> PlanAction:
    """Add an action to a goal of the draft, for an agency on the case that reads the goal's
    section; it becomes that agency's task when the plan is approved."""
    access, plan = _draft(
        actor=actor, case_id=goal.case_id, expected_version=expected_version, section=goal.section
    )
    values = {
        "description": description,
        "due_at": due_at,
        "owner_agency": owner_agency,
        "assignee": assignee,
    }
    if errors := _action_errors(values=values, case=access.case, section=goal.section, owner=owner_agency):
        raise ValidationFailed(_("The action could not be added."), fields=errors)
    if goal.status != GoalStatus.ACTIVE:
        raise Conflict(_("Actions are added to active goals only."))
    action = PlanAction.objects.create(
        goal=goal,
        case_id=goal.case_id,
        section=goal.section,
        description=description.strip(),
        owner_agency=owner_agency,
        assignee=assignee,
        due_at=due_at,
        created_by=actor,
    )
    _touch(plan)
    _action_line(actor=actor, action=action, summary=f"Case plan action added for {owner_agency.name}.")
    return action


def get_plan_action(*, access: CaseAccess, action_id: Any) -> PlanAction:
    action = (
        PlanAction.objects.filter(case_id=access.case.pk, pk=action_id, section__in=access.readable)
        .select_related("owner_agency")
        .first()
    )
    if action is None:
        raise NotFound()
    return action


@transaction.atomic
def plan_action_update(
    *, actor: User, action: PlanAction, expected_version: int, **changes: Any
) -> PlanAction:
    """Change an action's words, agency, assignee or due time, or cancel it (`status`)."""
    if unknown := sorted(set(changes) - set(ACTION_EDITABLE_FIELDS)):
        raise ValidationFailed(
            _("These fields cannot be changed."), fields={name: [_("Not editable.")] for name in unknown}
        )
    access, plan = _draft(
        actor=actor, case_id=action.case_id, expected_version=expected_version, section=action.section
    )
    action = PlanAction.objects.select_for_update().select_related("owner_agency").get(pk=action.pk)
    owner = changes.get("owner_agency", action.owner_agency)
    if "owner_agency" in changes and "assignee" not in changes and action.assignee_id is not None:
        changes["assignee"] = None
    if errors := _action_errors(values=changes, case=access.case, section=action.section, owner=owner):
        raise ValidationFailed(_("The action could not be saved."), fields=errors)
    if action.status == ActionStatus.CANCELLED:
        raise Conflict(_("A cancelled action stays cancelled: add a new one."))
    changed = []
    for name, value in changes.items():
        value = value.strip() if name == "description" else value
        if getattr(action, name) != value:
            setattr(action, name, value)
            changed.append(name)
    if not changed:
        return action
    action.save(update_fields=[*changed, "updated_at"])
    _touch(plan)
    summary = (
        "Case plan action cancelled."
        if "status" in changed
        else f"Case plan action changed ({', '.join(changed)})."
    )
    _action_line(actor=actor, action=action, summary=summary)
    return action


# --- submitting and deciding ------------------------------------------------------------------


def plan_snapshot(plan: CasePlan) -> dict[str, Any]:
    """Every goal and action of the draft with its section, as submitted."""
    goals = (
        PlanGoal.objects.filter(plan=plan)
        .prefetch_related("actions__owner_agency")
        .order_by("created_at", "pk")
    )
    return {
        "goals": [
            {
                "id": str(goal.pk),
                "domain": goal.domain,
                "section": goal.section,
                "description": goal.description,
                "status": goal.status,
                "review_on": goal.review_on.isoformat(),
                "actions": [
                    {
                        "id": str(action.pk),
                        "description": action.description,
                        "owner_agency": action.owner_agency_id,
                        "owner_agency_name": action.owner_agency.name,
                        "assignee": action.assignee_id,
                        "due_at": action.due_at.isoformat(),
                        "status": action.status,
                    }
                    for action in sorted(goal.actions.all(), key=lambda row: (row.created_at, str(row.pk)))
                ],
            }
            for goal in goals
        ]
    }


def _approver(*, access: CaseAccess, actor: User, approver: User | None) -> User:
    """The supervisor asked to decide: the one named, or the lead agency's only other supervisor."""
    lead_id = access.case.lead_agency_id
    if approver is None:
        supervisors = list(
            User.objects.filter(agency_id=lead_id, role=Role.SUPERVISOR, is_active=True).exclude(pk=actor.pk)[
                :2
            ]
        )
        if len(supervisors) != 1:
            raise ValidationFailed(
                _("Choose the supervisor who will decide."),
                fields={
                    "approver": [_("Required: name a supervisor of the lead agency other than yourself.")]
                },
            )
        return supervisors[0]
    if approver.agency_id != lead_id or approver.role != Role.SUPERVISOR or not approver.is_active:
        raise ValidationFailed(
            _("Choose a supervisor of the lead agency."),
            fields={"approver": [_("Must be an active supervisor of the lead agency.")]},
        )
    if approver.pk == actor.pk:
        raise ValidationFailed(
            _("You cannot approve your own submission."),
            fields={"approver": [_("Choose another supervisor: nobody approves their own submission.")]},
        )
    return approver


@transaction.atomic
def plan_submit(
    *, actor: User, case: Case, expected_version: int, summary: str = "", approver: User | None = None
) -> PlanSubmission:
    """Submit the draft for a supervisor's approval: a snapshot, and a core task for the chosen
    supervisor ("Review case plan submission #n"), due in BRIDGE_PLAN_APPROVAL_DAYS, which the
    task sweep reminds them of and escalates to the lead agency's supervisors when overdue."""
    if problems := text_errors(summary, max_length=SUMMARY_MAX_LENGTH, required=False):
        raise ValidationFailed(_("The summary is too long."), fields={"summary": problems})
    access, plan = _draft(actor=actor, case_id=case.pk, expected_version=expected_version)
    if plan.status == PlanStatus.APPROVED:
        raise Conflict(_("Nothing changed since the plan was approved."))
    if not PlanGoal.objects.filter(plan=plan).exists():
        raise Conflict(_("Add a goal before submitting the plan."))
    chosen = _approver(access=access, actor=actor, approver=approver)
    number = (PlanSubmission.objects.filter(plan=plan).aggregate(last=Max("number"))["last"] or 0) + 1
    case = access.case
    now = timezone.now()
    task = Task.objects.create(
        case=case,
        **written_by_bridge(
            lambda: {
                "title": _("Review case plan submission #%(number)s for case %(case)s")
                % {"number": number, "case": case.number},
                "description": _("Approve the submitted case plan, or return it with comments."),
            }
        ),
        owner_agency_id=case.lead_agency_id,
        assignee=chosen,
        due_at=now + timedelta(days=settings.BRIDGE_PLAN_APPROVAL_DAYS),
        created_by=actor,
        section=Section.CORE,
    )
    timeline_record(
        case=case,
        kind="task_created",
        summary=f"Task created: {task.title}.",
        actor=actor,
        agencies=[case.lead_agency_id],
        data={"task": str(task.pk)},
    )
    submission = PlanSubmission.objects.create(
        plan=plan,
        case=case,
        number=number,
        submitted_by=actor,
        submitted_at=now,
        summary=summary.strip(),
        snapshot=plan_snapshot(plan),
        approver=chosen,
        approval_task=task,
    )
    plan.status = PlanStatus.SUBMITTED
    plan.version += 1
    plan.save(update_fields=["status", "version", "updated_at"])
    timeline_record(
        case=case,
        kind="plan_submitted",
        summary=f"Case plan submitted for approval (submission #{number}).",
        actor=actor,
        data={"submission": str(submission.pk)},
    )
    notify(
        recipients=[chosen],
        kind="plan_submitted",
        case=case,
        task=task,
        message=Message(
            gettext_lazy("Case %(number)s: case plan submission #%(submission)s awaits your approval."),
            number=case.number,
            submission=number,
        ),
    )
    return submission


def get_plan_submission(*, actor: User, submission_id: Any) -> PlanSubmission:
    """A submission of a case the actor sees, or NotFound."""
    submission = PlanSubmission.objects.filter(pk=submission_id).first()
    if submission is None:
        raise NotFound()
    get_case_access(user=actor, case_id=submission.case_id)
    return submission


def _decision_access(
    *, actor: User, submission: PlanSubmission
) -> tuple[CaseAccess, PlanSubmission, CasePlan]:
    access = get_case_access(user=actor, case_id=submission.case_id, lock=True)
    access.require(Action.APPROVE_PLAN, submitted_by_id=submission.submitted_by_id)
    submission = PlanSubmission.objects.select_for_update().get(pk=submission.pk)
    if submission.decision:
        raise Conflict(
            _("This submission was approved already.")
            if submission.decision == Decision.APPROVED
            else _("This submission was returned with comments already.")
        )
    plan = CasePlan.objects.select_for_update().get(pk=submission.plan_id)
    return access, submission, plan


def _close_approval_task(*, actor: User, submission: PlanSubmission, outcome: str) -> None:
    task = Task.objects.select_for_update().get(pk=submission.approval_task_id)
    if task.status != TaskStatus.OPEN:
        return
    task.status = TaskStatus.DONE
    task.completed_at = timezone.now()
    task.completed_by = actor
    task.outcome = outcome
    task.version += 1
    task.save(update_fields=["status", "completed_at", "completed_by", "outcome", "version", "updated_at"])
    timeline_record(
        case=submission.case,
        kind="task_completed",
        summary=f"Task done: {task.title}. Outcome: {outcome}",
        actor=actor,
        agencies=[task.owner_agency_id] if task.owner_agency_id else [],
        data={"task": str(task.pk)},
    )


def _task_title(action: PlanAction) -> str:
    """The action's task's title in the active language: the action's words, shortened to fit."""
    room = TASK_TITLE_MAX_LENGTH - len(str(TASK_TITLE_PREFIX) % {"action": ""})
    words = " ".join(action.description.split())
    return str(TASK_TITLE_PREFIX) % {"action": words if len(words) <= room else words[: room - 1] + "…"}


def _task_texts(action: PlanAction) -> dict[str, Any]:
    """The title in every language (`written_by_bridge`); the description is the action's own."""
    return written_by_bridge(lambda: {"title": _task_title(action)})


def _cancel_task(*, actor: User, task: Task, reason: str) -> None:
    task.status = TaskStatus.CANCELLED
    task.cancel_reason = reason
    task.version += 1
    task.save(update_fields=["status", "cancel_reason", "version", "updated_at"])
    timeline_record(
        case=task.case,
        kind="task_cancelled",
        summary=f"Task cancelled: {task.title}.",
        actor=actor,
        section=task.section,
        agencies=[task.owner_agency_id] if task.owner_agency_id else [],
        data={"task": str(task.pk)},
    )


def _new_task(*, actor: User, action: PlanAction) -> Task:
    task = Task.objects.create(
        case_id=action.case_id,
        **_task_texts(action),
        description=action.description,
        owner_agency_id=action.owner_agency_id,
        assignee=action.assignee,
        due_at=action.due_at,
        created_by=actor,
        section=action.section,
    )
    timeline_record(
        case=action.case,
        kind="task_created",
        summary=f"Task created from the case plan: {task.title}.",
        actor=actor,
        section=task.section,
        agencies=[action.owner_agency_id],
        data={"task": str(task.pk), "plan_action": str(action.pk)},
    )
    return task


def _sync_tasks(*, actor: User, case: Case, plan: CasePlan, number: int) -> None:
    """Make the approved actions' tasks match them."""
    actions = list(
        PlanAction.objects.select_for_update(of=("self",))
        .filter(goal__plan=plan)
        .select_related("goal", "task", "case")
        .order_by("created_at", "pk")
    )
    readers: dict[str, set[int]] = {}
    for action in actions:
        live = action.status == ActionStatus.ACTIVE and action.goal.status == GoalStatus.ACTIVE
        task = action.task
        if not live:
            if task is not None and task.status == TaskStatus.OPEN:
                reason = f"Its case plan action ended with the plan approved as submission #{number}."
                _cancel_task(actor=actor, task=task, reason=reason)
            continue
        if action.section not in readers:
            readers[action.section] = agencies_reading(case=case, section=action.section)
        if action.owner_agency_id not in readers[action.section]:
            raise Conflict(
                _(
                    "An action's agency may no longer read its goal's section: return the plan so the action "
                    "is given to another agency."
                )
            )
        if (
            task is not None
            and task.status == TaskStatus.OPEN
            and task.owner_agency_id != action.owner_agency_id
        ):
            _cancel_task(actor=actor, task=task, reason="Its case plan action was given to another agency.")
            task = None
        if task is None:
            action.task = _new_task(actor=actor, action=action)
            action.save(update_fields=["task", "updated_at"])
            continue
        if task.status != TaskStatus.OPEN:
            continue
        wanted = {
            **_task_texts(action),
            "description": action.description,
            "assignee_id": action.assignee_id,
            "due_at": action.due_at,
        }
        changed = [name for name, value in wanted.items() if getattr(task, name) != value]
        if changed:
            for name in changed:
                setattr(task, name, wanted[name])
            task.version += 1
            task.save(update_fields=[*changed, "version", "updated_at"])
            timeline_record(
                case=case,
                kind="task_updated",
                summary=f"Task updated from the case plan: {task.title}.",
                actor=actor,
                section=task.section,
                agencies=[task.owner_agency_id] if task.owner_agency_id else [],
                data={"task": str(task.pk), "fields": changed},
            )


def _review(*, actor: User, case: Case, plan: CasePlan, number: int) -> None:
    """Record the approval as a case event, whose template makes the plan review due, after
    cancelling the open review of the previous approval. When a core goal is to be reviewed
    before the template's date, the review is due that day (goals of other sections do not move
    it: the review task is core)."""
    for task in Task.objects.select_for_update(of=("self",)).filter(
        case=case, status=TaskStatus.OPEN, event__type=CaseEventType.CASE_PLAN_APPROVED
    ):
        _cancel_task(
            actor=actor, task=task, reason=f"The case plan was approved again (submission #{number})."
        )
    recorded = case_event_record(
        actor=actor, case=case, event_type=CaseEventType.CASE_PLAN_APPROVED, occurred_at=timezone.now()
    )
    earliest = (
        PlanGoal.objects.filter(plan=plan, section=Section.CORE, status=GoalStatus.ACTIVE)
        .order_by("review_on")
        .values_list("review_on", flat=True)
        .first()
    )
    if earliest is None:
        return
    due = timezone.make_aware(datetime.combine(earliest, time(9)))
    for task in recorded.tasks:
        if task.owner_agency_id is not None and due < task.due_at:
            task.due_at = max(due, timezone.now())
            task.version += 1
            task.save(update_fields=["due_at", "version", "updated_at"])


@transaction.atomic
def plan_submission_approve(*, actor: User, submission: PlanSubmission, comments: str = "") -> PlanSubmission:
    """A supervisor of the lead agency, not the submitter, approves: the plan in force becomes
    this submission, its actions' tasks follow, and its review is due."""
    if problems := text_errors(comments, max_length=COMMENTS_MAX_LENGTH, required=False):
        raise ValidationFailed(_("The comments are too long."), fields={"comments": problems})
    access, submission, plan = _decision_access(actor=actor, submission=submission)
    case = access.case
    submission.decision = Decision.APPROVED
    submission.decided_by = actor
    submission.decided_at = timezone.now()
    submission.comments = comments.strip()
    submission.save(update_fields=["decision", "decided_by", "decided_at", "comments"])
    plan.status = PlanStatus.APPROVED
    plan.approved_submission = submission
    plan.version += 1
    plan.save(update_fields=["status", "approved_submission", "version", "updated_at"])
    _close_approval_task(actor=actor, submission=submission, outcome="Approved.")
    _sync_tasks(actor=actor, case=case, plan=plan, number=submission.number)
    timeline_record(
        case=case,
        kind="plan_approved",
        summary=f"Case plan approved (submission #{submission.number}).",
        actor=actor,
        data={"submission": str(submission.pk)},
    )
    _review(actor=actor, case=case, plan=plan, number=submission.number)
    notify(
        recipients=[submission.submitted_by],
        kind="plan_decided",
        case=case,
        message=Message(
            gettext_lazy("Case %(number)s: case plan submission #%(submission)s was approved."),
            number=case.number,
            submission=submission.number,
        ),
    )
    return submission


@transaction.atomic
def plan_submission_return(*, actor: User, submission: PlanSubmission, comments: str) -> PlanSubmission:
    """A supervisor of the lead agency, not the submitter, returns the plan with comments saying
    what to change; the draft is editable again."""
    if problems := text_errors(comments, max_length=COMMENTS_MAX_LENGTH, blank=_("Say what should change.")):
        raise ValidationFailed(_("Say why the plan is returned."), fields={"comments": problems})
    access, submission, plan = _decision_access(actor=actor, submission=submission)
    submission.decision = Decision.RETURNED
    submission.decided_by = actor
    submission.decided_at = timezone.now()
    submission.comments = comments.strip()
    submission.save(update_fields=["decision", "decided_by", "decided_at", "comments"])
    plan.status = PlanStatus.RETURNED
    plan.version += 1
    plan.save(update_fields=["status", "version", "updated_at"])
    _close_approval_task(actor=actor, submission=submission, outcome="Returned with comments.")
    timeline_record(
        case=access.case,
        kind="plan_returned",
        summary=f"Case plan returned with comments (submission #{submission.number}).",
        actor=actor,
        data={"submission": str(submission.pk)},
    )
    notify(
        recipients=[submission.submitted_by],
        kind="plan_decided",
        case=access.case,
        message=Message(
            gettext_lazy("Case %(number)s: case plan submission #%(submission)s was returned with comments."),
            number=access.case.number,
            submission=submission.number,
        ),
    )
    return submission


# --- closing the case (`casework.closure`) ----------------------------------------------------


def plan_closure_blockers(*, case: Case) -> list[ClosureBlocker]:
    """A submission awaiting a decision keeps the case open: a supervisor approves or returns it
    first, so no approval task is left behind on a closed case."""
    return [
        ClosureBlocker(
            key=f"plan_submission:{submission.pk}",
            message=_(
                "Case plan submission #%(submission)s awaits a supervisor's decision: approve or "
                "return it before closing the case."
            )
            % {"submission": submission.number},
        )
        for submission in PlanSubmission.objects.filter(case=case, decision=Decision.PENDING)
    ]


def plan_close(
    *, case: Case, actor: User, now: datetime, reason: str, justifications: Mapping[str, str]
) -> None:
    """A closed case's plan is no longer reviewed: its open review tasks are cancelled (their
    template does not repeat on a closed case either)."""
    for task in Task.objects.select_for_update(of=("self",)).filter(
        case=case, status=TaskStatus.OPEN, event__type=CaseEventType.CASE_PLAN_APPROVED
    ):
        _cancel_task(actor=actor, task=task, reason="The case was closed.")


def plan_merge(*, surviving_case: Case, merged_case: Case, actor: User, now: datetime) -> dict[str, int]:
    """A case has one plan (`casework.merge` participant). The merged case's plan, with its goals,
    actions and submissions, becomes the surviving case's when that case has none; otherwise it
    stays with the merged case as history and the surviving case's plan is the one in force."""
    plan = CasePlan.objects.filter(case=merged_case).first()
    if plan is None or CasePlan.objects.filter(case=surviving_case).exists():
        return {}
    plan.case = surviving_case
    plan.save(update_fields=["case", "updated_at"])
    moved = {"plans.caseplan": 1}
    for model in (PlanGoal, PlanAction, PlanSubmission):
        moved[model._meta.label_lower] = model.objects.filter(case=merged_case).update(case=surviving_case)
    return moved
