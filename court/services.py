"""Every write of court records. Each one is atomic, asks the case policy first and writes a
timeline line in the record's section:

* dependency hearings (`core`): the lead agency writes them (`Action.WRITE` on core). Scheduling
  one records `court_hearing_scheduled` with `details.hearing_at`, whose templates remind child
  welfare and the legal advocate the day before; moving it corrects that event, so the open
  reminders move with it. Holding a permanency or review hearing completes the open task of the
  matching foster-care clock (`permanency-hearing`, `periodic-case-review`), whose series then
  schedules the next one, exactly as if the agency had marked the task done.
* the criminal case (`investigation`): written by whoever `Action.WRITE_CRIMINAL_CASE` allows
  (law enforcement, immigration, a prosecution agency). A public proceeding still to come records
  `criminal_proceeding_scheduled`; a defendant's release or escape records `defendant_released` /
  `defendant_escaped`. Their templates (`casework/migrations/0021_*`) ask the prosecution
  agency's victim-witness coordinator to notify the victim (18 U.S.C. 3771(a)(2)).

A reader without investigation is told a criminal record does not exist (404), never that it
is forbidden. Case events carry no defendant name: their timeline lines say what happened only."""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency, AgencyKind, User
from casework.access import Action, CaseAccess, agencies_reading, get_case_access, tasks_visible_to
from casework.access.audience import liaisons_of
from casework.models import Case, CaseEventType, Task, TaskStatus
from casework.sections import Section
from casework.services.events import FUTURE_TOLERANCE, case_event_correct, case_event_record
from casework.services.tasks import task_complete
from casework.timeline import timeline_record
from common.dates import OUT_OF_RANGE_MESSAGE, within_supported_years
from common.errors import Conflict, NotFound, StaleVersion, ValidationFailed
from common.i18n import Message
from common.inputs import choice_errors, text_errors
from court.models import (
    CUSTODY_AFTER,
    DETAILS_MAX_LENGTH,
    MONEY_MAX_DIGITS,
    TEXT_MAX_LENGTH,
    Charge,
    ChargeDisposition,
    CriminalCase,
    CriminalCaseStatus,
    CriminalProceeding,
    CustodyEvent,
    CustodyEventKind,
    CustodyStatus,
    Defendant,
    DependencyHearing,
    HearingOutcome,
    HearingType,
    ProceedingType,
    RestitutionOrder,
    RestitutionPayment,
)
from notifications.services import notify

# Input contract (with the model's TEXT_MAX_LENGTH and DETAILS_MAX_LENGTH).
HEARING_TYPE_CHOICES = HearingType.choices
HEARING_OUTCOME_CHOICES = HearingOutcome.choices
CRIMINAL_CASE_STATUS_CHOICES = CriminalCaseStatus.choices
CHARGE_DISPOSITION_CHOICES = ChargeDisposition.choices
PROCEEDING_TYPE_CHOICES = ProceedingType.choices
CUSTODY_STATUS_CHOICES = CustodyStatus.choices
CUSTODY_EVENT_CHOICES = CustodyEventKind.choices
DOCKET_MAX_LENGTH = 64
STATUTE_MAX_LENGTH = 64
REFERENCE_MAX_LENGTH = 64
# Money: positive, two decimal places, below 10^10 dollars (Decimal(12, 2)).
MONEY_MAX = Decimal(10) ** (MONEY_MAX_DIGITS - 2) - Decimal("0.01")

# The foster-care clock each dependency hearing satisfies when it is held.
CLOCK_TEMPLATES: dict[str, str] = {
    HearingType.PERMANENCY: "permanency-hearing",
    HearingType.REVIEW: "periodic-case-review",
}
HEARING_EDITABLE = ("scheduled_at", "court", "outcome", "outcome_notes")
CRIMINAL_CASE_EDITABLE = ("court", "docket_number", "status", "prosecuting_agency")
# The custody events that start a victim notice, and the case event each records.
CUSTODY_NOTICE_EVENTS: dict[str, str] = {
    CustodyEventKind.RELEASED: CaseEventType.DEFENDANT_RELEASED,
    CustodyEventKind.ESCAPED: CaseEventType.DEFENDANT_ESCAPED,
}


def _invalid(message: str, errors: Mapping[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(message, fields=dict(errors))


def _text(errors: dict[str, list[str]], name: str, value: object, *, max_length: int, required: bool) -> str:
    if problems := text_errors(value, max_length=max_length, required=required):
        errors[name] = problems
        return ""
    return value.strip() if isinstance(value, str) else ""


def _moment(errors: dict[str, list[str]], name: str, value: object) -> datetime | None:
    if not isinstance(value, datetime) or timezone.is_naive(value):
        errors[name] = [_("Give the date and time with its offset.")]
        return None
    if not within_supported_years(value):
        errors[name] = [OUT_OF_RANGE_MESSAGE]
        return None
    return value


def _day(errors: dict[str, list[str]], name: str, value: object, *, required: bool = True) -> date | None:
    if value is None and not required:
        return None
    if not isinstance(value, date) or isinstance(value, datetime):
        errors[name] = [_("Give the date.")]
        return None
    if not within_supported_years(value):
        errors[name] = [OUT_OF_RANGE_MESSAGE]
        return None
    return value


def _money(
    errors: dict[str, list[str]], name: str, value: object, *, required: bool = True
) -> Decimal | None:
    if value is None and not required:
        return None
    try:
        amount = Decimal(str(value)) if isinstance(value, Decimal | int | str) else None
    except InvalidOperation:
        amount = None
    if (
        amount is None
        or not amount.is_finite()
        or amount <= 0
        or amount > MONEY_MAX
        or amount != amount.quantize(Decimal("0.01"))
    ):
        errors[name] = [
            _("Give a positive amount in dollars and cents, at most %(maximum)s.")
            % {"maximum": f"{MONEY_MAX:,}"}
        ]
        return None
    return amount.quantize(Decimal("0.01"))


def _choice(errors: dict[str, list[str]], name: str, value: object, choices: list[str]) -> str:
    if problems := choice_errors(value, choices):
        errors[name] = problems
        return ""
    return str(value)


def _touch_section(case: Case, section: str) -> None:
    """Count the change as an edit of the section, so its readers' version and time move."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    locked.record_section_change(section, at=timezone.now())
    locked.save(update_fields=["section_changes"])


# --- dependency hearings (core) -----------------------------------------------------------------


def _hearing_access(*, actor: User, case_id: Any) -> CaseAccess:
    access = get_case_access(user=actor, case_id=case_id)
    access.require(Action.WRITE, section=Section.CORE)
    return access


def _notify_participants(*, actor: User, case: Case, message: Message) -> None:
    """Every participating agency's liaisons hear of the hearing: the case number only, so they open
    the case to see what they may of it."""
    recipients = [
        person
        for agency_id in sorted(agencies_reading(case=case, section=Section.CORE))
        for person in liaisons_of(agency_id=agency_id)
        if person.pk != actor.pk
    ]
    notify(recipients=recipients, kind="court_hearing", case=case, message=message)


@transaction.atomic
def dependency_hearing_schedule(
    *, actor: User, case: Case, type: str, scheduled_at: datetime, court: str = ""
) -> DependencyHearing:
    """Schedule a dependency-court hearing: the case event whose templates remind the agencies
    taking part (for a hearing still to come), a timeline line every participant reads and a note
    to each agency's liaisons."""
    access = _hearing_access(actor=actor, case_id=case.pk)
    errors: dict[str, list[str]] = {}
    hearing_type = _choice(errors, "type", type, HearingType.values)
    moment = _moment(errors, "scheduled_at", scheduled_at)
    court_name = _text(errors, "court", court, max_length=TEXT_MAX_LENGTH, required=False)
    _invalid(_("The hearing could not be scheduled."), errors)
    assert moment is not None
    # A hearing recorded after it took place needs no reminder.
    event = None
    if moment > timezone.now():
        event = case_event_record(
            actor=actor,
            case=access.case,
            event_type=CaseEventType.COURT_HEARING_SCHEDULED,
            occurred_at=timezone.now(),
            details={"hearing_at": moment.isoformat()},
        ).event
    hearing = DependencyHearing.objects.create(
        case=access.case,
        type=hearing_type,
        scheduled_at=moment,
        court=court_name,
        event=event,
        created_by=actor,
    )
    with translation.override("en"):  # the timeline stores its text, in English
        summary = f"{hearing.get_type_display()} scheduled for {timezone.localtime(moment):%Y-%m-%d %H:%M}."
    timeline_record(
        case=access.case,
        kind="dependency_hearing_scheduled",
        summary=summary,
        actor=actor,
        section=Section.CORE,
        data={"hearing": str(hearing.pk)},
    )
    _notify_participants(
        actor=actor,
        case=access.case,
        message=Message(
            gettext_lazy("A dependency court hearing was scheduled on case %(number)s."), number=case.number
        ),
    )
    return hearing


def get_dependency_hearing(*, access: CaseAccess, hearing_id: Any, lock: bool = False) -> DependencyHearing:
    hearings = DependencyHearing.objects.filter(case_id=access.case.pk, pk=hearing_id)
    found = (hearings.select_for_update() if lock else hearings).first()
    if found is None:
        raise NotFound()
    return found


def _complete_clock(*, actor: User, hearing: DependencyHearing) -> Task | None:
    """The open foster-care clock task this held hearing satisfies, marked done with the hearing as
    its outcome (its series schedules the next one). None when the case has no such clock open
    that the actor may complete (it is their agency's and they see it)."""
    key = CLOCK_TEMPLATES.get(hearing.type)
    if key is None:
        return None
    task = (
        tasks_visible_to(user=actor)
        .filter(
            case_id=hearing.case_id,
            template__key=key,
            status=TaskStatus.OPEN,
            owner_agency_id=actor.agency_id,
        )
        .order_by("due_at")
        .first()
    )
    if task is None:
        return None
    held_on = timezone.localtime(hearing.scheduled_at).date()
    with translation.override("en"):  # the task stores its outcome, in English
        outcome = f"{hearing.get_type_display()} held on {held_on:%Y-%m-%d}."
    return task_complete(actor=actor, task=task, outcome=outcome)


@transaction.atomic
def dependency_hearing_update(
    *, actor: User, hearing: DependencyHearing, expected_version: int, **changes: Any
) -> DependencyHearing:
    """Reschedule a hearing (its reminders move with it), or record its outcome. A held permanency
    or review hearing completes the matching foster-care clock."""
    unknown = sorted(set(changes) - set(HEARING_EDITABLE))
    _invalid(_("These fields cannot be changed."), {name: [_("Not editable.")] for name in unknown})
    access = _hearing_access(actor=actor, case_id=hearing.case_id)
    hearing = get_dependency_hearing(access=access, hearing_id=hearing.pk, lock=True)
    if hearing.version != expected_version:
        raise StaleVersion()
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if "scheduled_at" in changes:
        values["scheduled_at"] = _moment(errors, "scheduled_at", changes["scheduled_at"])
    if "court" in changes:
        values["court"] = _text(errors, "court", changes["court"], max_length=TEXT_MAX_LENGTH, required=False)
    if "outcome" in changes:
        values["outcome"] = _choice(errors, "outcome", changes["outcome"], HearingOutcome.values)
    if "outcome_notes" in changes:
        values["outcome_notes"] = _text(
            errors, "outcome_notes", changes["outcome_notes"], max_length=DETAILS_MAX_LENGTH, required=False
        )
    _invalid(_("The hearing could not be saved."), errors)
    if (
        hearing.outcome == HearingOutcome.HELD
        and values.get("outcome", HearingOutcome.HELD) != HearingOutcome.HELD
    ):
        raise Conflict(_("A held hearing stays held; schedule a new hearing instead."))
    changed = [name for name, value in values.items() if getattr(hearing, name) != value]
    if not changed:
        return hearing
    for name in changed:
        setattr(hearing, name, values[name])
    if "scheduled_at" in changed and hearing.event_id is not None:
        case_event_correct(
            actor=actor,
            case=access.case,
            event_id=hearing.event_id,
            reason="The court moved the hearing.",
            hearing_at=hearing.scheduled_at.isoformat(),
        )
    hearing.version += 1
    hearing.save(update_fields=[*changed, "version", "updated_at"])
    with translation.override("en"):  # the timeline stores its text, in English
        summary = (
            f"{hearing.get_type_display()} on {timezone.localtime(hearing.scheduled_at):%Y-%m-%d}: "
            f"{hearing.get_outcome_display().lower()}."
        )
    timeline_record(
        case=access.case,
        kind="dependency_hearing_changed",
        summary=summary,
        actor=actor,
        section=Section.CORE,
        data={"hearing": str(hearing.pk), "changed": sorted(changed)},
    )
    if "outcome" in changed and hearing.outcome == HearingOutcome.HELD:
        _complete_clock(actor=actor, hearing=hearing)
    return hearing


# --- the criminal case (investigation) ----------------------------------------------------------


def criminal_access(*, actor: User, case_id: Any, write: bool) -> CaseAccess:
    """The actor's access to the case, having checked they read investigation (else the record
    does not exist for them) and, when `write`, may record the criminal case."""
    access = get_case_access(user=actor, case_id=case_id)
    if not access.may_read(Section.INVESTIGATION):
        raise NotFound()
    if write:
        access.require(Action.WRITE_CRIMINAL_CASE)
    return access


def _criminal_timeline(*, actor: User, case: Case, summary: str, data: Mapping[str, Any]) -> None:
    timeline_record(
        case=case,
        kind="criminal_case_changed",
        summary=summary,
        actor=actor,
        section=Section.INVESTIGATION,
        data=dict(data),
    )
    _touch_section(case, Section.INVESTIGATION)


def _prosecuting_agency(errors: dict[str, list[str]], case: Case, agency: Agency | None) -> Agency | None:
    if agency is None:
        return None
    if agency.kind != AgencyKind.PROSECUTION or agency.pk not in agencies_reading(
        case=case, section=Section.INVESTIGATION
    ):
        errors["prosecuting_agency"] = [
            _("Choose a prosecution agency on the case that reads investigation.")
        ]
        return None
    return agency


@transaction.atomic
def criminal_case_open(
    *,
    actor: User,
    case: Case,
    court: str,
    docket_number: str = "",
    status: str = CriminalCaseStatus.INVESTIGATING,
    prosecuting_agency: Agency | None = None,
) -> CriminalCase:
    access = criminal_access(actor=actor, case_id=case.pk, write=True)
    errors: dict[str, list[str]] = {}
    criminal_case = CriminalCase(
        case=access.case,
        court=_text(errors, "court", court, max_length=TEXT_MAX_LENGTH, required=True),
        docket_number=_text(
            errors, "docket_number", docket_number, max_length=DOCKET_MAX_LENGTH, required=False
        ),
        status=_choice(errors, "status", status, CriminalCaseStatus.values),
        prosecuting_agency=_prosecuting_agency(errors, access.case, prosecuting_agency),
        created_by=actor,
    )
    _invalid(_("The criminal case could not be saved."), errors)
    criminal_case.save(force_insert=True)
    with translation.override("en"):  # the timeline stores its text, in English
        summary = f"Criminal case recorded ({criminal_case.get_status_display().lower()})."
    _criminal_timeline(
        actor=actor,
        case=access.case,
        summary=summary,
        data={"criminal_case": str(criminal_case.pk)},
    )
    return criminal_case


def get_criminal_case(*, access: CaseAccess, criminal_case_id: Any, lock: bool = False) -> CriminalCase:
    if not access.may_read(Section.INVESTIGATION):
        raise NotFound()
    found = CriminalCase.objects.filter(case_id=access.case.pk, pk=criminal_case_id)
    criminal_case = (found.select_for_update() if lock else found).first()
    if criminal_case is None:
        raise NotFound()
    return criminal_case


@transaction.atomic
def criminal_case_update(
    *, actor: User, criminal_case: CriminalCase, expected_version: int, **changes: Any
) -> CriminalCase:
    unknown = sorted(set(changes) - set(CRIMINAL_CASE_EDITABLE))
    _invalid(_("These fields cannot be changed."), {name: [_("Not editable.")] for name in unknown})
    access = criminal_access(actor=actor, case_id=criminal_case.case_id, write=True)
    criminal_case = get_criminal_case(access=access, criminal_case_id=criminal_case.pk, lock=True)
    if criminal_case.version != expected_version:
        raise StaleVersion()
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if "court" in changes:
        values["court"] = _text(errors, "court", changes["court"], max_length=TEXT_MAX_LENGTH, required=True)
    if "docket_number" in changes:
        values["docket_number"] = _text(
            errors, "docket_number", changes["docket_number"], max_length=DOCKET_MAX_LENGTH, required=False
        )
    if "status" in changes:
        values["status"] = _choice(errors, "status", changes["status"], CriminalCaseStatus.values)
    if "prosecuting_agency" in changes:
        values["prosecuting_agency"] = _prosecuting_agency(errors, access.case, changes["prosecuting_agency"])
    _invalid(_("The criminal case could not be saved."), errors)
    changed = [name for name, value in values.items() if getattr(criminal_case, name) != value]
    if not changed:
        return criminal_case
    previous_status = criminal_case.status
    for name in changed:
        setattr(criminal_case, name, values[name])
    criminal_case.version += 1
    criminal_case.save(update_fields=[*changed, "version", "updated_at"])
    summary = (
        f"Criminal case: {previous_status} to {criminal_case.status}."
        if criminal_case.status != previous_status
        else "Criminal case updated."
    )
    _criminal_timeline(
        actor=actor,
        case=access.case,
        summary=summary,
        data={"criminal_case": str(criminal_case.pk), "changed": sorted(changed)},
    )
    return criminal_case


@transaction.atomic
def defendant_add(
    *,
    actor: User,
    criminal_case: CriminalCase,
    defendant_name: str,
    alias: str = "",
    custody_status: str = CustodyStatus.UNKNOWN,
) -> Defendant:
    access = criminal_access(actor=actor, case_id=criminal_case.case_id, write=True)
    errors: dict[str, list[str]] = {}
    defendant = Defendant(
        case=access.case,
        criminal_case=criminal_case,
        defendant_name=_text(
            errors, "defendant_name", defendant_name, max_length=TEXT_MAX_LENGTH, required=True
        ),
        alias=_text(errors, "alias", alias, max_length=TEXT_MAX_LENGTH, required=False),
        custody_status=_choice(errors, "custody_status", custody_status, CustodyStatus.values),
        created_by=actor,
    )
    _invalid(_("The defendant could not be saved."), errors)
    defendant.save(force_insert=True)
    _criminal_timeline(
        actor=actor, case=access.case, summary="Defendant added.", data={"defendant": str(defendant.pk)}
    )
    return defendant


def get_defendant(*, access: CaseAccess, defendant_id: Any, lock: bool = False) -> Defendant:
    if not access.may_read(Section.INVESTIGATION):
        raise NotFound()
    found = Defendant.objects.filter(case_id=access.case.pk, pk=defendant_id)
    defendant = (found.select_for_update() if lock else found).first()
    if defendant is None:
        raise NotFound()
    return defendant


@transaction.atomic
def defendant_sentence(*, actor: User, defendant: Defendant, sentence: str, sentenced_on: date) -> Defendant:
    """Record the sentence a defendant received (the term, as the judgment states it)."""
    access = criminal_access(actor=actor, case_id=defendant.case_id, write=True)
    defendant = get_defendant(access=access, defendant_id=defendant.pk, lock=True)
    errors: dict[str, list[str]] = {}
    defendant.sentence = _text(errors, "sentence", sentence, max_length=TEXT_MAX_LENGTH, required=True)
    defendant.sentenced_on = _day(errors, "sentenced_on", sentenced_on)
    _invalid(_("The sentence could not be saved."), errors)
    defendant.save(update_fields=["sentence", "sentenced_on"])
    _criminal_timeline(
        actor=actor, case=access.case, summary="Sentence recorded.", data={"defendant": str(defendant.pk)}
    )
    return defendant


@transaction.atomic
def charge_add(
    *,
    actor: User,
    defendant: Defendant,
    statute: str,
    filed_on: date,
    description: str = "",
    disposition: str = ChargeDisposition.PENDING,
    disposed_on: date | None = None,
) -> Charge:
    access = criminal_access(actor=actor, case_id=defendant.case_id, write=True)
    errors: dict[str, list[str]] = {}
    filed = _day(errors, "filed_on", filed_on)
    charge = Charge(
        case=access.case,
        defendant=defendant,
        statute=_text(errors, "statute", statute, max_length=STATUTE_MAX_LENGTH, required=True),
        description=_text(errors, "description", description, max_length=TEXT_MAX_LENGTH, required=False),
        filed_on=filed or timezone.localdate(),
        disposition=_choice(errors, "disposition", disposition, ChargeDisposition.values),
        disposed_on=_day(errors, "disposed_on", disposed_on, required=False),
        created_by=actor,
    )
    if charge.disposed_on and filed and charge.disposed_on < filed:
        errors["disposed_on"] = [_("Disposed of on or after the day it was filed.")]
    _invalid(_("The charge could not be saved."), errors)
    charge.save(force_insert=True)
    with translation.override("en"):  # the timeline stores its text, in English
        summary = f"Charge filed: {charge.statute} ({charge.get_disposition_display().lower()})."
    _criminal_timeline(
        actor=actor,
        case=access.case,
        summary=summary,
        data={"charge": str(charge.pk), "defendant": str(defendant.pk)},
    )
    return charge


@transaction.atomic
def proceeding_schedule(
    *,
    actor: User,
    criminal_case: CriminalCase,
    type: str,
    scheduled_at: datetime,
    public: bool = True,
    held: bool = False,
    outcome: str = "",
) -> CriminalProceeding:
    """Record a proceeding. A public one still to come records `criminal_proceeding_scheduled`,
    whose template asks the victim-witness coordinator to notify the victim before it."""
    access = criminal_access(actor=actor, case_id=criminal_case.case_id, write=True)
    errors: dict[str, list[str]] = {}
    moment = _moment(errors, "scheduled_at", scheduled_at)
    proceeding = CriminalProceeding(
        case=access.case,
        criminal_case=criminal_case,
        type=_choice(errors, "type", type, ProceedingType.values),
        scheduled_at=moment or timezone.now(),
        public=bool(public),
        held=bool(held),
        outcome=_text(errors, "outcome", outcome, max_length=DETAILS_MAX_LENGTH, required=False),
        created_by=actor,
    )
    _invalid(_("The proceeding could not be saved."), errors)
    if proceeding.public and not proceeding.held and proceeding.scheduled_at > timezone.now():
        proceeding.event = case_event_record(
            actor=actor,
            case=access.case,
            event_type=CaseEventType.CRIMINAL_PROCEEDING_SCHEDULED,
            occurred_at=timezone.now(),
            details={"hearing_at": proceeding.scheduled_at.isoformat()},
        ).event
    proceeding.save(force_insert=True)
    when = timezone.localtime(proceeding.scheduled_at)
    state = "held" if proceeding.held else "scheduled"
    with translation.override("en"):  # the timeline stores its text, in English
        summary = f"{proceeding.get_type_display()} {state} on {when:%Y-%m-%d}."
    _criminal_timeline(
        actor=actor,
        case=access.case,
        summary=summary,
        data={"proceeding": str(proceeding.pk)},
    )
    return proceeding


@transaction.atomic
def custody_event_record(
    *, actor: User, defendant: Defendant, kind: str, occurred_at: datetime, details: str = ""
) -> CustodyEvent:
    """A change in a defendant's custody. A release or escape records the case event whose template
    asks the victim-witness coordinator to notify the victim (24 hours; an escape 2 hours, urgent)."""
    access = criminal_access(actor=actor, case_id=defendant.case_id, write=True)
    defendant = get_defendant(access=access, defendant_id=defendant.pk, lock=True)
    errors: dict[str, list[str]] = {}
    moment = _moment(errors, "occurred_at", occurred_at)
    custody = CustodyEvent(
        case=access.case,
        defendant=defendant,
        kind=_choice(errors, "kind", kind, CustodyEventKind.values),
        occurred_at=moment or timezone.now(),
        details=_text(errors, "details", details, max_length=TEXT_MAX_LENGTH, required=False),
        recorded_by=actor,
    )
    if moment is not None and moment > timezone.now() + FUTURE_TOLERANCE:
        errors["occurred_at"] = [_("A custody change is recorded once it has happened.")]
    _invalid(_("The custody event could not be recorded."), errors)
    if event_type := CUSTODY_NOTICE_EVENTS.get(custody.kind):
        custody.event = case_event_record(
            actor=actor, case=access.case, event_type=event_type, occurred_at=custody.occurred_at
        ).event
    custody.save(force_insert=True)
    # The latest event sets the status; one recorded late for an earlier time does not.
    if defendant.custody_since is None or custody.occurred_at >= defendant.custody_since:
        defendant.custody_status = CUSTODY_AFTER[custody.kind]
        defendant.custody_since = custody.occurred_at
        defendant.save(update_fields=["custody_status", "custody_since"])
    with translation.override("en"):  # the timeline stores its text, in English
        summary = f"Custody: {custody.get_kind_display().lower()}."
    _criminal_timeline(
        actor=actor,
        case=access.case,
        summary=summary,
        data={"custody_event": str(custody.pk), "defendant": str(defendant.pk)},
    )
    return custody


@transaction.atomic
def restitution_order_add(
    *,
    actor: User,
    defendant: Defendant,
    amount: object,
    ordered_on: date,
    monthly_amount: object = None,
    schedule: str = "",
    legal_basis: str = "18 U.S.C. 1593",
) -> RestitutionOrder:
    """Restitution the court ordered a defendant to pay the victim (mandatory for trafficking
    offences, 18 U.S.C. 1593)."""
    access = criminal_access(actor=actor, case_id=defendant.case_id, write=True)
    errors: dict[str, list[str]] = {}
    ordered = _money(errors, "amount", amount)
    ordered_day = _day(errors, "ordered_on", ordered_on)
    order = RestitutionOrder(
        case=access.case,
        defendant=defendant,
        amount=ordered or Decimal(0),
        monthly_amount=_money(errors, "monthly_amount", monthly_amount, required=False),
        schedule=_text(errors, "schedule", schedule, max_length=TEXT_MAX_LENGTH, required=False),
        ordered_on=ordered_day or timezone.localdate(),
        legal_basis=_text(errors, "legal_basis", legal_basis, max_length=TEXT_MAX_LENGTH, required=True),
        created_by=actor,
    )
    _invalid(_("The restitution order could not be saved."), errors)
    order.save(force_insert=True)
    _criminal_timeline(
        actor=actor,
        case=access.case,
        summary=f"Restitution ordered: ${order.amount:,}.",
        data={"restitution_order": str(order.pk), "defendant": str(defendant.pk)},
    )
    return order


def get_restitution_order(*, access: CaseAccess, order_id: Any) -> RestitutionOrder:
    if not access.may_read(Section.INVESTIGATION):
        raise NotFound()
    order = RestitutionOrder.objects.filter(case_id=access.case.pk, pk=order_id).first()
    if order is None:
        raise NotFound()
    return order


@transaction.atomic
def restitution_payment_add(
    *, actor: User, order: RestitutionOrder, amount: object, paid_on: date, reference: str = ""
) -> RestitutionPayment:
    access = criminal_access(actor=actor, case_id=order.case_id, write=True)
    # The order's row lock orders concurrent payments, so a balance read after one is exact.
    order = RestitutionOrder.objects.select_for_update().get(pk=order.pk)
    errors: dict[str, list[str]] = {}
    paid = _money(errors, "amount", amount)
    paid_day = _day(errors, "paid_on", paid_on)
    payment = RestitutionPayment(
        case=access.case,
        order=order,
        amount=paid or Decimal(0),
        paid_on=paid_day or timezone.localdate(),
        reference=_text(errors, "reference", reference, max_length=REFERENCE_MAX_LENGTH, required=False),
        recorded_by=actor,
    )
    _invalid(_("The payment could not be saved."), errors)
    payment.save(force_insert=True)
    _criminal_timeline(
        actor=actor,
        case=access.case,
        summary=f"Restitution payment recorded: ${payment.amount:,}.",
        data={"restitution_order": str(order.pk), "payment": str(payment.pk)},
    )
    return payment
