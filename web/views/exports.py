"""Printing a case summary and exporting the case list: a form asking the purpose (and, for a
summary, what to include), answered with the file itself. What the file holds, and its audit,
are `exports.services`'."""

import uuid

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from casework.access import get_case_access
from common.errors import ValidationFailed
from exports.services import ExportFile, case_list_export, case_summary_pdf
from web.exports_forms import CaseListExportForm, CaseSummaryForm
from web.http import WebRequest, case_work
from web.selectors import case_list as case_list_rows
from web.views.cases import case_context, case_list_query, list_parameters, recalled_search


def file_response(exported: ExportFile) -> HttpResponse:
    """The file as a download; never kept by a cache (web.http marks every response no-store)."""
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@case_work
@require_http_methods(["GET", "POST"])
def case_summary(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    form = CaseSummaryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            exported = case_summary_pdf(
                actor=request.user,
                case_id=access.case.pk,
                purpose=form.cleaned_data["purpose"],
                include_notes=form.cleaned_data["include_notes"],
                include_timeline=form.cleaned_data["include_timeline"],
                mask_legal_name=form.cleaned_data["mask_legal_name"],
                # A form posted without it (an older page) prints in the page's language.
                language=form.cleaned_data["language"] or translation.get_language(),
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            return file_response(exported)
    status = 400 if request.method == "POST" else 200
    context = case_context(access, tab="summary", form=form)
    return render(request, "web/case_summary.html", context, status=status)


@case_work
@require_http_methods(["GET", "POST"])
def case_list_export_view(request: WebRequest) -> HttpResponse:
    """The case list as a file, with the filters, order and search of the list it was asked from
    (they travel in this page's address, as on the list)."""
    parameters = list_parameters(request)
    filters, query = case_list_query(request, parameters, recalled_search(request, parameters))
    form = CaseListExportForm(request.POST or None, initial={"format": request.GET.get("format", "csv")})
    if request.method == "POST" and form.is_valid() and filters.is_valid():
        cases = case_list_rows(
            user=request.user, query=query, now=timezone.now(), limit=settings.BRIDGE_EXPORT_MAX_ROWS + 1
        )
        try:
            exported = case_list_export(
                actor=request.user,
                cases=cases,
                purpose=form.cleaned_data["purpose"],
                file_format=form.cleaned_data["format"],
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            return file_response(exported)
    status = 400 if request.method == "POST" else 200
    query_string = f"?{urlencode(parameters)}" if parameters else ""
    context = {
        "form": form,
        "filters": filters,
        "filtered": any(value for name, value in parameters.items() if name != "sort"),
        "action": reverse("web:cases-export") + query_string,
        "back": reverse("web:cases") + query_string,
        "page": "cases",
    }
    return render(request, "web/case_list_export.html", context, status=status)
