"""Creating, editing, assigning and completing tasks."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from agencies.models import Role, User
from casework.access import CASE_ROLES, case_access, get_task_for_user, task_shows_detail
from casework.models import Case, Task, TaskPriority, TaskStatus
from casework.services.events import task_repeat_schedule
from casework.timeline import timeline_record
from common.errors import Conflict, PermissionDenied, StaleVersion, ValidationFailed

EDITABLE_FIELDS = ("title", "description", "due_at", "priority", "assignee")


def _validate(values: dict[str, Any], *, owner_agency_id: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "title" in values:
        title = values["title"]
        if not isinstance(title, str) or not title.strip():
            errors["title"] = ["This field may not be blank."]
        elif len(title.strip()) > 200:
            errors["title"] = ["At most 200 characters."]
    if "due_at" in values and (
        not isinstance(values["due_at"], datetime) or timezone.is_naive(values["due_at"])
    ):
        errors["due_at"] = ["Give a date and time with its offset."]
    if "priority" in values and values["priority"] not in TaskPriority.values:
        errors["priority"] = [f"Must be one of: {', '.join(TaskPriority.values)}."]
    assignee = values.get("assignee")
    if assignee is not None and (
        assignee.agency_id != owner_agency_id or assignee.role not in CASE_ROLES or not assignee.is_active
    ):
        errors["assignee"] = ["Tasks are assigned to case workers of the owning agency."]
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
) -> Task:
    """A task owned by the actor's agency on a case the actor may see."""
    case_access(user=actor, case=case)
    assert actor.agency_id is not None
    values = {"title": title, "due_at": due_at, "priority": priority, "assignee": assignee}
    errors = _validate(values, owner_agency_id=actor.agency_id)
    if errors:
        raise ValidationFailed("The task could not be created.", fields=errors)
    task = Task.objects.create(
        case=case,
        title=title.strip(),
        description=description.strip(),
        owner_agency_id=actor.agency_id,
        assignee=assignee,
        due_at=due_at,
        priority=priority,
        created_by=actor,
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


def _may_assign(*, actor: User, task: Task, assignee: User | None) -> bool:
    """Supervisors reassign work inside their agency; anyone else may only claim an unassigned
    task for themselves or hand their own back."""
    if actor.role == Role.SUPERVISOR:
        return True
    claiming = task.assignee_id is None and assignee is not None and assignee.pk == actor.pk
    releasing = task.assignee_id == actor.pk and assignee is None
    return claiming or releasing


@transaction.atomic
def task_update(*, actor: User, task: Task, expected_version: int, **changes: Any) -> Task:
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationFailed("Unknown fields.", fields={name: ["Unknown field."] for name in unknown})
    task = get_task_for_user(user=actor, task_id=task.pk, lock=True)
    if task.version != expected_version:
        raise StaleVersion()
    if task.status != TaskStatus.OPEN:
        raise Conflict(f"A {task.get_status_display().lower()} task cannot be edited.")
    assert task.owner_agency_id is not None  # the lock above takes only the actor's agency's tasks
    if "description" in changes and not task_shows_detail(task):
        # Reading the title never implies writing what the reader may not read.
        raise PermissionDenied(
            "Your agency may not read this task's section, so it cannot edit its description."
        )
    errors = _validate(changes, owner_agency_id=task.owner_agency_id)
    if errors:
        raise ValidationFailed("The task could not be saved.", fields=errors)
    reassigning = "assignee" in changes and changes["assignee"] != task.assignee
    if reassigning and not _may_assign(actor=actor, task=task, assignee=changes["assignee"]):
        raise PermissionDenied("Only a supervisor reassigns work.")
    changed = []
    for name, value in changes.items():
        cleaned = value.strip() if isinstance(value, str) else value
        if getattr(task, name) != cleaned:
            setattr(task, name, cleaned)
            changed.append(name)
    if not changed:
        return task
    task.version += 1
    task.save(update_fields=[*changed, "version", "updated_at"])
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
def task_complete(*, actor: User, task: Task) -> Task:
    task = get_task_for_user(user=actor, task_id=task.pk, lock=True)
    assert task.owner_agency_id is not None  # the lock takes only the actor's agency's tasks
    if task.status == TaskStatus.DONE:
        raise Conflict("This task is already done.")
    if task.status == TaskStatus.CANCELLED:
        raise Conflict("This task was cancelled: its event was voided.")
    task.status = TaskStatus.DONE
    task.completed_at = timezone.now()
    task.completed_by = actor
    task.version += 1
    task.save(update_fields=["status", "completed_at", "completed_by", "version", "updated_at"])
    timeline_record(
        case=task.case,
        kind="task_completed",
        summary=f"Task done: {task.title}.",
        actor=actor,
        section=task.section,
        agencies=[task.owner_agency_id],
        data={"task": str(task.pk)},
    )
    task_repeat_schedule(task=task, actor=actor)
    return task
