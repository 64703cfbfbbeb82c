"""Every write of relief records. Each one is atomic, asks the case policy first (reading and
writing `immigration`, which legal advocates steward), writes a timeline line in `immigration`
and, when a step reaches a point a deadline template starts from, records that case event so the
template's task is created exactly as for an event recorded by hand:

| step reaching                                         | case event recorded (once per case)  |
|-------------------------------------------------------|--------------------------------------|
| SIJS predicate order or petition, any open status      | `sijs_candidate_identified`          |
| HHS eligibility letter, any open status                | `foreign_national_minor_identified`  |
| U-visa certification granted (signed)                 | `u_visa_certified` (each grant)      |
| Continued Presence granted                            | `continued_presence_granted` (each)  |

A grant's event is dated the day it was decided and is not recorded again when one of that type
was already recorded on or after that day.

The templates those events fire (I-360 before the 21st birthday, the predicate order, the HHS
letter before the 18th birthday, filing the I-918 within six months of certification, renewing
Continued Presence) are the federal floor shipped in `casework/migrations` (0003, 0010).

A step asked of another agency (a T-visa declaration, a U-visa certification, a Continued
Presence request) is a task handed off to that agency: the task is in `core`, titled with the
form and the case number only, so the agency sees what is asked of it and nothing else of the
immigration section (ARCHITECTURE.md, "Immigration relief")."""

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency, AgencyKind, User
from casework.access import Action, CaseAccess, get_case_access
from casework.models import (
    HANDOFF_OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseEventType,
    Handoff,
    Task,
    TaskStatus,
)
from casework.sections import Section
from casework.services.events import case_event_record
from casework.services.handoffs import handoff_create
from casework.services.tasks import task_create
from casework.timeline import timeline_record
from casework.translations import written_by_bridge
from common.dates import OUT_OF_RANGE_MESSAGE, within_supported_years
from common.errors import Conflict, NotFound, StaleVersion, ValidationFailed
from common.inputs import choice_errors, text_errors
from relief.models import (
    ASKED_OF_KINDS,
    DETAILS_MAX_LENGTH,
    RECEIPT_NUMBER_MAX_LENGTH,
    RELIEF_OPEN_STATUSES,
    ReliefKind,
    ReliefRecord,
    ReliefStatus,
)

RELIEF_KIND_CHOICES = ReliefKind.choices
RELIEF_STATUS_CHOICES = ReliefStatus.choices
DATE_FIELDS = ("requested_on", "filed_on", "decided_on", "expires_on")
EDITABLE_FIELDS = ("status", *DATE_FIELDS, "receipt_number", "details")

# Where a step may go from each status. Denied and expired are final; a new attempt (a renewal, a
# second petition) is a new record.
NEXT_STATUSES: dict[str, frozenset[str]] = {
    ReliefStatus.CONSIDERING: frozenset(ReliefStatus.values) - {ReliefStatus.CONSIDERING},
    ReliefStatus.REQUESTED: frozenset(
        {ReliefStatus.FILED, ReliefStatus.GRANTED, ReliefStatus.DENIED, ReliefStatus.EXPIRED}
    ),
    ReliefStatus.FILED: frozenset({ReliefStatus.GRANTED, ReliefStatus.DENIED, ReliefStatus.EXPIRED}),
    ReliefStatus.GRANTED: frozenset({ReliefStatus.EXPIRED}),
    ReliefStatus.DENIED: frozenset(),
    ReliefStatus.EXPIRED: frozenset(),
}

# Case events whose deadline templates a step starts, recorded once per case (the clock runs from
# the first time the child was identified as a candidate)...
EVENT_ON_OPEN: dict[str, str] = {
    ReliefKind.SIJS_PREDICATE_ORDER: CaseEventType.SIJS_CANDIDATE_IDENTIFIED,
    ReliefKind.SIJS_PETITION: CaseEventType.SIJS_CANDIDATE_IDENTIFIED,
    ReliefKind.HHS_ELIGIBILITY_LETTER: CaseEventType.FOREIGN_NATIONAL_MINOR_IDENTIFIED,
}
# ... and each time a step is granted (every certification and grant starts its own clock).
EVENT_ON_GRANT: dict[str, str] = {
    ReliefKind.U_VISA_CERTIFICATION: CaseEventType.U_VISA_CERTIFIED,
    ReliefKind.CONTINUED_PRESENCE: CaseEventType.CONTINUED_PRESENCE_GRANTED,
}

# What the agency asked sees: the form and the case number, never the child or the pathway's state.
REQUEST_TITLES: dict[str, str | Promise] = {
    ReliefKind.T_VISA_DECLARATION: gettext_lazy(
        "Sign Form I-914 Supplement B declaration for case %(number)s"
    ),
    ReliefKind.U_VISA_CERTIFICATION: gettext_lazy(
        "Sign Form I-918 Supplement B certification for case %(number)s"
    ),
    ReliefKind.CONTINUED_PRESENCE: gettext_lazy("Consider requesting Continued Presence for case %(number)s"),
}
# A practical answer time for the agency asked; no statute sets one.
REQUEST_ANSWER_DAYS = 30


def _relief_access(*, actor: User, case_id: Any, write: bool) -> CaseAccess:
    """The actor's access to the case, having checked they read (and when `write`, write)
    immigration. A reader without immigration is told the record does not exist."""
    access = get_case_access(user=actor, case_id=case_id)
    if not access.may_read(Section.IMMIGRATION):
        raise NotFound()
    if write:
        access.require(Action.WRITE, section=Section.IMMIGRATION)
    return access


def _clean(values: Mapping[str, Any], *, current: ReliefRecord | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "kind" in values and (problems := choice_errors(values["kind"], ReliefKind.values)):
        errors["kind"] = problems
    if "status" in values:
        if problems := choice_errors(values["status"], ReliefStatus.values):
            errors["status"] = problems
        elif current is not None and values["status"] != current.status:
            allowed = NEXT_STATUSES[current.status]
            if values["status"] not in allowed:
                status = str(current.get_status_display()).lower()
                errors["status"] = [
                    _("A %(status)s step cannot become %(new_status)s.")
                    % {"status": status, "new_status": str(ReliefStatus(values["status"]).label).lower()}
                    if allowed
                    else _("A %(status)s step is final; add a new record.") % {"status": status}
                ]
    for name in DATE_FIELDS:
        value = values.get(name)
        if value is not None and not within_supported_years(value):
            errors[name] = [OUT_OF_RANGE_MESSAGE]
    if "receipt_number" in values and (
        problems := text_errors(
            values["receipt_number"], max_length=RECEIPT_NUMBER_MAX_LENGTH, required=False
        )
    ):
        errors["receipt_number"] = problems
    if "details" in values and (
        problems := text_errors(values["details"], max_length=DETAILS_MAX_LENGTH, required=False)
    ):
        errors["details"] = problems
    return errors


def _check_dates(record: ReliefRecord) -> None:
    errors: dict[str, list[str]] = {}
    if record.requested_on and record.filed_on and record.filed_on < record.requested_on:
        errors["filed_on"] = [_("Filed on or after the day it was requested.")]
    if record.decided_on and record.expires_on and record.expires_on <= record.decided_on:
        errors["expires_on"] = [_("Expires after the day it was decided.")]
    if errors:
        raise ValidationFailed(_("The relief record could not be saved."), fields=errors)


def _start_of(day: date | None) -> datetime:
    """A step's day as the moment its clock starts: local midnight, never later than now."""
    now = timezone.now()
    if day is None:
        return now
    return min(now, timezone.make_aware(datetime.combine(day, time.min)))


def _record_events(*, actor: User, record: ReliefRecord, previous_status: str | None) -> None:
    case = record.case
    event_type = EVENT_ON_OPEN.get(record.kind)
    if (
        previous_status is None
        and event_type is not None
        and record.status in RELIEF_OPEN_STATUSES
        and not CaseEvent.objects.filter(case=case, type=event_type, voided_at__isnull=True).exists()
    ):
        case_event_record(actor=actor, case=case, event_type=event_type, occurred_at=timezone.now())
    event_type = EVENT_ON_GRANT.get(record.kind)
    if event_type is None or record.status != ReliefStatus.GRANTED or previous_status == record.status:
        return
    occurred_at = _start_of(record.decided_on)
    # Someone may have recorded the grant as an event already (before relief was tracked, or by
    # hand): one clock per grant.
    if not CaseEvent.objects.filter(
        case=case, type=event_type, voided_at__isnull=True, occurred_at__gte=occurred_at
    ).exists():
        case_event_record(actor=actor, case=case, event_type=event_type, occurred_at=occurred_at)


def _timeline(*, actor: User, record: ReliefRecord, summary: str, data: Mapping[str, Any]) -> None:
    timeline_record(
        case=record.case,
        kind="relief_changed",
        summary=summary,
        actor=actor,
        section=Section.IMMIGRATION,
        data={"relief_record": str(record.pk), **data},
    )


def _touch_section(case: Case) -> None:
    """Count the change as an edit of immigration, so its readers' version and time move."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    locked.record_section_change(Section.IMMIGRATION, at=timezone.now())
    locked.save(update_fields=["section_changes"])


@transaction.atomic
def relief_record_add(
    *,
    actor: User,
    case: Case,
    kind: str,
    status: str = ReliefStatus.CONSIDERING,
    requested_on: date | None = None,
    filed_on: date | None = None,
    decided_on: date | None = None,
    expires_on: date | None = None,
    receipt_number: str = "",
    details: str = "",
) -> ReliefRecord:
    """Start tracking a relief step on a case. One open (considering, requested or filed) record
    per kind per case: a second is a 409."""
    access = _relief_access(actor=actor, case_id=case.pk, write=True)
    values = {
        "kind": kind,
        "status": status,
        "requested_on": requested_on,
        "filed_on": filed_on,
        "decided_on": decided_on,
        "expires_on": expires_on,
        "receipt_number": receipt_number,
        "details": details,
    }
    errors = _clean(values, current=None)
    if errors:
        raise ValidationFailed(_("The relief record could not be saved."), fields=errors)
    record = ReliefRecord(
        case=access.case,
        created_by=actor,
        **{**values, "receipt_number": receipt_number.strip(), "details": details.strip()},
    )
    _check_dates(record)
    if (
        status in RELIEF_OPEN_STATUSES
        and ReliefRecord.objects.filter(case=access.case, kind=kind, status__in=RELIEF_OPEN_STATUSES).exists()
    ):
        raise Conflict(
            _("This case already tracks an open %(kind)s step; update that one.")
            % {"kind": ReliefKind(kind).label}
        )
    record.save(force_insert=True)
    _touch_section(access.case)
    with translation.override("en"):  # the timeline stores its text, in English
        summary = f"Relief tracked: {record.get_kind_display()} ({record.get_status_display().lower()})."
    _timeline(
        actor=actor,
        record=record,
        summary=summary,
        data={"kind": kind, "status": status},
    )
    _record_events(actor=actor, record=record, previous_status=None)
    return record


def get_relief_record(*, actor: User, case_id: Any, record_id: Any, lock: bool = False) -> ReliefRecord:
    """A relief record of a case whose immigration the actor reads, or NotFound."""
    _relief_access(actor=actor, case_id=case_id, write=False)
    records = ReliefRecord.objects.filter(case_id=case_id, pk=record_id).select_related("case")
    found = (records.select_for_update(of=("self",)) if lock else records).first()
    if found is None:
        raise NotFound()
    return found


@transaction.atomic
def relief_record_update(
    *, actor: User, record: ReliefRecord, expected_version: int, **changes: Any
) -> ReliefRecord:
    """Change a step's status, dates, receipt number or details. `expected_version` is the
    version the actor edited (412 when someone changed it since)."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed."), fields={name: [_("Not editable.")] for name in unknown}
        )
    _relief_access(actor=actor, case_id=record.case_id, write=True)
    record = get_relief_record(actor=actor, case_id=record.case_id, record_id=record.pk, lock=True)
    if record.version != expected_version:
        raise StaleVersion()
    errors = _clean(changes, current=record)
    if errors:
        raise ValidationFailed(_("The relief record could not be saved."), fields=errors)
    previous_status = record.status
    changed = []
    for name, value in changes.items():
        value = value.strip() if isinstance(value, str) and name != "status" else value
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    if not changed:
        return record
    _check_dates(record)
    if (
        record.status in RELIEF_OPEN_STATUSES
        and ReliefRecord.objects.filter(
            case_id=record.case_id, kind=record.kind, status__in=RELIEF_OPEN_STATUSES
        )
        .exclude(pk=record.pk)
        .exists()
    ):
        raise Conflict(
            _("This case already tracks an open %(kind)s step.") % {"kind": record.get_kind_display()}
        )
    record.version += 1
    record.save(update_fields=[*changed, "version", "updated_at"])
    _touch_section(record.case)
    with translation.override("en"):  # the timeline stores its text, in English
        summary = (
            f"Relief {record.get_kind_display()}: {previous_status} to {record.status}."
            if record.status != previous_status
            else f"Relief {record.get_kind_display()} updated."
        )
    _timeline(actor=actor, record=record, summary=summary, data={"changed": sorted(changed)})
    _record_events(actor=actor, record=record, previous_status=previous_status)
    return record


def _request_task(*, actor: User, record: ReliefRecord) -> Task:
    """The task to hand off: the earlier request's, when it came back to the asking agency open
    (declined or expired), so one request stays one task; else a new one."""
    earlier = record.request_task
    if earlier is not None and earlier.status == TaskStatus.OPEN:
        if Handoff.objects.filter(task=earlier, status__in=HANDOFF_OPEN_STATUSES).exists():
            raise Conflict(_("This step was already asked for and the agency has not answered yet."))
        if earlier.owner_agency_id != actor.agency_id:
            raise Conflict(_("The agency asked holds the request; it is still open."))
        return earlier
    return task_create(
        actor=actor,
        case=record.case,
        **written_by_bridge(
            lambda: {"title": str(REQUEST_TITLES[record.kind]) % {"number": record.case.number}}
        ),
        due_at=timezone.now() + timedelta(days=REQUEST_ANSWER_DAYS),
    )


@transaction.atomic
def relief_request_signature(*, actor: User, record: ReliefRecord, to_agency: Agency) -> ReliefRecord:
    """Ask `to_agency` for the step (a declaration, a certification, a Continued Presence request):
    a `core` task owned by the actor's agency, titled with the form and case number only, handed
    off to it. A handoff to an agency not on the case is an invitation and follows its rules
    (`handoff_create`). The step becomes `requested`."""
    record = get_relief_record(actor=actor, case_id=record.case_id, record_id=record.pk, lock=True)
    _relief_access(actor=actor, case_id=record.case_id, write=True)
    kinds = ASKED_OF_KINDS.get(record.kind)
    if kinds is None:
        raise ValidationFailed(
            _("This step is not asked of another agency."),
            fields={"kind": [_("Only a declaration, a certification or Continued Presence is requested.")]},
        )
    if to_agency.kind not in kinds:
        raise ValidationFailed(
            _("That agency cannot give this step."),
            fields={
                "to_agency": [
                    _("Choose an agency of kind: %(kinds)s.")
                    % {"kinds": ", ".join(str(AgencyKind(kind).label).lower() for kind in kinds)}
                ]
            },
        )
    if record.status not in (ReliefStatus.CONSIDERING, ReliefStatus.REQUESTED):
        raise Conflict(_("Only a step not yet filed or decided is requested."))
    task = _request_task(actor=actor, record=record)
    handoff_create(actor=actor, task=task, to_agency=to_agency)
    previous_status = record.status
    record.status = ReliefStatus.REQUESTED
    record.requested_on = record.requested_on or timezone.localdate()
    record.requested_of = to_agency
    record.request_task = task
    record.version += 1
    record.save(
        update_fields=["status", "requested_on", "requested_of", "request_task", "version", "updated_at"]
    )
    _touch_section(record.case)
    with translation.override("en"):  # the timeline stores its text, in English
        summary = f"Relief {record.get_kind_display()} requested of {to_agency.name}."
    _timeline(
        actor=actor,
        record=record,
        summary=summary,
        data={"changed": ["status", "requested_of"], "from": previous_status},
    )
    return record
