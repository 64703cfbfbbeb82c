"""The case policy's reverse direction, "who": who is on a case's team, who is told and who must
act (every rule that picks the people a notification, reminder or escalation about a case goes
to). Services and the deadline sweep ask here and pass the list to `notifications.notify`, which
decides nothing about cases.

Every list holds active members of one agency, in a fixed order (by id), so the same event
tells the same people in the same order however it is reached."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import partial

from agencies.models import Agency, Role, User
from casework.access.policy import CaseAccess
from casework.access.sql import WORK_ON_CASE
from casework.models import Case, CaseUserObjectPermission, Consent, Handoff, HandoffStatus, Task

ANSWERING_ROLES = (Role.LIAISON, Role.SUPERVISOR)


def _members(*, agency_id: int, roles: Iterable[str]) -> list[User]:
    return list(User.objects.filter(agency_id=agency_id, role__in=list(roles), is_active=True).order_by("pk"))


class AgencyDirectory:
    """Active liaisons and supervisors of agencies. Built with agency ids it reads them all in one
    query, for the deadline sweep, which asks about the same few agencies for thousands of tasks;
    built without, it asks the database each time."""

    def __init__(self, agency_ids: Iterable[int] = ()) -> None:
        self._members: dict[tuple[int, str], list[User]] | None = None
        ids = sorted(set(agency_ids))
        if ids:
            self._members = defaultdict(list)
            for user in User.objects.filter(
                agency_id__in=ids, role__in=ANSWERING_ROLES, is_active=True
            ).order_by("pk"):
                assert user.agency_id is not None
                self._members[(user.agency_id, user.role)].append(user)

    def members(self, *, agency_id: int, role: str) -> list[User]:
        if self._members is None or role not in ANSWERING_ROLES:
            return _members(agency_id=agency_id, roles=(role,))
        return list(self._members.get((agency_id, role), []))


def _first_non_empty(*groups: Callable[[], list[User]]) -> list[User]:
    for group in groups:
        people = group()
        if people:
            return people
    return []


def _liaisons_else_supervisors(*, agency_id: int, directory: AgencyDirectory | None = None) -> list[User]:
    people = directory or AgencyDirectory()
    return _first_non_empty(
        partial(people.members, agency_id=agency_id, role=Role.LIAISON),
        partial(people.members, agency_id=agency_id, role=Role.SUPERVISOR),
    )


def _supervisors_else_liaisons(*, agency_id: int, directory: AgencyDirectory | None = None) -> list[User]:
    people = directory or AgencyDirectory()
    return _first_non_empty(
        partial(people.members, agency_id=agency_id, role=Role.SUPERVISOR),
        partial(people.members, agency_id=agency_id, role=Role.LIAISON),
    )


def liaisons_of(*, agency_id: int) -> list[User]:
    """An agency's liaisons, or its supervisors when it has no liaison, so a message about work
    always reaches someone who can act on it."""
    return _liaisons_else_supervisors(agency_id=agency_id)


# --- tasks ----------------------------------------------------------------------------------
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
    return _liaisons_else_supervisors(agency_id=owner, directory=directory)


def task_escalation_recipients(*, task: Task, directory: AgencyDirectory | None = None) -> list[User]:
    """The owning agency's supervisors, or its liaisons when it has no supervisor; nobody for a
    task that waits for an owner."""
    owner = task.owner_agency_id
    if owner is None:
        return []
    return _supervisors_else_liaisons(agency_id=owner, directory=directory)


# --- consents -------------------------------------------------------------------------------


def consent_reminder_recipients(*, consent: Consent) -> list[User]:
    """The steward agency that recorded the consent: its liaisons and supervisors."""
    return _members(agency_id=consent.recorded_by_agency_id, roles=ANSWERING_ROLES)


# --- handoffs -------------------------------------------------------------------------------


def handoff_answerers(*, agency: Agency) -> list[User]:
    """Who answers a handoff to this agency (or approves one as the lead agency): its active
    liaisons and supervisors."""
    return _members(agency_id=agency.pk, roles=ANSWERING_ROLES)


def receiving_liaisons(*, handoff: Handoff) -> list[User]:
    """Who answers the handoff once it is pending: the receiving agency's liaisons (or supervisors)."""
    return liaisons_of(agency_id=handoff.to_agency_id)


def approving_liaisons(*, handoff: Handoff) -> list[User]:
    """Who approves a handoff that brings a new agency onto the case: the lead agency's liaisons
    (or supervisors)."""
    return liaisons_of(agency_id=handoff.case.lead_agency_id)


def handoff_reminder_recipients(*, handoff: Handoff) -> list[User]:
    """Who is reminded of an open handoff: the lead agency's liaisons while it awaits their
    approval (nothing of it reaches the receiving agency yet), else the receiving agency's."""
    if handoff.status == HandoffStatus.AWAITING_APPROVAL:
        return approving_liaisons(handoff=handoff)
    return receiving_liaisons(handoff=handoff)


def handoff_escalation_recipients(*, handoff: Handoff) -> list[User]:
    """The supervisors of the agency that should have answered, or its liaisons when it has no
    supervisor: the lead agency while the handoff awaits its approval, else the receiving agency."""
    if handoff.status == HandoffStatus.AWAITING_APPROVAL:
        agency_id = handoff.case.lead_agency_id
    else:
        agency_id = handoff.to_agency_id
    return _supervisors_else_liaisons(agency_id=agency_id)


def handoff_sender_recipients(*, handoff: Handoff) -> list[User]:
    """Who hears the answer: the person who proposed the handoff and the sending agency's
    liaisons (the proposer may be away; a liaison can act on the returned task)."""
    people = {user.pk: user for user in _members(agency_id=handoff.from_agency_id, roles=(Role.LIAISON,))}
    creator = handoff.created_by
    if creator.is_active and creator.agency_id == handoff.from_agency_id:
        people.setdefault(creator.pk, creator)
    return sorted(people.values(), key=lambda user: user.pk)


# --- break-glass ----------------------------------------------------------------------------


def break_glass_recipients(*, case: Case, stewards: Iterable[Agency], actor: User) -> list[User]:
    """Who hears of a break-glass opening: the lead agency's supervisors and the liaisons and
    supervisors of the section's steward agencies on the case, never the supervisor who opened it."""
    lead_supervisors = User.objects.filter(
        agency_id=case.lead_agency_id, role=Role.SUPERVISOR, is_active=True
    )
    steward_people = User.objects.filter(agency__in=list(stewards), role__in=ANSWERING_ROLES, is_active=True)
    people = (lead_supervisors | steward_people).distinct().order_by("pk")
    return [person for person in people if person.pk != actor.pk]


def case_team(*, access: CaseAccess) -> list[User]:
    """The reader's colleagues on this case's team (each agency builds its own team), active ones."""
    on_team = CaseUserObjectPermission.objects.filter(
        content_object=access.case,
        permission__codename=WORK_ON_CASE,
        permission__content_type__app_label=access.case._meta.app_label,
    ).values("user_id")
    return list(
        User.objects.filter(pk__in=on_team, agency_id=access.user.agency_id, is_active=True).order_by(
            "last_name", "first_name", "username"
        )
    )
