"""The case's Screening tab: the trafficking status (core) and its history, the screenings and the
reasons (screening section only), and the forms to record a screening and change the status."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import audit_case_read
from casework.access import Action, CaseAccess, get_case_access
from casework.models import TraffickingStatus
from common.errors import NotFound, ValidationFailed
from screening.models import SCREENING_SECTION, Instrument, Screening, TraffickingStatusChange
from screening.scoring import is_higher
from screening.selectors import instruments_active, screenings_visible, status_changes_for
from screening.services import screening_preview, screening_record, trafficking_status_change
from web.http import WebRequest, case_work
from web.screening_forms import ScreeningForm, StatusChangeForm, screening_form_initial
from web.views.cases import case_context

HISTORY_SHOWN = 50
SCREENINGS_SHOWN = 50


@dataclass(frozen=True)
class ChangeRow:
    change: TraffickingStatusChange
    # The reason is screening-section data: None for a reader without that section.
    reason: str | None


@dataclass(frozen=True)
class ScreeningRow:
    screening: Screening
    answers: list[tuple[str, str]]


def _answer_text(value: Any) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def _screening_rows(access: CaseAccess) -> list[ScreeningRow]:
    rows = []
    for screening in screenings_visible(access=access)[:SCREENINGS_SHOWN]:
        labels = {question.key: question.text for question in screening.instrument.questions.all()}
        rows.append(
            ScreeningRow(
                screening=screening,
                answers=[
                    (labels.get(key, key), _answer_text(value)) for key, value in screening.answers.items()
                ],
            )
        )
    return rows


def _screening_page(
    request: WebRequest, access: CaseAccess, *, status_form: StatusChangeForm | None = None, status: int = 200
) -> HttpResponse:
    reads = access.may_read(SCREENING_SECTION)
    changes = [
        ChangeRow(change=change, reason=change.reason if access.may_read(change.section) else None)
        for change in status_changes_for(access=access)[:HISTORY_SHOWN]
    ]
    screenings = _screening_rows(access) if reads else []
    shown = {SCREENING_SECTION} if screenings or any(row.reason is not None for row in changes) else set()
    audit_case_read(access=access, sections=shown, view="screening")
    writes = access.may(Action.WRITE, section=SCREENING_SECTION)
    page = case_context(
        access,
        tab="screening",
        changes=changes,
        screenings=screenings,
        reads_screening=reads,
        writes_screening=writes,
        instruments=list(instruments_active()) if writes else [],
        status_form=status_form or StatusChangeForm(),
    )
    return render(request, "web/case_screening.html", page, status=status)


@case_work
@require_GET
def case_screening(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    return _screening_page(request, get_case_access(user=request.user, case_id=case_id))


@case_work
@require_POST
def case_status_change(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        try:
            changed = trafficking_status_change(
                actor=request.user,
                case=access.case,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            _tell_status_changed(request, changed.change.status, deadlines=len(changed.tasks))
            return redirect("web:case-screening", case_id=access.case.pk)
    return _screening_page(
        request, get_case_access(user=request.user, case_id=case_id), status_form=form, status=400
    )


def _tell_status_changed(request: WebRequest, status: str, *, deadlines: int) -> None:
    label = TraffickingStatus(status).label
    if deadlines:
        text = ngettext(
            "Trafficking status is now %(status)s. It started %(count)s reporting deadline.",
            "Trafficking status is now %(status)s. It started %(count)s reporting deadlines.",
            deadlines,
        ) % {"status": label, "count": deadlines}
    else:
        text = _("Trafficking status is now %(status)s.") % {"status": label}
    messages.success(request, text)


def _instrument(instrument_id: int) -> Instrument:
    instrument = instruments_active().filter(pk=instrument_id).first()
    if instrument is None:
        raise NotFound()
    return instrument


@dataclass(frozen=True)
class Preview:
    score: int
    suggested: str
    current: str
    # The instrument suggests a higher status than the case has: the page prompts the change.
    prompts_change: bool

    @property
    def suggested_label(self) -> str:
        return str(TraffickingStatus(self.suggested).label)

    @property
    def current_label(self) -> str:
        return str(TraffickingStatus(self.current).label)

    @property
    def default_decision(self) -> str:
        # A screen never lowers a status unless the worker decides so and says why.
        return self.suggested if self.prompts_change else self.current


@case_work
@require_http_methods(["GET", "POST"])
def case_screening_new(request: WebRequest, case_id: uuid.UUID, instrument_id: int) -> HttpResponse:
    """Two steps: the answers are scored and the suggested status shown; the worker then confirms a
    decision (and a reason where one is needed), and the screening is recorded."""
    access = get_case_access(user=request.user, case_id=case_id)
    access.require(Action.WRITE, section=SCREENING_SECTION)
    instrument = _instrument(instrument_id)
    confirming = request.method == "POST" and "confirm" in request.POST
    form = ScreeningForm(
        request.POST or None, instrument=instrument, confirming=confirming, initial=screening_form_initial()
    )
    preview = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                score, suggested = screening_preview(instrument=instrument, answers=form.answers())
            except ValidationFailed as error:
                form.add_service_errors(error.message, error.fields)
            else:
                current = access.case.trafficking_status
                preview = Preview(score, suggested, current, prompts_change=is_higher(suggested, current))
                if not confirming:
                    status = 200
                    data = request.POST.copy()
                    data["decided_status"] = preview.default_decision
                    form = ScreeningForm(data, instrument=instrument, confirming=True)
                else:
                    try:
                        recorded = screening_record(
                            actor=request.user,
                            case=access.case,
                            instrument_id=instrument.pk,
                            screened_on=form.screened_on_value(),
                            answers=form.answers(),
                            decided_status=form.cleaned_data["decided_status"],
                            reason=form.cleaned_data["reason"],
                        )
                    except ValidationFailed as error:
                        form.add_service_errors(error.message, error.fields)
                    else:
                        changed = recorded.status_changed
                        if changed is not None:
                            _tell_status_changed(request, changed.change.status, deadlines=len(changed.tasks))
                        else:
                            messages.success(
                                request, _("Screening recorded; the trafficking status stays as it was.")
                            )
                        return redirect("web:case-screening", case_id=access.case.pk)
    page = case_context(access, tab="screening", instrument=instrument, form=form, preview=preview)
    return render(request, "web/case_screening_form.html", page, status=status)
