"""Documents of a case: only those in sections the caller reads (any other is 404, and is not
counted); uploads and new versions as multipart by writers of the section; downloads stream the
decrypted file through Django, each one audited."""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import CaseNestedAPIView
from api.serializers.documents import (
    DocumentSerializer,
    DocumentUploadSerializer,
    DocumentVersionUploadSerializer,
)
from audit.services import audit_case_read
from casework.access import CaseAccess, consents_visible
from casework.sections import Section
from common.errors import NotFound
from court.selectors import dependency_hearings_for
from documents.downloads import attachment_response
from documents.models import AttachedKind, Document
from documents.selectors import documents_with_versions
from documents.services import (
    AttachedRecord,
    document_upload,
    document_version_add,
    document_version_download,
)
from referrals.selectors import referrals_on_case
from relief.selectors import relief_records_for

RESTRICTED = frozenset(Section.values) - {Section.CORE}


def attached_record(*, access: CaseAccess, kind: str, record_id: UUID) -> AttachedRecord:
    """The record a document is attached to, found through its own app's reads (so one the caller
    does not see is 404), with the section that protects it."""
    match kind:
        case AttachedKind.RELIEF_RECORD if relief_records_for(access=access).filter(pk=record_id).exists():
            return AttachedRecord(kind=kind, record_id=record_id, section=Section.IMMIGRATION)
        case AttachedKind.HEARING if dependency_hearings_for(access=access).filter(pk=record_id).exists():
            return AttachedRecord(kind=kind, record_id=record_id, section=Section.CORE)
        case AttachedKind.REFERRAL:
            referral = referrals_on_case(access=access).filter(pk=record_id).first()
            if referral is not None:
                return AttachedRecord(kind=kind, record_id=record_id, section=referral.section)
    raise NotFound(gettext("No such record on this case."))


def _audit_documents_read(access: CaseAccess, documents: list[Document]) -> None:
    audit_case_read(
        access=access,
        sections={document.section for document in documents} & RESTRICTED,
        view="documents",
    )


class DocumentsView(CaseNestedAPIView):
    """The case's documents the caller may read, most recently changed first; upload one."""

    model = Document
    ordering = ("-updated_at", "id")
    parser_classes = (MultiPartParser, FormParser)

    def scoped_queryset(self) -> QuerySet[Document]:
        return documents_with_versions(access=self.case_access)

    def page_context(self, page: list[Any]) -> dict[str, Any]:
        _audit_documents_read(self.case_access, page)
        return {}

    @extend_schema(responses={200: DocumentSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_response(self.get_queryset(), DocumentSerializer)

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer}, responses={201: DocumentSerializer}
    )
    def post(self, request: Request, case_id: UUID) -> Response:
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        access = self.case_access
        consent = attached = None
        if data.get("attached_kind") == AttachedKind.CONSENT:
            consent = consents_visible(access=access).filter(pk=data["attached_id"]).first()
            if consent is None:
                raise NotFound(gettext("No such record on this case."))
        elif "attached_kind" in data:
            attached = attached_record(
                access=access, kind=data["attached_kind"], record_id=data["attached_id"]
            )
        upload = data["file"]
        document = document_upload(
            actor=self.actor,
            case=access.case,
            document_type=data["document_type"],
            title=data["title"],
            upload=upload,
            uploaded_name=upload.name or "",
            section=data.get("section"),
            consent=consent,
            attached=attached,
        )
        document = documents_with_versions(access=access).get(pk=document.pk)
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDetailView(CaseNestedAPIView):
    model = Document
    lookup_url_kwarg = "document_id"

    def scoped_queryset(self) -> QuerySet[Document]:
        return documents_with_versions(access=self.case_access)

    @extend_schema(responses={200: DocumentSerializer})
    def get(self, request: Request, case_id: UUID, document_id: UUID) -> Response:
        document = self.get_object()
        _audit_documents_read(self.case_access, [document])
        return Response(DocumentSerializer(document).data)


class DocumentVersionsView(CaseNestedAPIView):
    """Upload a new version; the earlier ones are kept."""

    model = Document
    lookup_url_kwarg = "document_id"
    parser_classes = (MultiPartParser, FormParser)

    def scoped_queryset(self) -> QuerySet[Document]:
        return documents_with_versions(access=self.case_access)

    @extend_schema(
        request={"multipart/form-data": DocumentVersionUploadSerializer}, responses={201: DocumentSerializer}
    )
    def post(self, request: Request, case_id: UUID, document_id: UUID) -> Response:
        document = self.get_object()
        serializer = DocumentVersionUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        document_version_add(
            actor=self.actor, document=document, upload=upload, uploaded_name=upload.name or ""
        )
        document = documents_with_versions(access=self.case_access).get(pk=document.pk)
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


# One binary response per accepted content type: a download answers with the type sniffed from
# the file when it was uploaded.
BINARY_RESPONSE = {
    (200, content_type): OpenApiResponse(
        response=OpenApiTypes.BINARY,
        description="The file, decrypted, as an attachment (Content-Disposition: attachment).",
    )
    for content_type in settings.BRIDGE_DOCUMENT_TYPES
}


class _DocumentFileView(CaseNestedAPIView):
    model = Document
    lookup_url_kwarg = "document_id"
    pagination_class = None

    def scoped_queryset(self) -> QuerySet[Document]:
        return documents_with_versions(access=self.case_access)

    def file_response(self, *, number: int | None) -> HttpResponse:
        document = self.get_object()
        return attachment_response(
            document_version_download(actor=self.actor, document=document, number=number)
        )


class DocumentDownloadView(_DocumentFileView):
    """The latest version's file."""

    @extend_schema(responses=BINARY_RESPONSE)
    def get(self, request: Request, case_id: UUID, document_id: UUID) -> HttpResponse:
        return self.file_response(number=None)


class DocumentVersionDownloadView(_DocumentFileView):
    """One version's file."""

    @extend_schema(responses=BINARY_RESPONSE)
    def get(self, request: Request, case_id: UUID, document_id: UUID, number: int) -> HttpResponse:
        return self.file_response(number=number)
