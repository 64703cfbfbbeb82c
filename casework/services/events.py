"""Recording case events and creating the tasks their deadline templates call for.

Who owns a task a template creates (documented in ARCHITECTURE.md):

* `recording_agency` templates: the agency that recorded the event.
* otherwise a participating agency of the template's `owner_kind`: the lead agency if it is of
  that kind, else the recording agency if it is, else the one that joined the case first;
* and when no participating agency is of that kind, the lead agency, with the task saying which
  kind of agency must be invited (and the task handed off to it).

Age-based templates need the date of birth in the identity section. When it is missing the task
is still created, due at once, and says so, so that somebody records it and sets the due time.

An event is shown in one section (`EVENT_SECTIONS`), chosen so that recording it tells nobody
more than the section it belongs to: immigration facts go to readers of `immigration` (8 U.S.C.
1367), removal from home and court hearings (which say where a child is or will be) to readers
of `location`, and what every participant must act on (trafficking identified, missing, located)
to `core`. The tasks it creates appear on the timeline only to the agency that owns each one.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from agencies.models import Agency, AgencyKind, User
from casework.access import CASE_ROLES, get_case_access
from casework.deadlines import compute_due, effective_templates, next_repeat_due
from casework.models import (
    Case,
    CaseEvent,
    CaseEventType,
    CaseStatus,
    DeadlineOwner,
    DeadlineTemplate,
    IdentitySection,
    Task,
)
from casework.sections import Section
from casework.timeline import timeline_record
from common.dates import OUT_OF_RANGE_MESSAGE, within_supported_years
from common.errors import ValidationFailed

EVENT_SECTIONS: dict[str, str] = {
    CaseEventType.SEX_TRAFFICKING_IDENTIFIED: Section.CORE,
    CaseEventType.MISSING_REPORTED: Section.CORE,
    CaseEventType.MISSING_LOCATED: Section.CORE,
    CaseEventType.FOREIGN_NATIONAL_MINOR_IDENTIFIED: Section.IMMIGRATION,
    CaseEventType.SIJS_CANDIDATE_IDENTIFIED: Section.IMMIGRATION,
    CaseEventType.INTERIM_ASSISTANCE_ISSUED: Section.IMMIGRATION,
    CaseEventType.U_VISA_CERTIFIED: Section.IMMIGRATION,
    CaseEventType.CONTINUED_PRESENCE_GRANTED: Section.IMMIGRATION,
    CaseEventType.REMOVED_FROM_HOME: Section.LOCATION,
    CaseEventType.COURT_HEARING_SCHEDULED: Section.LOCATION,
}

# What each event type may carry in `details`, and which of those are required.
EVENT_DETAILS: dict[str, frozenset[str]] = {CaseEventType.COURT_HEARING_SCHEDULED: frozenset({"hearing_at"})}

# Clocks on different machines disagree a little; an event "now" must not be refused.
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class RecordedEvent:
    event: CaseEvent
    tasks: list[Task]


def _parse_moment(value: object) -> datetime | None:
    if isinstance(value, datetime):
        moment: datetime | None = value
    elif isinstance(value, str):
        try:
            moment = parse_datetime(value)
        except ValueError:
            return None
    else:
        return None
    if moment is None or timezone.is_naive(moment):
        return None
    return moment


def _parse_hearing_at(value: object) -> tuple[datetime | None, str]:
    """The hearing time in UTC, or None and what to fix."""
    moment = _parse_moment(value)
    if moment is None:
        return None, "Give the hearing's date and time with its offset."
    if not within_supported_years(moment):
        return None, OUT_OF_RANGE_MESSAGE
    try:
        return moment.astimezone(UTC), ""
    except OverflowError:
        return None, OUT_OF_RANGE_MESSAGE


def _clean_details(event_type: str, details: object) -> tuple[dict[str, Any], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    if details is None:
        details = {}
    if not isinstance(details, Mapping):
        return {}, {"details": ["Expected an object."]}
    allowed = EVENT_DETAILS.get(event_type, frozenset())
    for key in sorted(set(details) - allowed):
        errors[f"details.{key}"] = ["Unknown field for this event type."]
    cleaned: dict[str, Any] = {}
    if "hearing_at" in allowed:
        hearing_at, problem = _parse_hearing_at(details.get("hearing_at"))
        if hearing_at is None:
            errors["details.hearing_at"] = [problem]
        else:
            cleaned["hearing_at"] = hearing_at.isoformat()
    return cleaned, errors


def _owner(
    *, template: DeadlineTemplate, case: Case, recorder: Agency, participants: list[Agency]
) -> tuple[Agency, str]:
    """The agency that owns the task, and the agency kind that must be invited ("" if none)."""
    kind = template.owner_kind
    if kind == DeadlineOwner.RECORDING_AGENCY:
        return recorder, ""
    for candidate in (case.lead_agency, recorder, *participants):
        if candidate.kind == kind:
            return candidate, ""
    return case.lead_agency, kind


def _description(template: DeadlineTemplate, *, warnings: list[str]) -> str:
    parts = [*warnings, template.description.strip(), f"Legal source: {template.legal_source}."]
    return "\n\n".join(part for part in parts if part)


def _dob_warning(template: DeadlineTemplate) -> str:
    return (
        "The child's date of birth is not recorded in the identity section, so this deadline "
        f"({template.offset} from the day the child turns {template.age_years}) could not be computed "
        "and the task is due at once: record the date of birth and set the due time."
    )


def _invite_warning(kind: str) -> str:
    label = AgencyKind(kind).label.lower()
    return (
        f"This is the work of a {label} agency, and none takes part in this case: invite one and hand this "
        "task off to it."
    )


def _create_tasks(*, event: CaseEvent, case: Case, actor: User, recorder: Agency) -> list[Task]:
    tz = timezone.get_default_timezone()
    now = timezone.now()
    jurisdiction = case.lead_agency.jurisdiction
    templates = list(
        DeadlineTemplate.objects.filter(
            active=True, trigger=event.type, jurisdiction__in={"US", jurisdiction}
        )
    )
    if not templates:
        return []
    date_of_birth = IdentitySection.objects.filter(case=case).values_list("date_of_birth", flat=True).first()
    hearing_at = _parse_moment(event.details.get("hearing_at"))
    due = {
        template.pk: compute_due(
            template, occurred_at=event.occurred_at, tz=tz, date_of_birth=date_of_birth, hearing_at=hearing_at
        )
        for template in templates
    }
    participants = list(
        Agency.objects.filter(participations__case=case).order_by("participations__joined_at", "pk")
    )
    tasks = []
    for template in effective_templates(
        templates, jurisdiction=jurisdiction, due_for=lambda template: due[template.pk] or now
    ):
        owner, missing_kind = _owner(
            template=template, case=case, recorder=recorder, participants=participants
        )
        warnings = []
        if missing_kind:
            warnings.append(_invite_warning(missing_kind))
        if due[template.pk] is None:
            warnings.append(_dob_warning(template))
        task = Task.objects.create(
            case=case,
            title=template.name,
            description=_description(template, warnings=warnings),
            owner_agency=owner,
            due_at=due[template.pk] or now,
            priority=template.priority,
            created_by=actor,
            template=template,
            event=event,
        )
        timeline_record(
            case=case,
            kind="task_created",
            summary=f"Task created: {task.title}.",
            actor=actor,
            agencies=[owner.pk],
            data={"task": str(task.pk), "template": template.key, "event": str(event.pk)},
        )
        tasks.append(task)
    return tasks


@transaction.atomic
def case_event_record(
    *,
    actor: User,
    case: Case,
    event_type: str,
    occurred_at: datetime,
    details: Mapping[str, Any] | None = None,
) -> RecordedEvent:
    """Record that something happened to the child and create the tasks the active deadline
    templates for it call for. Any case worker who sees the case may record any event: the
    person who learns that a child is missing must be able to start the clock."""
    access = get_case_access(user=actor, case_id=case.pk)
    case = access.case
    errors: dict[str, list[str]] = {}
    if event_type not in CaseEventType.values:
        errors["type"] = [f"Must be one of: {', '.join(CaseEventType.values)}."]
    if not isinstance(occurred_at, datetime) or timezone.is_naive(occurred_at):
        errors["occurred_at"] = ["Give a date and time with its offset."]
    elif occurred_at > timezone.now() + FUTURE_TOLERANCE:
        errors["occurred_at"] = ["An event cannot have occurred in the future."]
    cleaned_details, detail_errors = _clean_details(event_type, details)
    if event_type in CaseEventType.values:
        errors.update(detail_errors)
    if errors:
        raise ValidationFailed("The event could not be recorded.", fields=errors)
    recorder = access.agency
    event = CaseEvent.objects.create(
        case=case,
        type=event_type,
        occurred_at=occurred_at,
        details=cleaned_details,
        section=EVENT_SECTIONS[event_type],
        recorded_by=actor,
        recording_agency=recorder,
    )
    timeline_record(
        case=case,
        kind="case_event_recorded",
        summary=f"{CaseEventType(event_type).label} (recorded by {recorder.name}).",
        actor=actor,
        section=event.section,
        occurred_at=occurred_at,
        data={"event": str(event.pk), "type": event_type},
    )
    return RecordedEvent(
        event=event, tasks=_create_tasks(event=event, case=case, actor=actor, recorder=recorder)
    )


def task_repeat_schedule(*, task: Task, actor: User) -> Task | None:
    """After a task from a repeating template is done, create the next one (see
    `casework.deadlines.next_repeat_due`) for the same agency. Nothing when the template is no
    longer active or the case is closed.

    Precondition: call inside the completing transaction, holding the task row lock, after the
    task was marked done; that lock and the done-check make this run once per completion."""
    template = task.template
    if template is None or not template.repeats or not template.active or task.case.status != CaseStatus.OPEN:
        return None
    if task.completed_at is None:
        raise ValueError("Schedule the next task only after this one is marked done.")
    due_at = next_repeat_due(
        template, due_at=task.due_at, completed_at=task.completed_at, tz=timezone.get_default_timezone()
    )
    assignee = task.assignee
    if assignee is not None and (
        not assignee.is_active
        or assignee.agency_id != task.owner_agency_id
        or assignee.role not in CASE_ROLES
    ):
        assignee = None
    next_task = Task.objects.create(
        case=task.case,
        title=template.name,
        description=_description(template, warnings=[]),
        owner_agency_id=task.owner_agency_id,
        assignee=assignee,
        due_at=due_at,
        priority=template.priority,
        created_by=actor,
        template=template,
        event=task.event,
    )
    timeline_record(
        case=task.case,
        kind="task_created",
        summary=f"Next task scheduled: {next_task.title}.",
        actor=actor,
        agencies=[task.owner_agency_id],
        data={"task": str(next_task.pk), "template": template.key, "previous_task": str(task.pk)},
    )
    return next_task
