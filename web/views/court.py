"""The case's Court tab: the dependency-court hearings every participant reads (core), and, for
readers of investigation only, the criminal case (absent, not greyed, for anyone else), with the
forms the reader may use."""

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from audit.services import audit_case_read
from casework.access import Action, CaseAccess, get_case_access
from casework.sections import Section
from common.errors import StaleVersion, ValidationFailed
from court import selectors
from court.models import CriminalCase
from court.services import (
    charge_add,
    criminal_access,
    criminal_case_open,
    criminal_case_update,
    custody_event_record,
    defendant_add,
    defendant_sentence,
    dependency_hearing_schedule,
    dependency_hearing_update,
    get_criminal_case,
    get_dependency_hearing,
    proceeding_schedule,
    restitution_order_add,
    restitution_payment_add,
)
from documents.models import AttachedKind
from web.court_forms import (
    ChargeForm,
    CriminalCaseForm,
    CriminalCaseStatusForm,
    CustodyEventForm,
    DefendantForm,
    HearingScheduleForm,
    HearingUpdateForm,
    ProceedingForm,
    RestitutionOrderForm,
    RestitutionPaymentForm,
    SentenceForm,
)
from web.forms import BridgeForm
from web.http import WebRequest, case_work
from web.views.cases import case_context
from web.views.documents import add_document_url, attached_documents

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Adder = Callable[..., Any]

# What each criminal-case form adds, the service that adds it, and what its parent field names.
CRIMINAL_FORMS: dict[str, tuple[type[BridgeForm], Adder, str]] = {
    "criminal-case": (CriminalCaseForm, criminal_case_open, ""),
    "defendant": (DefendantForm, defendant_add, "criminal_case"),
    "charge": (ChargeForm, charge_add, "defendant"),
    "proceeding": (ProceedingForm, proceeding_schedule, "criminal_case"),
    "sentence": (SentenceForm, defendant_sentence, "defendant"),
    "custody-event": (CustodyEventForm, custody_event_record, "defendant"),
    "restitution-order": (RestitutionOrderForm, restitution_order_add, "defendant"),
    "restitution-payment": (RestitutionPaymentForm, restitution_payment_add, "order"),
}
# (what the form's summary says, what the page says once it is saved)
FORM_WORDS: dict[str, tuple["StrOrPromise", "StrOrPromise"]] = {
    "criminal-case": (gettext_lazy("Record a criminal case"), gettext_lazy("Criminal case recorded.")),
    "defendant": (gettext_lazy("Add a defendant"), gettext_lazy("Defendant added.")),
    "charge": (gettext_lazy("Record a charge"), gettext_lazy("Charge recorded.")),
    "proceeding": (gettext_lazy("Record a proceeding"), gettext_lazy("Proceeding recorded.")),
    "sentence": (gettext_lazy("Record a sentence"), gettext_lazy("Sentence recorded.")),
    "custody-event": (gettext_lazy("Record a custody change"), gettext_lazy("Custody change recorded.")),
    "restitution-order": (
        gettext_lazy("Record restitution ordered"),
        gettext_lazy("Restitution order recorded."),
    ),
    "restitution-payment": (gettext_lazy("Record a restitution payment"), gettext_lazy("Payment recorded.")),
}


def _parents(access: CaseAccess, criminal_cases: list[CriminalCase]) -> dict[str, dict[str, Any]]:
    """The records of this case each form may point at, by id, as the forms list them."""
    if not access.may_read(Section.INVESTIGATION):
        return {"criminal_case": {}, "defendant": {}, "order": {}}
    defendants = [defendant for record in criminal_cases for defendant in record.defendants.all()]
    return {
        "criminal_case": {str(record.pk): record for record in criminal_cases},
        "defendant": {str(defendant.pk): defendant for defendant in defendants},
        "order": {
            str(order.pk): order for defendant in defendants for order in defendant.restitution_orders.all()
        },
    }


def _choices(parents: dict[str, Any], field: str) -> list[tuple[str, str]]:
    labels = {
        "criminal_case": lambda record: f"{record.court} {record.docket_number}".strip(),
        "defendant": lambda defendant: defendant.defendant_name,
        "order": lambda order: (
            _("$%(amount)s ordered %(date)s")
            % {"amount": f"{order.amount:,}", "date": f"{order.ordered_on:%Y-%m-%d}"}
        ),
    }
    return [(key, labels[field](record)) for key, record in parents.get(field, {}).items()]


def _page(
    request: WebRequest,
    access: CaseAccess,
    *,
    bound: tuple[str, BridgeForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    hearings: list[Any] = list(selectors.dependency_hearings_for(access=access))
    may_schedule = access.may(Action.WRITE, section=Section.CORE)
    documents = attached_documents(access=access, kind=AttachedKind.HEARING)
    for hearing in hearings:
        hearing.documents = documents.get(hearing.pk, [])
        hearing.add_document_url = add_document_url(
            access=access, kind=AttachedKind.HEARING, record_id=hearing.pk, section=Section.CORE
        )
        hearing.update_form = None
        if may_schedule:
            hearing.update_form = HearingUpdateForm(
                prefix=f"hearing-{hearing.pk.hex[:12]}",
                initial={
                    "scheduled_at": hearing.scheduled_at,
                    "outcome": hearing.outcome,
                    "outcome_notes": hearing.outcome_notes,
                    "version": hearing.version,
                },
            )
        if bound is not None and bound[0] == f"hearing-{hearing.pk}":
            hearing.update_form = bound[1]
    schedule_form = None
    if may_schedule:
        schedule_form = bound[1] if bound is not None and bound[0] == "hearing" else HearingScheduleForm()
    reads_criminal = access.may_read(Section.INVESTIGATION)
    criminal_cases = selectors.criminal_case_page(access=access) if reads_criminal else []
    if criminal_cases:
        audit_case_read(access=access, sections={Section.INVESTIGATION}, view="court")
    # (record, summary, form): only those with something to point at (a defendant needs a case).
    forms: list[tuple[str, StrOrPromise, BridgeForm]] = []
    writes_criminal = reads_criminal and access.may(Action.WRITE_CRIMINAL_CASE)
    for record in criminal_cases:
        record.status_form = None  # type: ignore[attr-defined]
        if writes_criminal:
            record.status_form = (  # type: ignore[attr-defined]
                bound[1]
                if bound is not None and bound[0] == f"criminal-{record.pk}"
                else CriminalCaseStatusForm(
                    prefix=f"criminal-{record.pk.hex[:12]}",
                    initial={"status": record.status, "version": record.version},
                )
            )
    if writes_criminal:
        parents = _parents(access, criminal_cases)
        for name, (form_class, _adder, parent_field) in CRIMINAL_FORMS.items():
            summary = FORM_WORDS[name][0]
            if bound is not None and bound[0] == name:
                forms.append((name, summary, bound[1]))
            elif not parent_field:
                forms.append((name, summary, form_class()))
            elif parents[parent_field]:
                forms.append((name, summary, form_class(parents=_choices(parents, parent_field))))
    context = case_context(
        access,
        tab="court",
        hearings=hearings,
        schedule_form=schedule_form,
        reads_criminal=reads_criminal,
        criminal_cases=criminal_cases,
        forms=forms,
    )
    return render(request, "web/case_court.html", context, status=status)


@case_work
@require_GET
def case_court(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    return _page(request, get_case_access(user=request.user, case_id=case_id))


@case_work
@require_POST
def case_hearing_schedule(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    form = HearingScheduleForm(request.POST)
    if form.is_valid():
        try:
            dependency_hearing_schedule(actor=request.user, case=access.case, **form.cleaned_data)
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, _("Hearing scheduled; the agencies taking part were told."))
            return redirect("web:case-court", case_id=case_id)
    return _page(request, access, bound=("hearing", form), status=400)


@case_work
@require_POST
def case_hearing_update(request: WebRequest, case_id: uuid.UUID, hearing_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    hearing = get_dependency_hearing(access=access, hearing_id=hearing_id)
    form = HearingUpdateForm(request.POST, prefix=f"hearing-{hearing.pk.hex[:12]}")
    if form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        try:
            dependency_hearing_update(actor=request.user, hearing=hearing, expected_version=version, **values)
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        except StaleVersion as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Hearing updated."))
            return redirect("web:case-court", case_id=case_id)
    return _page(request, access, bound=(f"hearing-{hearing.pk}", form), status=400)


@case_work
@require_POST
def case_criminal_add(request: WebRequest, case_id: uuid.UUID, record: str) -> HttpResponse:
    if record not in CRIMINAL_FORMS:
        raise Http404()
    # A reader without investigation is told the criminal case does not exist.
    access = criminal_access(actor=request.user, case_id=case_id, write=False)
    form_class, add, parent_field = CRIMINAL_FORMS[record]
    parents = _parents(access, selectors.criminal_case_page(access=access))
    form = (
        form_class(request.POST, parents=_choices(parents, parent_field))
        if parent_field
        else form_class(request.POST)
    )
    if form.is_valid():
        values = {name: value for name, value in form.cleaned_data.items() if value not in (None, "")}
        if parent_field:
            values[parent_field] = parents[parent_field][values[parent_field]]
        else:
            values["case"] = access.case
        try:
            add(actor=request.user, **values)
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, FORM_WORDS[record][1])
            return redirect("web:case-court", case_id=case_id)
    return _page(request, access, bound=(record, form), status=400)


@case_work
@require_POST
def case_criminal_case_update(
    request: WebRequest, case_id: uuid.UUID, criminal_case_id: uuid.UUID
) -> HttpResponse:
    access = criminal_access(actor=request.user, case_id=case_id, write=False)
    record = get_criminal_case(access=access, criminal_case_id=criminal_case_id)
    form = CriminalCaseStatusForm(request.POST, prefix=f"criminal-{record.pk.hex[:12]}")
    if form.is_valid():
        try:
            criminal_case_update(
                actor=request.user,
                criminal_case=record,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        except StaleVersion as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Criminal case updated."))
            return redirect("web:case-court", case_id=case_id)
    return _page(request, access, bound=(f"criminal-{record.pk}", form), status=400)
