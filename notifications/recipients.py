"""Who a reminder goes to, and whether a reminder not yet emailed still holds.

The sweep asks these rules when a reminder fires; the email worker asks them again just before
sending, so completing a task, moving its due time or reassigning it cancels the email that
has not gone out yet."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import partial

from django.db.models import QuerySet

from agencies.models import Role, User
from casework.access import owner_sees_task
from casework.models import Consent, Handoff, HandoffStatus, Task, TaskStatus
from notifications.models import Notification, NotificationKind

APPROVAL_REMINDER_KINDS = frozenset(
    {NotificationKind.HANDOFF_APPROVAL_PENDING, NotificationKind.HANDOFF_APPROVAL_OVERDUE}
)


def agency_members(*, agency_id: int, roles: tuple[str, ...]) -> QuerySet[User]:
    return User.objects.filter(agency_id=agency_id, role__in=roles, is_active=True).order_by("pk")


class AgencyDirectory:
    """Active liaisons and supervisors of agencies. Built with agency ids it reads them all in one
    query, for the sweep, which asks about the same few agencies for thousands of tasks; built
    without, it asks the database each time."""

    PRELOADED_ROLES = (Role.LIAISON, Role.SUPERVISOR)

    def __init__(self, agency_ids: Iterable[int] = ()) -> None:
        self._members: dict[tuple[int, str], list[User]] | None = None
        ids = sorted(set(agency_ids))
        if ids:
            self._members = defaultdict(list)
            for user in User.objects.filter(
                agency_id__in=ids, role__in=self.PRELOADED_ROLES, is_active=True
            ).order_by("pk"):
                assert user.agency_id is not None
                self._members[(user.agency_id, user.role)].append(user)

    def members(self, *, agency_id: int, role: str) -> list[User]:
        if self._members is None or role not in self.PRELOADED_ROLES:
            return list(agency_members(agency_id=agency_id, roles=(role,)))
        return list(self._members.get((agency_id, role), []))


def _first_non_empty(*groups: Callable[[], list[User]]) -> list[User]:
    for group in groups:
        people = group()
        if people:
            return people
    return []


# Who hears of a task is always inside its owning agency, and only of a task that agency may see
# (`casework.access.owner_sees_task`): the sweep picks only those, and `stale_reason` checks again
# before an email goes out.


def task_reminder_recipients(*, task: Task, directory: AgencyDirectory | None = None) -> list[User]:
    """The assignee; for an unassigned task (or an assignee who left the agency) the owning
    agency's liaisons, or its supervisors when it has no liaison, so a reminder is never lost.
    Nobody for a task that waits for an owner."""
    owner = task.owner_agency_id
    if owner is None:
        return []
    assignee = task.assignee
    if assignee is not None and assignee.is_active and assignee.agency_id == owner:
        return [assignee]
    people = directory or AgencyDirectory()
    return _first_non_empty(
        partial(people.members, agency_id=owner, role=Role.LIAISON),
        partial(people.members, agency_id=owner, role=Role.SUPERVISOR),
    )


def task_escalation_recipients(*, task: Task, directory: AgencyDirectory | None = None) -> list[User]:
    """The owning agency's supervisors, or its liaisons when it has no supervisor; nobody for a
    task that waits for an owner."""
    owner = task.owner_agency_id
    if owner is None:
        return []
    people = directory or AgencyDirectory()
    return _first_non_empty(
        partial(people.members, agency_id=owner, role=Role.SUPERVISOR),
        partial(people.members, agency_id=owner, role=Role.LIAISON),
    )


def consent_reminder_recipients(*, consent: Consent) -> list[User]:
    """The steward agency that recorded the consent: its liaisons and supervisors."""
    return list(
        agency_members(agency_id=consent.recorded_by_agency_id, roles=(Role.LIAISON, Role.SUPERVISOR))
    )


def handoff_escalation_recipients(*, handoff: Handoff) -> list[User]:
    """The supervisors of the agency that should have answered, or its liaisons when it has no
    supervisor: the lead agency while the handoff awaits its approval, else the receiving agency."""
    if handoff.status == HandoffStatus.AWAITING_APPROVAL:
        agency_id = handoff.case.lead_agency_id
    else:
        agency_id = handoff.to_agency_id
    people = AgencyDirectory()
    return _first_non_empty(
        partial(people.members, agency_id=agency_id, role=Role.SUPERVISOR),
        partial(people.members, agency_id=agency_id, role=Role.LIAISON),
    )


def stale_reason(notification: Notification) -> str:
    """Why a reminder's email should no longer be sent, or "" when it still holds. Notifications
    that are not reminders never go stale."""
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
