"""Screening instruments (read), a case's screenings and its trafficking status changes."""

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import BridgeAPIView, CaseNestedAPIView
from api.serializers.cases import READABLE_SECTIONS
from api.serializers.screening import (
    InstrumentSerializer,
    ScreeningCreateSerializer,
    ScreeningSerializer,
    TraffickingStatusChangeCreateSerializer,
    TraffickingStatusChangeSerializer,
)
from api.views.work import colleague
from audit.services import audit_case_read
from screening.models import Instrument, Screening, TraffickingStatusChange
from screening.selectors import instruments_active, screenings_visible, status_changes_for
from screening.services import screening_record, trafficking_status_change


class InstrumentListView(BridgeAPIView):
    """The screening instruments offered for new screenings, with their questions, answer types,
    scoring rule and thresholds. Questionnaires, not case content: every signed-in user may list
    them; platform staff manage them in the admin."""

    model = Instrument
    ordering = ("id",)
    filter_backends = ()

    def scoped_queryset(self) -> QuerySet[Instrument]:
        return instruments_active()

    @extend_schema(responses={200: InstrumentSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.list_response(self.get_queryset(), InstrumentSerializer)


class InstrumentDetailView(BridgeAPIView):
    model = Instrument
    lookup_url_kwarg = "instrument_id"

    def scoped_queryset(self) -> QuerySet[Instrument]:
        return instruments_active()

    @extend_schema(responses={200: InstrumentSerializer})
    def get(self, request: Request, instrument_id: int) -> Response:
        return Response(InstrumentSerializer(self.get_object()).data)


class ScreeningsView(CaseNestedAPIView):
    """The case's screenings, newest first, for agencies that read the screening section (health);
    an empty list for any other agency on the case. Recording one takes an agency that writes that
    section; when the decided status differs from the case's, the status changes with it."""

    model = Screening
    ordering = ("-created_at", "-id")
    filter_backends = ()

    def scoped_queryset(self) -> QuerySet[Screening]:
        return screenings_visible(access=self.case_access)

    def page_context(self, page: list[Any]) -> dict[str, Any]:
        audit_case_read(
            access=self.case_access, sections={screening.section for screening in page}, view="screenings"
        )
        return {}

    @extend_schema(responses={200: ScreeningSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_response(self.get_queryset(), ScreeningSerializer)

    @extend_schema(request=ScreeningCreateSerializer, responses={201: ScreeningSerializer})
    def post(self, request: Request, case_id: UUID) -> Response:
        serializer = ScreeningCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        recorded = screening_record(
            actor=self.actor,
            case=self.case_access.case,
            instrument_id=data["instrument"],
            screened_on=data["screened_on"],
            screened_by=colleague(actor=self.actor, public_id=data.get("screened_by"), field="screened_by"),
            answers=data["answers"],
            decided_status=data["decided_status"],
            reason=data["reason"],
        )
        return Response(ScreeningSerializer(recorded.screening).data, status=status.HTTP_201_CREATED)


class ScreeningDetailView(CaseNestedAPIView):
    model = Screening
    lookup_url_kwarg = "screening_id"

    def scoped_queryset(self) -> QuerySet[Screening]:
        return screenings_visible(access=self.case_access)

    @extend_schema(responses={200: ScreeningSerializer})
    def get(self, request: Request, case_id: UUID, screening_id: UUID) -> Response:
        screening = self.get_object()
        audit_case_read(access=self.case_access, sections={screening.section}, view="screenings")
        return Response(ScreeningSerializer(screening).data)


class TraffickingStatusView(CaseNestedAPIView):
    """The case's trafficking status changes, newest first (the current status is the case's
    `trafficking_status`). Every agency on the case sees who changed it to what, and when; the
    reason and the screening behind it only agencies that read the screening section (health).
    Setting it takes an agency that writes that section; a confirmed status records the
    identification event(s), whose deadline templates start the reporting clocks."""

    model = TraffickingStatusChange
    ordering = ("-changed_at", "-id")
    filter_backends = ()

    def scoped_queryset(self) -> QuerySet[TraffickingStatusChange]:
        return status_changes_for(access=self.case_access)

    def page_context(self, page: list[Any]) -> dict[str, Any]:
        readable = self.case_access.readable
        audit_case_read(
            access=self.case_access,
            sections={change.section for change in page if change.section in readable},
            view="trafficking_status",
        )
        return {READABLE_SECTIONS: readable}

    @extend_schema(responses={200: TraffickingStatusChangeSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_response(self.get_queryset(), TraffickingStatusChangeSerializer)

    @extend_schema(
        request=TraffickingStatusChangeCreateSerializer, responses={201: TraffickingStatusChangeSerializer}
    )
    def post(self, request: Request, case_id: UUID) -> Response:
        serializer = TraffickingStatusChangeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changed = trafficking_status_change(
            actor=self.actor, case=self.case_access.case, **serializer.validated_data
        )
        return Response(
            TraffickingStatusChangeSerializer(
                changed.change, context={READABLE_SECTIONS: self.case_access.readable}
            ).data,
            status=status.HTTP_201_CREATED,
        )
