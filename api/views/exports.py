"""The case summary PDF, the case list as CSV or XLSX, and the copies taken of a case. The files
are built and audited by `exports.services`; these views read the query and answer the bytes."""

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import BridgeAPIView, CaseNestedAPIView
from api.filters import CaseFilter
from api.serializers.exports import (
    CaseListExportQuerySerializer,
    CaseSummaryQuerySerializer,
    ConsentFormQuerySerializer,
)
from api.serializers.security import AuditRecordSerializer
from audit.models import AuditRecord
from casework.access import cases_visible_to, copies_taken
from casework.models import Case
from exports.consent_forms import consent_form_pdf
from exports.services import CONTENT_TYPES, ExportFile, case_list_export, case_summary_pdf


def file_response(exported: ExportFile) -> HttpResponse:
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


def _file_schema(media_type: str, description: str) -> dict[Any, Any]:
    return {(200, media_type): OpenApiResponse(response=OpenApiTypes.BINARY, description=description)}


class CaseSummaryView(CaseNestedAPIView):
    """The case summary PDF: what the caller may read of the case (a section they may not read is
    absent, name and all), headed with who took it, when and `purpose`, every page marked
    confidential. Recorded as a read of the sections it carries and as a copy in the case's
    disclosure history."""

    model = Case
    pagination_class = None
    filter_backends = ()

    @extend_schema(
        operation_id="cases_summary_pdf",
        parameters=[CaseSummaryQuerySerializer],
        responses=_file_schema(CONTENT_TYPES["pdf"], "The case summary."),
    )
    def get(self, request: Request, case_id: UUID) -> HttpResponse:
        query = CaseSummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        chosen = {**query.validated_data, "language": query.validated_data["language"] or get_language()}
        exported = case_summary_pdf(actor=self.actor, case_id=self.case_access.case.pk, **chosen)
        return file_response(exported)


class ConsentFormView(CaseNestedAPIView):
    """The consent form of a recorded consent, for the child and guardian to read and keep, in
    `language` (blank: the request's): who receives what, why, until when, how to take it back,
    the signature and interpreter lines. Only agencies that handle the consent's sections get it;
    recorded as a copy in the case's disclosure history."""

    model = Case
    pagination_class = None
    filter_backends = ()

    @extend_schema(
        operation_id="cases_consents_form_pdf",
        parameters=[ConsentFormQuerySerializer],
        responses=_file_schema(CONTENT_TYPES["pdf"], "The consent form."),
    )
    def get(self, request: Request, case_id: UUID, consent_id: UUID) -> HttpResponse:
        query = ConsentFormQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        exported = consent_form_pdf(
            actor=self.actor,
            case_id=self.case_access.case.pk,
            consent_id=consent_id,
            language=query.validated_data["language"] or get_language(),
        )
        return file_response(exported)


class CaseListExportView(BridgeAPIView):
    """The cases the caller sees, with the case list's filters, newest first, as a file: case
    number, pseudonym, age band, status, trafficking status, lead agency, the caller's agency's
    next deadline and overdue tasks, last activity. At most `BRIDGE_EXPORT_MAX_ROWS` cases (400
    beyond). Each case exported gets a copy record with `purpose`."""

    model = Case
    filterset_class = CaseFilter
    pagination_class = None
    file_format = ""

    def scoped_queryset(self) -> QuerySet[Case]:
        return cases_visible_to(user=self.actor)

    def export(self, request: Request) -> HttpResponse:
        query = CaseListExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        cases = self.filter_queryset(self.get_queryset()).order_by("-created_at", "-id")
        exported = case_list_export(
            actor=self.actor,
            cases=cases,
            purpose=query.validated_data["purpose"],
            file_format=self.file_format,
        )
        return file_response(exported)


class CaseListCsvView(CaseListExportView):
    file_format = "csv"

    @extend_schema(
        operation_id="cases_export_csv",
        parameters=[CaseListExportQuerySerializer],
        responses=_file_schema("text/csv", "The cases as CSV (UTF-8 with a byte order mark)."),
    )
    def get(self, request: Request) -> HttpResponse:
        return self.export(request)


class CaseListXlsxView(CaseListExportView):
    file_format = "xlsx"

    @extend_schema(
        operation_id="cases_export_xlsx",
        parameters=[CaseListExportQuerySerializer],
        responses=_file_schema(CONTENT_TYPES["xlsx"], "The cases as an Excel workbook."),
    )
    def get(self, request: Request) -> HttpResponse:
        return self.export(request)


class CopiesTakenView(CaseNestedAPIView):
    """Copies of the case's data taken out of Bridge, newest first: documents downloaded, case
        summaries printed, case lists exported, each with who, the sections it carried and the
        purpose. For supervisors of the lead agency. `event_type` is `copy.` and the kind
    (`document_download`, `case_summary`, `case_list`); `detail` holds `sections`, `purpose` and what
    the kind adds (the summary's options, the export's format and row count)."""

    model = AuditRecord
    ordering = ("-id",)
    filter_backends = ()

    def scoped_queryset(self) -> QuerySet[AuditRecord]:
        return copies_taken(access=self.case_access)

    @extend_schema(responses={200: AuditRecordSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_response(self.get_queryset(), AuditRecordSerializer)
