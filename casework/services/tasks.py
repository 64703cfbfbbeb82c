"""Creating, editing, assigning and completing tasks."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import User
from audit.services import audit_record
from casework.access import (
    CASE_ROLES,
    get_case_access,
    get_task_for_user,
    may_assign_task,
    may_edit_task_detail,
)
from casework.models import TASK_TITLE_MAX_LENGTH, Case, Task, TaskPriority, TaskStatus
from casework.services.events import task_repeat_schedule
from casework.timeline import timeline_record
from casework.translations import Translations, without_fields
from common.dates import OUT_OF_RANGE_MESSAGE, within_supported_years
from common.errors import Conflict, PermissionDenied, StaleVersion, ValidationFailed
from common.inputs import choice_errors, text_errors, too_long

# Input contract of `task_create`, `task_update`, `task_complete` and `task_reopen`. A
# description is what a colleague needs to do the work; longer records belong in a note.
TASK_DESCRIPTION_MAX_LENGTH = 5_000
TASK_PRIORITY_CHOICES = TaskPriority.choices
OUTCOME_MAX_LENGTH = 4_000
STATUTORY_OUTCOME_REQUIRED = gettext_lazy(
    "Required for a deadline set by law: what was reported, to whom, the reference."
)
REASON_MAX_LENGTH = 1_000

EDITABLE_FIELDS = ("title", "description", "due_at", "priority", "assignee")


def _validate(values: dict[str, Any], *, owner_agency_id: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "title" in values and (problems := text_errors(values["title"], max_length=TASK_TITLE_MAX_LENGTH)):
        errors["title"] = problems
    if "description" in values and (
        problems := text_errors(values["description"], max_length=TASK_DESCRIPTION_MAX_LENGTH, required=False)
    ):
        errors["description"] = problems
    if "due_at" in values:
        due_at = values["due_at"]
        if not isinstance(due_at, datetime) or timezone.is_naive(due_at):
            errors["due_at"] = [_("Give a date and time with its offset.")]
        elif not within_supported_years(due_at):
            errors["due_at"] = [str(OUT_OF_RANGE_MESSAGE)]
    if "priority" in values and (problems := choice_errors(values["priority"], TaskPriority.values)):
        errors["priority"] = problems
    assignee = values.get("assignee")
    if assignee is not None and (
        assignee.agency_id != owner_agency_id or assignee.role not in CASE_ROLES or not assignee.is_active
    ):
        errors["assignee"] = [_("Tasks are assigned to case workers of the owning agency.")]
    return errors


@transaction.atomic
def task_create(
    *,
    actor: User,
    case: Case,
    title: str,
    due_at: datetime,
    description: str = "",
    priority: str = TaskPriority.NORMAL,
    assignee: User | None = None,
    translations: Translations | None = None,
) -> Task:
    """A task owned by the actor's agency on a case the actor may see, while it is open.
    `translations` are the title and description in other languages, when Bridge wrote them
    (`casework.translations.written_by_bridge`)."""
    get_case_access(user=actor, case_id=case.pk).require_open()
    assert actor.agency_id is not None
    values = {
        "title": title,
        "description": description,
        "due_at": due_at,
        "priority": priority,
        "assignee": assignee,
    }
    errors = _validate(values, owner_agency_id=actor.agency_id)
    if errors:
        raise ValidationFailed(_("The task could not be created."), fields=errors)
    task = Task.objects.create(
        case=case,
        title=title.strip(),
        description=description.strip(),
        owner_agency_id=actor.agency_id,
        assignee=assignee,
        due_at=due_at,
        priority=priority,
        created_by=actor,
        translations=dict(translations or {}),
    )
    timeline_record(
        case=case,
        kind="task_created",
        summary=f"Task created: {task.title}.",
        actor=actor,
        agencies=[actor.agency_id],
        data={"task": str(task.pk)},
    )
    return task


@transaction.atomic
def task_update(*, actor: User, task: Task, expected_version: int, **changes: Any) -> Task:
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationFailed(_("Unknown fields."), fields={name: [_("Unknown field.")] for name in unknown})
    task = get_task_for_user(user=actor, task_id=task.pk, lock=True)
    if task.version != expected_version:
        raise StaleVersion()
    if task.status != TaskStatus.OPEN:
        raise Conflict(
            _("A cancelled task cannot be edited.")
            if task.status == TaskStatus.CANCELLED
            else _("A done task cannot be edited.")
        )
    assert task.owner_agency_id is not None  # the lock above takes only the actor's agency's tasks
    if "description" in changes and not may_edit_task_detail(user=actor, task=task):
        # Reading the title never implies writing what the reader may not read.
        raise PermissionDenied(
            _("Your agency may not read this task's section, so it cannot edit its description.")
        )
    errors = _validate(changes, owner_agency_id=task.owner_agency_id)
    if errors:
        raise ValidationFailed(_("The task could not be saved."), fields=errors)
    reassigning = "assignee" in changes and changes["assignee"] != task.assignee
    if reassigning and not may_assign_task(user=actor, task=task, assignee=changes["assignee"]):
        raise PermissionDenied(_("Only a supervisor reassigns work."))
    changed = []
    for name, value in changes.items():
        cleaned = value.strip() if isinstance(value, str) else value
        if getattr(task, name) != cleaned:
            setattr(task, name, cleaned)
            changed.append(name)
    if not changed:
        return task
    retyped = {"title", "description"} & set(changed)
    if retyped and task.translations:
        task.translations = without_fields(task.translations, retyped)
        changed_fields = [*changed, "translations"]
    else:
        changed_fields = changed
    task.version += 1
    task.save(update_fields=[*changed_fields, "version", "updated_at"])
    summary = f"Task updated: {task.title} ({', '.join(changed)})."
    if changed == ["assignee"]:
        who = task.assignee.get_full_name() or task.assignee.username if task.assignee else "nobody"
        summary = f"Task {task.title} assigned to {who}."
    timeline_record(
        case=task.case,
        kind="task_updated",
        summary=summary,
        actor=actor,
        section=task.section,
        agencies=[task.owner_agency_id],
        data={"task": str(task.pk), "fields": changed},
    )
    return task


@transaction.atomic
def task_complete(*, actor: User, task: Task, outcome: str = "") -> Task:
    """Mark the task done with what was done. A deadline template's task is a statutory duty, so
    its outcome (what was reported, to whom, the reference number) is required."""
    task = get_task_for_user(user=actor, task_id=task.pk, lock=True)
    assert task.owner_agency_id is not None  # the lock takes only the actor's agency's tasks
    if task.status == TaskStatus.DONE:
        raise Conflict(_("This task is already done."))
    if task.status == TaskStatus.CANCELLED:
        raise Conflict(_("This task was cancelled: its event was voided."))
    outcome = outcome.strip()
    if task.template_id is not None and not outcome:
        raise ValidationFailed(
            _("Say what was done before marking this task done."),
            fields={"outcome": [STATUTORY_OUTCOME_REQUIRED]},
        )
    if len(outcome) > OUTCOME_MAX_LENGTH:
        raise ValidationFailed(
            _("The outcome is too long."), fields={"outcome": [too_long(OUTCOME_MAX_LENGTH)]}
        )
    task.status = TaskStatus.DONE
    task.completed_at = timezone.now()
    task.completed_by = actor
    task.outcome = outcome
    task.version += 1
    task.save(update_fields=["status", "completed_at", "completed_by", "outcome", "version", "updated_at"])
    timeline_record(
        case=task.case,
        kind="task_completed",
        summary=f"Task done: {task.title}." + (f" Outcome: {outcome}" if outcome else ""),
        actor=actor,
        section=task.section,
        agencies=[task.owner_agency_id],
        data={"task": str(task.pk)},
    )
    task_repeat_schedule(task=task, actor=actor)
    return task


def _next_in_series(task: Task) -> Task | None:
    """The task a repeating template scheduled when `task` was completed (`task_repeat_schedule`
    creates it in the completing transaction, so after `completed_at`), if any."""
    if task.template_id is None or task.completed_at is None:
        return None
    return (
        Task.objects.select_for_update()
        .filter(
            case_id=task.case_id,
            template_id=task.template_id,
            event_id=task.event_id,
            owner_agency_id=task.owner_agency_id,
            created_at__gte=task.completed_at,
        )
        .exclude(pk=task.pk)
        .order_by("created_at")
        .first()
    )


@transaction.atomic
def task_reopen(*, actor: User, task: Task, reason: str) -> Task:
    """Undo a completion, for the owning agency, with a reason. The outcome given on completion
    stays in the task's timeline line and history; the task is open again as it was.

    A repeating template's series has one open task: its next task, scheduled on completion, is
    withdrawn when nobody has touched it yet (still open, never edited, never offered to another
    agency), and the reopened task takes its place again. Once someone has worked on the next
    one, reopening the earlier one would make two open tasks of the series, so it is refused."""
    task = get_task_for_user(user=actor, task_id=task.pk, lock=True)
    assert task.owner_agency_id is not None  # the lock takes only the actor's agency's tasks
    if task.status != TaskStatus.DONE:
        raise Conflict(_("This task is open already."))
    if problems := text_errors(reason, max_length=REASON_MAX_LENGTH):
        raise ValidationFailed(_("Say why the task is reopened."), fields={"reason": problems})
    reason = reason.strip()
    following = _next_in_series(task)
    if following is not None:
        untouched = (
            following.status == TaskStatus.OPEN and following.version == 1 and not following.handoffs.exists()
        )
        if not untouched:
            raise Conflict(
                _("The next task of this series has been worked on already; carry on with that one instead.")
            )
        following.delete()
        timeline_record(
            case=task.case,
            kind="task_withdrawn",
            summary=f"Next task withdrawn: {following.title} (the earlier one was reopened).",
            actor=actor,
            section=task.section,
            agencies=[task.owner_agency_id],
            data={"task": str(following.pk), "reopened_task": str(task.pk)},
        )
    previous_outcome = task.outcome
    task.status = TaskStatus.OPEN
    task.completed_at = None
    task.completed_by = None
    task.outcome = ""
    task.version += 1
    task.save(update_fields=["status", "completed_at", "completed_by", "outcome", "version", "updated_at"])
    timeline_record(
        case=task.case,
        kind="task_reopened",
        summary=f"Task reopened: {task.title}. Reason: {reason}",
        actor=actor,
        section=task.section,
        agencies=[task.owner_agency_id],
        data={"task": str(task.pk), "previous_outcome": previous_outcome},
    )
    audit_record(
        event_type="task_reopened",
        user=actor,
        object_type="task",
        object_id=str(task.pk),
        case_id=task.case_id,
        section=task.section,
    )
    return task
