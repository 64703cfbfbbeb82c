"""Recording case events and creating the tasks their deadline templates call for.

Each template names the section its subject belongs to (`DeadlineTemplate.section`), and the tasks
it creates carry that section (DOMAIN.md, "Derived records carry their section"): the task, its
timeline lines, reminders and notifications reach only agencies that may read the section, plus the
owner agency when the template asks something of that agency's kind (`asks_owner`), which sees
the task's title and due time only (`casework.access.task_shows_detail`).

Who owns a task a template creates (documented in ARCHITECTURE.md), where "reads" means holds an
active grant of the template's section on the case (every participant reads core):

* `recording_agency` templates: the agency that recorded the event if it reads the section, else
  the lead agency if it does;
* otherwise a participating agency of the template's `owner_kind` that reads the section (any
  agency of that kind when the template asks something of it): the lead agency if it is one, else
  the recording agency if it is, else the one that joined the case first;
* when there is none, the recording agency if it reads the section, else the lead agency if it
  does, with the task saying which kind of agency to invite (and to hand the task off to);
* when neither reads it, nobody: the task waits (`Task.awaits_kind`), the lead agency's liaisons
  are asked to invite an agency of that kind (for a `recording_agency` template, of the kind that
  stewards the section), and the first such agency to join the case is given it
  (`waiting_tasks_give`, called as it joins). A task is never given to an agency that may not see
  it.

Age-based templates need the date of birth in the identity section. When it is missing the task
is still created, due at once, and says so, so that somebody records it and sets the due time.

An event is shown in one section (`EVENT_SECTIONS`), chosen so that recording it tells nobody
more than the section it belongs to: immigration facts go to readers of `immigration` (8 U.S.C.
1367), removal from home and court hearings (which say where a child is or will be) to readers
of `location`, and what every participant must act on (trafficking identified, missing, located)
to `core`. The tasks it creates appear on the timeline in their own section, only to the agency
that owns each one (a waiting task's line to every reader of its section).
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from agencies.models import Agency, AgencyKind, User
from audit.services import audit_record
from casework.access import (
    CASE_ROLES,
    Action,
    agencies_reading,
    agency_may_hold_task,
    get_case_access,
    get_case_event,
)
from casework.access.audience import liaisons_of
from casework.deadlines import compute_due, effective_templates, next_repeat_due
from casework.models import (
    HEARING_EVENT_TYPES,
    Case,
    CaseEvent,
    CaseEventType,
    CaseStatus,
    DeadlineOwner,
    DeadlineTemplate,
    IdentitySection,
    Task,
    TaskStatus,
)
from casework.sections import RULES, Section
from casework.timeline import in_english, timeline_record
from casework.translations import written_by_bridge
from common.dates import OUT_OF_RANGE_MESSAGE, within_supported_years
from common.errors import Conflict, ValidationFailed
from common.i18n import Message
from common.inputs import text_errors
from notifications.services import notify

EVENT_SECTIONS: dict[str, str] = {
    CaseEventType.SEX_TRAFFICKING_IDENTIFIED: Section.CORE,
    CaseEventType.LABOR_TRAFFICKING_IDENTIFIED: Section.CORE,
    CaseEventType.MISSING_REPORTED: Section.CORE,
    CaseEventType.MISSING_LOCATED: Section.CORE,
    CaseEventType.FOREIGN_NATIONAL_MINOR_IDENTIFIED: Section.IMMIGRATION,
    CaseEventType.SIJS_CANDIDATE_IDENTIFIED: Section.IMMIGRATION,
    CaseEventType.INTERIM_ASSISTANCE_ISSUED: Section.IMMIGRATION,
    CaseEventType.U_VISA_CERTIFIED: Section.IMMIGRATION,
    CaseEventType.CONTINUED_PRESENCE_GRANTED: Section.IMMIGRATION,
    CaseEventType.REMOVED_FROM_HOME: Section.LOCATION,
    CaseEventType.PLACEMENT_CHANGED: Section.LOCATION,
    CaseEventType.COURT_HEARING_SCHEDULED: Section.LOCATION,
    # The criminal case is investigation content: a release or escape names a defendant's custody.
    CaseEventType.CRIMINAL_PROCEEDING_SCHEDULED: Section.INVESTIGATION,
    CaseEventType.DEFENDANT_RELEASED: Section.INVESTIGATION,
    CaseEventType.DEFENDANT_ESCAPED: Section.INVESTIGATION,
    # Recorded by `plans` on each approval; says nothing of the plan's goals.
    CaseEventType.CASE_PLAN_APPROVED: Section.CORE,
}

# What each event type may carry in `details`, and which of those are required.
EVENT_DETAILS: dict[str, frozenset[str]] = {
    event_type: frozenset({"hearing_at"}) for event_type in HEARING_EVENT_TYPES
}

# Clocks on different machines disagree a little; an event "now" must not be refused.
FUTURE_TOLERANCE = timedelta(minutes=5)

# Input contract of `case_event_record`, `case_event_correct` and `case_event_void` (with
# EVENT_DETAILS above and `common.dates` for the span of times).
EVENT_TYPE_CHOICES = CaseEventType.choices
REASON_MAX_LENGTH = 1_000


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
        return None, _("Give the hearing's date and time with its offset.")
    if not within_supported_years(moment):
        return None, str(OUT_OF_RANGE_MESSAGE)
    try:
        return moment.astimezone(UTC), ""
    except OverflowError:
        return None, str(OUT_OF_RANGE_MESSAGE)


def _occurred_at_problem(occurred_at: object) -> str:
    """What is wrong with an event's time, or ""."""
    if not isinstance(occurred_at, datetime) or timezone.is_naive(occurred_at):
        return _("Give the date and time it happened, with its offset.")
    if not within_supported_years(occurred_at):
        return str(OUT_OF_RANGE_MESSAGE)
    if occurred_at > timezone.now() + FUTURE_TOLERANCE:
        return _("An event cannot have happened in the future: give the time it happened.")
    return ""


def _clean_details(event_type: str, details: object) -> tuple[dict[str, Any], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    if details is None:
        details = {}
    if not isinstance(details, Mapping):
        return {}, {"details": [_("Expected an object.")]}
    allowed = EVENT_DETAILS.get(event_type, frozenset())
    for key in sorted(set(details) - allowed):
        errors[f"details.{key}"] = [_("Unknown field for this event type.")]
    cleaned: dict[str, Any] = {}
    if "hearing_at" in allowed:
        hearing_at, problem = _parse_hearing_at(details.get("hearing_at"))
        if hearing_at is None:
            errors["details.hearing_at"] = [problem]
        else:
            cleaned["hearing_at"] = hearing_at.isoformat()
    return cleaned, errors


@dataclass(frozen=True)
class _Ownership:
    """Who a template's task goes to: an agency, with a prompt for its description (None if none);
    or nobody, and the kind of agency the task waits for."""

    agency: Agency | None
    prompt: Message | None = None
    awaits_kind: str = ""


def _kind_label(kind: str) -> str:
    """The kind in English, for the task descriptions and timeline lines Bridge stores."""
    return in_english(AgencyKind(kind).label).lower()


def _kind_label_for_reader(kind: str) -> str:
    return str(AgencyKind(kind).label).lower()


# For text rendered later in its reader's language (`Message` values).
_kind_label_for_reader_lazy = lazy(_kind_label_for_reader, str)


def _waiting_kind(template: DeadlineTemplate) -> str:
    """The kind of agency a task nobody on the case may hold waits for: the template's owner kind,
    or for a `recording_agency` template a kind that stewards the section (which reads it)."""
    if template.owner_kind != DeadlineOwner.RECORDING_AGENCY:
        return template.owner_kind
    stewards = RULES[template.section].steward_kinds
    assert stewards, "only a section some kind stewards can be unreadable to every participant"
    return sorted(stewards)[0]


def _owner(
    *, template: DeadlineTemplate, case: Case, recorder: Agency, participants: list[Agency], readers: set[int]
) -> _Ownership:
    """DOMAIN.md's rule (see the module docstring); `readers` are the agencies reading the
    template's section on the case."""

    def reads(agency: Agency) -> bool:
        return template.section == Section.CORE or agency.pk in readers

    kind = template.owner_kind
    if kind == DeadlineOwner.RECORDING_AGENCY:
        for candidate in (recorder, case.lead_agency):
            if reads(candidate):
                return _Ownership(candidate)
        return _Ownership(None, awaits_kind=_waiting_kind(template))
    of_kind = [agency for agency in (case.lead_agency, recorder, *participants) if agency.kind == kind]
    for candidate in of_kind:
        if template.asks_owner or reads(candidate):
            return _Ownership(candidate)
    prompt = _share_warning(kind) if of_kind else _invite_warning(kind)
    for candidate in (recorder, case.lead_agency):
        if reads(candidate):
            return _Ownership(candidate, prompt=prompt)
    return _Ownership(None, awaits_kind=kind)


def _description(template: DeadlineTemplate, *, warnings: list[Message]) -> str:
    """The task's description in the active language: the warnings, what to do, the source."""
    source = _("Legal source: %(source)s.") % {"source": template.legal_source}
    parts = [*(str(warning) for warning in warnings), template.shown_description.strip(), source]
    return "\n\n".join(part for part in parts if part)


def _task_texts(template: DeadlineTemplate, *, warnings: list[Message]) -> dict[str, Any]:
    """A template's task's title and description, in every language (`written_by_bridge`)."""
    return written_by_bridge(
        lambda: {"title": template.shown_name, "description": _description(template, warnings=warnings)}
    )


def _dob_warning(template: DeadlineTemplate) -> Message:
    return Message(
        gettext_lazy(
            "The child's date of birth is not recorded in the identity section, so this deadline "
            "(%(offset)s from the day the child turns %(age)s) could not be computed and the task is due "
            "at once: record the date of birth and set the due time."
        ),
        offset=template.offset,
        age=template.age_years,
    )


def _invite_warning(kind: str) -> Message:
    return Message(
        gettext_lazy(
            "This is the work of a %(kind)s agency, and none takes part in this case: invite one and "
            "hand this task off to it."
        ),
        kind=_kind_label_for_reader_lazy(kind),
    )


def _share_warning(kind: str) -> Message:
    return Message(
        gettext_lazy(
            "This is the work of a %(kind)s agency, and none on this case may read this task's section: "
            "have it shared with one (or invite one) and hand this task off to it."
        ),
        kind=_kind_label_for_reader_lazy(kind),
    )


def _waiting_warning(kind: str) -> Message:
    return Message(
        gettext_lazy(
            "No agency on this case that may read this task's section can take it: it waits for a "
            "%(kind)s agency to be invited and goes to the first that joins."
        ),
        kind=_kind_label_for_reader_lazy(kind),
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
    chosen = effective_templates(
        templates, jurisdiction=jurisdiction, due_for=lambda template: due[template.pk] or now
    )
    readers = {
        section: agencies_reading(case=case, section=section)
        for section in {template.section for template in chosen} - {Section.CORE}
    }
    tasks = []
    for template in chosen:
        ownership = _owner(
            template=template,
            case=case,
            recorder=recorder,
            participants=participants,
            readers=readers.get(template.section, set()),
        )
        warnings = []
        if ownership.prompt:
            warnings.append(ownership.prompt)
        if ownership.awaits_kind:
            warnings.append(_waiting_warning(ownership.awaits_kind))
        if due[template.pk] is None:
            warnings.append(_dob_warning(template))
        task = Task.objects.create(
            case=case,
            **_task_texts(template, warnings=warnings),
            owner_agency=ownership.agency,
            awaits_kind=ownership.awaits_kind,
            due_at=due[template.pk] or now,
            priority=template.priority,
            created_by=actor,
            template=template,
            event=event,
            section=template.section,
        )
        waiting = f", waiting for a {_kind_label(task.awaits_kind)} agency" if task.awaits_kind else ""
        timeline_record(
            case=case,
            kind="task_created",
            summary=f"Task created{waiting}: {task.title}.",
            actor=actor,
            section=task.section,
            # A waiting task is no agency's yet: every reader of its section sees that it waits.
            agencies=[ownership.agency.pk] if ownership.agency is not None else [],
            data={"task": str(task.pk), "template": template.key, "event": str(event.pk)},
        )
        tasks.append(task)
    _ask_lead_to_invite(case=case, actor=actor, waiting=[task for task in tasks if task.awaits_kind])
    return tasks


def _ask_lead_to_invite(*, case: Case, actor: User, waiting: list[Task]) -> None:
    """Tell the lead agency's liaisons which kind of agency the waiting tasks need, and nothing of
    the tasks: the lead agency may not read their section."""
    counts = Counter(task.awaits_kind for task in waiting)
    for kind, count in sorted(counts.items()):
        label = _kind_label(kind)
        deadlines = "A deadline waits" if count == 1 else f"{count} deadlines wait"
        timeline_record(
            case=case,
            kind="task_waiting",
            summary=f"{deadlines} for a {label} agency to be invited.",
            actor=actor,
            agencies=[case.lead_agency_id],
            data={"awaits_kind": kind, "count": count},
        )
        notify(
            recipients=liaisons_of(agency_id=case.lead_agency_id),
            kind="task_waiting",
            case=case,
            message=Message(
                ngettext_lazy(
                    "Case %(number)s: a deadline waits for a %(kind)s agency to be invited: no agency "
                    "taking part may take it. Please invite one.",
                    "Case %(number)s: %(count)s deadlines wait for a %(kind)s agency to be invited: "
                    "no agency "
                    "taking part may take them. Please invite one.",
                    count,
                ),
                number=case.number,
                count=count,
                kind=_kind_label_for_reader_lazy(kind),
            ),
        )


def waiting_tasks_give(*, case: Case, agency: Agency, actor: User | None) -> list[Task]:
    """Give the tasks waiting on `case` for an agency of `agency`'s kind to `agency`, each only if
    `agency` may see it, and tell its liaisons. Returns the tasks given.

    Precondition: call inside the transaction that made `agency` a participant, after its
    default grants were created."""
    waiting = list(
        Task.objects.select_for_update(of=("self",))
        .select_related("template")
        .filter(case=case, owner_agency__isnull=True, awaits_kind=agency.kind, status=TaskStatus.OPEN)
        .order_by("due_at", "pk")
    )
    given = []
    for task in waiting:
        if not agency_may_hold_task(agency=agency, task=task):
            continue
        task.owner_agency = agency
        task.awaits_kind = ""
        task.version += 1
        task.save(update_fields=["owner_agency", "awaits_kind", "version", "updated_at"])
        timeline_record(
            case=case,
            kind="task_given",
            summary=f"Task given to {agency.name}, which joined the case: {task.title}.",
            actor=actor,
            section=task.section,
            agencies=[agency.pk],
            data={"task": str(task.pk)},
        )
        given.append(task)
    if given:
        notify(
            recipients=liaisons_of(agency_id=agency.pk),
            kind="task_given",
            case=case,
            task=given[0] if len(given) == 1 else None,
            message=Message(
                ngettext_lazy(
                    "Case %(number)s: a deadline waiting for a %(kind)s agency is now your agency's.",
                    "Case %(number)s: %(count)s deadlines waiting for a %(kind)s agency "
                    "are now your agency's.",
                    len(given),
                ),
                number=case.number,
                count=len(given),
                kind=_kind_label_for_reader_lazy(agency.kind),
            ),
        )
    return given


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
    access.require_open()
    case = access.case
    errors: dict[str, list[str]] = {}
    if event_type not in CaseEventType.values:
        errors["type"] = [
            _("Choose what happened, one of: %(types)s.") % {"types": ", ".join(CaseEventType.values)}
        ]
    occurred_problem = _occurred_at_problem(occurred_at)
    if occurred_problem:
        errors["occurred_at"] = [occurred_problem]
    cleaned_details, detail_errors = _clean_details(event_type, details)
    if event_type in CaseEventType.values:
        errors.update(detail_errors)
    if errors:
        raise ValidationFailed(_("The event could not be recorded."), fields=errors)
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
        summary=f"{in_english(CaseEventType(event_type).label)} (recorded by {recorder.name}).",
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
    # Only an owning agency completes a task, so the next one has an owner too.
    assert task.owner_agency_id is not None
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
        **_task_texts(template, warnings=[]),
        owner_agency_id=task.owner_agency_id,
        assignee=assignee,
        due_at=due_at,
        priority=template.priority,
        created_by=actor,
        template=template,
        event=task.event,
        section=task.section,
    )
    timeline_record(
        case=task.case,
        kind="task_created",
        summary=f"Next task scheduled: {next_task.title}.",
        actor=actor,
        section=next_task.section,
        agencies=[task.owner_agency_id],
        data={"task": str(next_task.pk), "template": template.key, "previous_task": str(task.pk)},
    )
    return next_task


# --- correcting and voiding ------------------------------------------------------------------


@dataclass(frozen=True)
class CorrectedEvent:
    event: CaseEvent
    # The open tasks whose due time moved, and the tasks cancelled (on a void).
    updated: list[Task]
    cancelled: list[Task]


def _clean_reason(reason: object, *, doing: str) -> str:
    asked = (
        _("Say why the event is being voided.")
        if doing == "voided"
        else _("Say why the event is being corrected.")
    )
    if problems := text_errors(reason, max_length=REASON_MAX_LENGTH, blank=asked):
        raise ValidationFailed(asked, fields={"reason": problems})
    assert isinstance(reason, str)  # text_errors refuses anything else as blank
    return reason.strip()


def _event_to_change(*, actor: User, case: Case, event_id: object, doing: str) -> tuple[CaseEvent, Agency]:
    access = get_case_access(user=actor, case_id=case.pk)
    event = get_case_event(access=access, event_id=event_id, lock=True)
    access.require(Action.CORRECT_EVENT, event=event)
    if event.voided_at is not None:
        raise Conflict(
            _("This event was voided; it can no longer be voided.")
            if doing == "voided"
            else _("This event was voided; it can no longer be corrected.")
        )
    return event, access.agency


def _event_tasks(event: CaseEvent) -> list[Task]:
    return list(
        Task.objects.select_for_update(of=("self",))
        .select_related("template")
        .filter(event=event)
        .order_by("created_at", "pk")
    )


@transaction.atomic
def case_event_correct(
    *,
    actor: User,
    case: Case,
    event_id: object,
    reason: str,
    occurred_at: datetime | None = None,
    hearing_at: object = None,
) -> CorrectedEvent:
    """Correct when a wrongly recorded event happened, or a court hearing's time. The open tasks
    it created are due again by the same deadline code from the corrected times; a task already
    done stays done, and a repeat (scheduled from a completion, not from the event) keeps its
    time. Nothing is deleted: the timeline and the audit log keep what was changed and why."""
    event, agency = _event_to_change(actor=actor, case=case, event_id=event_id, doing="corrected")
    cleaned_reason = _clean_reason(reason, doing="corrected")
    errors: dict[str, list[str]] = {}
    changes: dict[str, Any] = {}
    if occurred_at is not None:
        problem = _occurred_at_problem(occurred_at)
        if problem:
            errors["occurred_at"] = [problem]
        elif occurred_at != event.occurred_at:
            changes["occurred_at"] = occurred_at
    if hearing_at is not None:
        if event.type not in HEARING_EVENT_TYPES:
            errors["hearing_at"] = [_("Only a court hearing has a hearing time: leave it empty.")]
        else:
            moment, problem = _parse_hearing_at(hearing_at)
            if moment is None:
                errors["hearing_at"] = [problem]
            elif moment != _parse_moment(event.details.get("hearing_at")):
                changes["hearing_at"] = moment
    if errors:
        raise ValidationFailed(_("The event could not be corrected."), fields=errors)
    if not changes:
        raise ValidationFailed(
            _("Nothing to correct."),
            fields={
                "occurred_at": [
                    _("Give a time different from the one recorded (or a different hearing time).")
                ]
            },
        )
    previous = {"occurred_at": event.occurred_at.isoformat(), **event.details}
    if "occurred_at" in changes:
        event.occurred_at = changes["occurred_at"]
    if "hearing_at" in changes:
        event.details = {**event.details, "hearing_at": changes["hearing_at"].isoformat()}
    event.corrected_at = timezone.now()
    event.save(update_fields=["occurred_at", "details", "corrected_at"])
    label = in_english(CaseEventType(event.type).label)
    what = " and ".join(
        {"occurred_at": "when it happened", "hearing_at": "the hearing time"}[name] for name in changes
    )
    timeline_record(
        case=event.case,
        kind="case_event_corrected",
        summary=f"{label}: {what} corrected by {agency.name}. Reason: {cleaned_reason}",
        actor=actor,
        section=event.section,
        data={
            "event": str(event.pk),
            "type": event.type,
            "previous": previous,
            "current": {"occurred_at": event.occurred_at.isoformat(), **event.details},
        },
    )
    audit_record(
        event_type="case_event.corrected",
        user=actor,
        object_type="case_event",
        object_id=str(event.pk),
        case_id=event.case_id,
        section=event.section,
        detail={"type": event.type, "fields": sorted(changes)},
    )
    return CorrectedEvent(event=event, updated=_due_again(event=event, actor=actor), cancelled=[])


def _due_again(*, event: CaseEvent, actor: User) -> list[Task]:
    tz = timezone.get_default_timezone()
    date_of_birth = (
        IdentitySection.objects.filter(case_id=event.case_id).values_list("date_of_birth", flat=True).first()
    )
    hearing_at = _parse_moment(event.details.get("hearing_at"))
    seen: set[int] = set()
    updated = []
    for task in _event_tasks(event):
        template = task.template
        if template is None or template.pk in seen:
            continue
        # The first task of each template is the one the event created; later ones are repeats.
        seen.add(template.pk)
        if task.status != TaskStatus.OPEN:
            continue
        due_at = compute_due(
            template,
            occurred_at=event.occurred_at,
            tz=tz,
            date_of_birth=date_of_birth,
            hearing_at=hearing_at,
        )
        if due_at is None or due_at == task.due_at:
            continue
        task.due_at = due_at
        task.version += 1
        task.save(update_fields=["due_at", "version", "updated_at"])
        timeline_record(
            case=event.case,
            kind="task_updated",
            summary=f"Due time recomputed after its event was corrected: {task.title}.",
            actor=actor,
            section=task.section,
            agencies=[task.owner_agency_id] if task.owner_agency_id is not None else [],
            data={"task": str(task.pk), "fields": ["due_at"], "event": str(event.pk)},
        )
        updated.append(task)
    return updated


@transaction.atomic
def case_event_void(*, actor: User, case: Case, event_id: object, reason: str) -> CorrectedEvent:
    """Void an event recorded by mistake: it stays on the case, marked voided with the reason, and
    the open tasks it created are cancelled with that reason (kept, never deleted; a cancelled
    task fires no reminder). Tasks already done stay done."""
    event, agency = _event_to_change(actor=actor, case=case, event_id=event_id, doing="voided")
    cleaned_reason = _clean_reason(reason, doing="voided")
    event.voided_at = timezone.now()
    event.voided_by = actor
    event.void_reason = cleaned_reason
    event.save(update_fields=["voided_at", "voided_by", "void_reason"])
    label = in_english(CaseEventType(event.type).label)
    timeline_record(
        case=event.case,
        kind="case_event_voided",
        summary=f"{label}: voided by {agency.name}. Reason: {cleaned_reason}",
        actor=actor,
        section=event.section,
        data={"event": str(event.pk), "type": event.type},
    )
    audit_record(
        event_type="case_event.voided",
        user=actor,
        object_type="case_event",
        object_id=str(event.pk),
        case_id=event.case_id,
        section=event.section,
        detail={"type": event.type},
    )
    cancelled = []
    for task in _event_tasks(event):
        if task.status != TaskStatus.OPEN:
            continue
        task.status = TaskStatus.CANCELLED
        # The reason was written for readers of the event's section: a task in another section
        # (a court hearing's core reminder) says only that its event was voided.
        task.cancel_reason = (
            f"The case event that started it was voided: {cleaned_reason}"
            if task.section == event.section
            else "The case event that started it was voided."
        )
        task.version += 1
        task.save(update_fields=["status", "cancel_reason", "version", "updated_at"])
        timeline_record(
            case=event.case,
            kind="task_cancelled",
            summary=f"Task cancelled, its event was voided: {task.title}.",
            actor=actor,
            section=task.section,
            agencies=[task.owner_agency_id] if task.owner_agency_id is not None else [],
            data={"task": str(task.pk), "event": str(event.pk)},
        )
        cancelled.append(task)
    return CorrectedEvent(event=event, updated=[], cancelled=cancelled)
