"""Relief records of a case: readers of `immigration` only (anyone else gets 404, as if the case
had none), writers of `immigration` to change them."""

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import CaseNestedAPIView
from api.concurrency import ETAG_HEADER, IF_MATCH_HEADER, etag_for, expected_version
from api.serializers.relief import (
    ReliefRecordCreateSerializer,
    ReliefRecordSerializer,
    ReliefRecordUpdateSerializer,
    ReliefRequestSerializer,
)
from audit.services import audit_case_read
from casework.sections import Section
from relief.models import ReliefRecord
from relief.selectors import relief_records_for
from relief.services import relief_record_add, relief_record_update, relief_request_signature


def _record_response(record: ReliefRecord, *, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(
        ReliefRecordSerializer(record).data, status=status_code, headers={"ETag": etag_for(record.version)}
    )


class ReliefRecordsView(CaseNestedAPIView):
    """The case's relief steps, oldest first. A reader without immigration gets an empty list, the
    same for every case, whether it has relief records or not."""

    model = ReliefRecord
    ordering = ("created_at", "id")

    def scoped_queryset(self) -> QuerySet[ReliefRecord]:
        return relief_records_for(access=self.case_access)

    def page_context(self, page: list[Any]) -> dict[str, Any]:
        audit_case_read(
            access=self.case_access, sections={Section.IMMIGRATION} if page else set(), view="relief"
        )
        return {}

    @extend_schema(responses={200: ReliefRecordSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_response(self.get_queryset(), ReliefRecordSerializer)

    @extend_schema(request=ReliefRecordCreateSerializer, responses={201: ReliefRecordSerializer})
    def post(self, request: Request, case_id: UUID) -> Response:
        serializer = ReliefRecordCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = relief_record_add(actor=self.actor, case=self.case_access.case, **serializer.validated_data)
        return _record_response(record, status_code=status.HTTP_201_CREATED)


class ReliefRecordDetailView(CaseNestedAPIView):
    model = ReliefRecord
    lookup_url_kwarg = "record_id"

    def scoped_queryset(self) -> QuerySet[ReliefRecord]:
        return relief_records_for(access=self.case_access)

    @extend_schema(responses={200: ReliefRecordSerializer}, parameters=[ETAG_HEADER])
    def get(self, request: Request, case_id: UUID, record_id: UUID) -> Response:
        record = self.get_object()
        audit_case_read(access=self.case_access, sections={Section.IMMIGRATION}, view="relief")
        return _record_response(record)

    @extend_schema(
        request=ReliefRecordUpdateSerializer,
        responses={200: ReliefRecordSerializer},
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
    )
    def patch(self, request: Request, case_id: UUID, record_id: UUID) -> Response:
        record = self.get_object()
        version = expected_version(request)
        serializer = ReliefRecordUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = relief_record_update(
            actor=self.actor, record=record, expected_version=version, **serializer.validated_data
        )
        return _record_response(record)


class ReliefRequestView(CaseNestedAPIView):
    """Ask a law enforcement or immigration agency for a declaration, a certification or a
    Continued Presence request: a task handed off to it, titled with the form and case number."""

    model = ReliefRecord
    lookup_url_kwarg = "record_id"

    def scoped_queryset(self) -> QuerySet[ReliefRecord]:
        return relief_records_for(access=self.case_access)

    @extend_schema(request=ReliefRequestSerializer, responses={200: ReliefRecordSerializer})
    def post(self, request: Request, case_id: UUID, record_id: UUID) -> Response:
        record = self.get_object()
        serializer = ReliefRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = relief_request_signature(
            actor=self.actor, record=record, to_agency=serializer.validated_data["to_agency"]
        )
        return _record_response(record)
