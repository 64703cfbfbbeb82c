"""The case's immigration relief tab: the pathway steps, for readers of `immigration` only (for
anyone else the tab and its pages do not exist), with the forms to track a step, change it and ask
law enforcement for a declaration or certification."""

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.services import audit_case_read
from casework.access import CaseAccess, get_case_access
from casework.sections import Section
from common.errors import NotFound, StaleVersion, ValidationFailed
from documents.models import AttachedKind
from relief.models import ASKED_OF_KINDS, RELIEF_UNFILED_STATUSES, ReliefRecord
from relief.selectors import agencies_to_ask, relief_records_for
from relief.services import (
    get_relief_record,
    relief_record_add,
    relief_record_update,
    relief_request_signature,
)
from web.forms import ReliefAddForm, ReliefRequestForm, ReliefUpdateForm
from web.http import WebRequest, case_work
from web.views.cases import case_context
from web.views.documents import add_document_url, attached_documents

UPDATE_FIELDS = (
    "status",
    "requested_on",
    "filed_on",
    "decided_on",
    "expires_on",
    "receipt_number",
    "details",
)


def _relief_access(request: WebRequest, case_id: uuid.UUID) -> CaseAccess:
    access = get_case_access(user=request.user, case_id=case_id)
    if not access.may_read(Section.IMMIGRATION):
        raise NotFound()
    return access


def _prefix(record: ReliefRecord) -> str:
    return f"relief-{record.pk.hex[:12]}"


def _records(
    access: CaseAccess, *, bound: tuple[uuid.UUID, ReliefUpdateForm | ReliefRequestForm] | None = None
) -> list[Any]:
    """The steps, each with the forms the reader may use (`bound`: a form that failed, shown again
    with its errors in place of the blank one)."""
    records: list[Any] = list(relief_records_for(access=access))
    writable = access.may_write(Section.IMMIGRATION)
    documents = attached_documents(access=access, kind=AttachedKind.RELIEF_RECORD)
    for record in records:
        record.documents = documents.get(record.pk, [])
        record.add_document_url = add_document_url(
            access=access, kind=AttachedKind.RELIEF_RECORD, record_id=record.pk, section=Section.IMMIGRATION
        )
        record.update_form = None
        record.request_form = None
        if not writable:
            continue
        record.update_form = ReliefUpdateForm(
            prefix=f"{_prefix(record)}-update",
            initial={name: getattr(record, name) for name in UPDATE_FIELDS} | {"version": record.version},
        )
        if record.kind in ASKED_OF_KINDS and record.status in RELIEF_UNFILED_STATUSES:
            record.request_form = ReliefRequestForm(
                prefix=f"{_prefix(record)}-request", agencies=agencies_to_ask(kind=record.kind)
            )
        if bound is not None and bound[0] == record.pk:
            name = "update_form" if isinstance(bound[1], ReliefUpdateForm) else "request_form"
            setattr(record, name, bound[1])
    return records


def _page(
    request: WebRequest,
    access: CaseAccess,
    *,
    form: ReliefAddForm | None = None,
    bound: tuple[uuid.UUID, ReliefUpdateForm | ReliefRequestForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    records = _records(access, bound=bound)
    audit_case_read(access=access, sections={Section.IMMIGRATION}, view="relief")
    add_form = (form or ReliefAddForm()) if access.may_write(Section.IMMIGRATION) else None
    context = case_context(access, tab="relief", records=records, add_form=add_form)
    return render(request, "web/case_relief.html", context, status=status)


@case_work
@require_http_methods(["GET", "POST"])
def case_relief(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = _relief_access(request, case_id)
    if request.method == "GET":
        return _page(request, access)
    form = ReliefAddForm(request.POST)
    if form.is_valid():
        try:
            relief_record_add(actor=request.user, case=access.case, **form.cleaned_data)
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, _("Relief step tracked."))
            return redirect("web:case-relief", case_id=case_id)
    return _page(request, access, form=form, status=400)


@case_work
@require_POST
def case_relief_update(request: WebRequest, case_id: uuid.UUID, record_id: uuid.UUID) -> HttpResponse:
    access = _relief_access(request, case_id)
    record = get_relief_record(actor=request.user, case_id=case_id, record_id=record_id)
    form = ReliefUpdateForm(request.POST, prefix=f"{_prefix(record)}-update")
    if form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        values["receipt_number"] = values["receipt_number"] or ""
        values["details"] = values["details"] or ""
        try:
            relief_record_update(actor=request.user, record=record, expected_version=version, **values)
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        except StaleVersion as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Relief step updated."))
            return redirect("web:case-relief", case_id=case_id)
    return _page(request, access, bound=(record.pk, form), status=400)


@case_work
@require_POST
def case_relief_request(request: WebRequest, case_id: uuid.UUID, record_id: uuid.UUID) -> HttpResponse:
    access = _relief_access(request, case_id)
    record = get_relief_record(actor=request.user, case_id=case_id, record_id=record_id)
    form = ReliefRequestForm(
        request.POST, prefix=f"{_prefix(record)}-request", agencies=agencies_to_ask(kind=record.kind)
    )
    if form.is_valid():
        try:
            relief_request_signature(actor=request.user, record=record, to_agency=form.chosen_agency())
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, _("Request handed to the agency."))
            return redirect("web:case-relief", case_id=case_id)
    return _page(request, access, bound=(record.pk, form), status=400)
