"""Every write of screening data: recording a screening and changing a case's trafficking status.

Who may: an agency that may write the screening section (`casework.access`, `may_write`): child
welfare and victim services, the health section's stewards. Reading it by consent or break-glass
never allows a write. Recording a status change records the identification events the status
implies (`sex_trafficking_identified`, `labor_trafficking_identified`), so their deadline
templates start the reporting clocks."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import User
from casework.access import CASE_ROLES, Action, CaseAccess, case_events_visible, get_case_access
from casework.models import Case, CaseEventType, Task, TraffickingStatus
from casework.services.events import case_event_record
from casework.timeline import timeline_record
from common.dates import OUT_OF_RANGE_MESSAGE, within_supported_years
from common.errors import ValidationFailed
from common.inputs import text_errors
from screening.models import (
    DECIDABLE_STATUSES,
    SCREENING_SECTION,
    Instrument,
    Screening,
    TraffickingStatusChange,
)
from screening.scoring import STATUS_RANK, score_answers

REASON_MAX_LENGTH = 2_000
REASON_MISSING = gettext_lazy("Say why.")

# The identification events each status implies: moving into a status records those the
# previous status did not already imply.
IDENTIFIED_EVENTS: dict[str, frozenset[str]] = {
    TraffickingStatus.CONFIRMED_SEX: frozenset({CaseEventType.SEX_TRAFFICKING_IDENTIFIED}),
    TraffickingStatus.CONFIRMED_LABOR: frozenset({CaseEventType.LABOR_TRAFFICKING_IDENTIFIED}),
    TraffickingStatus.CONFIRMED_BOTH: frozenset(
        {CaseEventType.SEX_TRAFFICKING_IDENTIFIED, CaseEventType.LABOR_TRAFFICKING_IDENTIFIED}
    ),
}


@dataclass(frozen=True)
class StatusChanged:
    change: TraffickingStatusChange
    # The tasks the identification events' deadline templates created.
    tasks: list[Task] = field(default_factory=list)


@dataclass(frozen=True)
class RecordedScreening:
    screening: Screening
    status_changed: StatusChanged | None


def _require_writer(access: CaseAccess) -> None:
    access.require(Action.WRITE, section=SCREENING_SECTION)


def _clean_reason(reason: object, *, required: bool, field_name: str = "reason") -> str:
    errors = text_errors(reason, max_length=REASON_MAX_LENGTH, required=required, blank=str(REASON_MISSING))
    if errors:
        raise ValidationFailed(errors[0], fields={field_name: errors})
    return reason.strip() if isinstance(reason, str) else ""


def _check_status(status: object, *, field_name: str) -> str:
    if status not in DECIDABLE_STATUSES:
        raise ValidationFailed(
            _("Choose a trafficking status."),
            fields={
                field_name: [_("Choose one of: %(choices)s.") % {"choices": ", ".join(DECIDABLE_STATUSES)}]
            },
        )
    assert isinstance(status, str)
    return status


def _apply_status(
    *, access: CaseAccess, status: str, reason: str, screening: Screening | None
) -> StatusChanged:
    """Change the locked case's status and record why, the timeline line and the events.

    Precondition: call inside a transaction holding the case row lock (`get_case_access(lock=True)`),
    after checking that the actor may write the screening section."""
    case, actor = access.case, access.user
    previous = case.trafficking_status
    now = timezone.now()
    change = TraffickingStatusChange.objects.create(
        case=case,
        status=status,
        previous_status=previous,
        reason=reason,
        screening=screening,
        changed_by=actor,
        agency=access.agency,
        changed_at=now,
    )
    case.trafficking_status = status
    case.trafficking_status_changed_at = now
    case.trafficking_status_changed_by = actor
    case.version += 1
    case.save(
        update_fields=[
            "trafficking_status",
            "trafficking_status_changed_at",
            "trafficking_status_changed_by",
            "version",
            "updated_at",
        ]
    )
    # Core, like the status: the reason stays in the screening section.
    with translation.override("en"):  # the timeline stores its text, in English
        summary = (
            f"Trafficking status changed from {TraffickingStatus(previous).label} to "
            f"{TraffickingStatus(status).label} by {access.agency.name}."
        )
    timeline_record(
        case=case,
        kind="trafficking_status_changed",
        summary=summary,
        actor=actor,
        data={"change": str(change.pk), "status": status, "previous_status": previous},
    )
    tasks: list[Task] = []
    new_events = IDENTIFIED_EVENTS.get(status, frozenset()) - IDENTIFIED_EVENTS.get(previous, frozenset())
    # An identification already recorded as an event (the clocks it started still run) is not
    # recorded twice: that would start the same reporting deadlines again.
    recorded_before = set(
        case_events_visible(access=access)
        .filter(type__in=new_events, voided_at__isnull=True)
        .values_list("type", flat=True)
    )
    for event_type in sorted(new_events - recorded_before):
        recorded = case_event_record(actor=actor, case=case, event_type=event_type, occurred_at=now)
        tasks.extend(recorded.tasks)
    return StatusChanged(change=change, tasks=tasks)


@transaction.atomic
def trafficking_status_change(*, actor: User, case: Case, status: str, reason: str) -> StatusChanged:
    """Set the case's trafficking status, saying why. Moving into a confirmed status records the
    identification event(s) it implies, whose deadline templates start the reporting clocks."""
    access = get_case_access(user=actor, case_id=case.pk, lock=True)
    _require_writer(access)
    cleaned_status = _check_status(status, field_name="status")
    cleaned_reason = _clean_reason(reason, required=True)
    if cleaned_status == access.case.trafficking_status:
        raise ValidationFailed(
            _("The case already has this status."),
            fields={"status": [_("The case already has this status: choose another.")]},
        )
    return _apply_status(access=access, status=cleaned_status, reason=cleaned_reason, screening=None)


def _screener(*, actor: User, screened_by: User | None) -> User:
    if screened_by is None:
        return actor
    if (
        not screened_by.is_active
        or screened_by.agency_id != actor.agency_id
        or screened_by.role not in CASE_ROLES
    ):
        raise ValidationFailed(
            _("Who screened must be a caseworker, liaison or supervisor of your agency."),
            fields={"screened_by": [_("Choose an active member of your agency who works on cases.")]},
        )
    return screened_by


def _check_screened_on(screened_on: object) -> date:
    if not isinstance(screened_on, date):
        raise ValidationFailed(_("Give the screening's date."), fields={"screened_on": [_("Give a date.")]})
    if not within_supported_years(screened_on):
        raise ValidationFailed(
            _("Give the screening's date."), fields={"screened_on": [OUT_OF_RANGE_MESSAGE]}
        )
    if screened_on > timezone.localdate():
        raise ValidationFailed(
            _("A screening cannot be in the future."),
            fields={"screened_on": [_("Give the date the child was screened, today or earlier.")]},
        )
    return screened_on


def screening_preview(*, instrument: Instrument, answers: Mapping[str, Any]) -> tuple[int, str]:
    """The score and suggested status these answers give, without recording anything (the page's
    confirm step). Raises `ValidationFailed` on answers the instrument does not accept."""
    scored, errors = score_answers(
        instrument=instrument,
        questions=list(instrument.questions.all()),
        thresholds=list(instrument.thresholds.all()),
        answers=answers,
    )
    if scored is None:
        raise ValidationFailed(_("Some answers are not valid."), fields=errors)
    return scored.score, scored.suggested_status


@transaction.atomic
def screening_record(
    *,
    actor: User,
    case: Case,
    instrument_id: object,
    screened_on: date,
    answers: Mapping[str, Any],
    decided_status: str,
    reason: str = "",
    screened_by: User | None = None,
) -> RecordedScreening:
    """Record a screening: the answers are scored by the instrument's rule and thresholds into a
    suggested status; the worker decides the status (a decision other than the suggestion, or one
    that lowers the case's status, needs a reason). When the decision differs from the case's
    status the status changes, with this screening as its basis."""
    access = get_case_access(user=actor, case_id=case.pk, lock=True)
    _require_writer(access)
    instrument = (
        Instrument.objects.filter(pk=instrument_id, active=True).first()
        if isinstance(instrument_id, int) and not isinstance(instrument_id, bool)
        else None
    )
    if instrument is None:
        raise ValidationFailed(
            _("Choose a screening instrument."),
            fields={"instrument": [_("Choose an active screening instrument.")]},
        )
    screened_on = _check_screened_on(screened_on)
    screener = _screener(actor=actor, screened_by=screened_by)
    scored, errors = score_answers(
        instrument=instrument,
        questions=list(instrument.questions.all()),
        thresholds=list(instrument.thresholds.all()),
        answers=answers,
    )
    if scored is None:
        raise ValidationFailed(_("Some answers are not valid."), fields=errors)
    decided = _check_status(decided_status, field_name="decided_status")
    current = access.case.trafficking_status
    lowers = STATUS_RANK[decided] < STATUS_RANK[current]
    cleaned_reason = _clean_reason(reason, required=decided != scored.suggested_status or lowers)
    screening = Screening.objects.create(
        case=access.case,
        instrument=instrument,
        screened_on=screened_on,
        screened_by=screener,
        recorded_by=actor,
        agency=access.agency,
        answers=scored.answers,
        score=scored.score,
        suggested_status=scored.suggested_status,
        previous_status=current,
        decided_status=decided,
        decision_reason=cleaned_reason,
    )
    with translation.override("en"):  # the timeline stores its text, in English
        summary = (
            f"Trafficking screening recorded by {access.agency.name} ({instrument}): score {scored.score}, "
            f"suggests {TraffickingStatus(scored.suggested_status).label}."
        )
    timeline_record(
        case=access.case,
        kind="screening_recorded",
        summary=summary,
        actor=actor,
        section=SCREENING_SECTION,
        data={"screening": str(screening.pk)},
    )
    status_changed = None
    if decided != current:
        status_changed = _apply_status(
            access=access,
            status=decided,
            reason=cleaned_reason
            or f"Screening with {instrument} on {screened_on:%Y-%m-%d}: score {scored.score}.",
            screening=screening,
        )
    return RecordedScreening(screening=screening, status_changed=status_changed)
