"""Break-glass, the access log and the disclosure history of a case."""

from uuid import UUID

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import CaseNestedAPIView
from api.serializers.security import (
    AccessLogQuerySerializer,
    AuditRecordSerializer,
    BreakGlassCreateSerializer,
    BreakGlassSerializer,
    DisclosureSerializer,
)
from audit.models import AuditRecord
from audit.selectors import case_access_log
from casework.access import disclosure_history
from casework.models import BreakGlass
from casework.services.breakglass import break_glass_open


class BreakGlassView(CaseNestedAPIView):
    """A supervisor of a participating agency opens a section their agency holds no grant for,
    because a child is in danger: a written reason is required, the opening lasts
    BRIDGE_BREAK_GLASS_HOURS (4 by default), and the lead agency's supervisors and the section's
    stewards are notified at once. `legal` opens only for legal advocate agencies."""

    model = BreakGlass
    pagination_class = None
    filter_backends = ()

    @extend_schema(request=BreakGlassCreateSerializer, responses={201: BreakGlassSerializer})
    def post(self, request: Request, case_id: UUID) -> Response:
        serializer = BreakGlassCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        opening = break_glass_open(actor=self.actor, case=self.case_access.case, **serializer.validated_data)
        return Response(BreakGlassSerializer(opening).data, status=status.HTTP_201_CREATED)


class AccessLogView(CaseNestedAPIView):
    """Who read or changed what on the case, when, from where and with what outcome, newest
    first; denied attempts included. For supervisors of the lead agency."""

    model = AuditRecord
    ordering = ("-id",)
    filter_backends = ()

    def scoped_queryset(self) -> QuerySet[AuditRecord]:
        query = AccessLogQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return case_access_log(access=self.case_access, **query.validated_data)

    @extend_schema(parameters=[AccessLogQuerySerializer], responses={200: AuditRecordSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_response(self.get_queryset(), AuditRecordSerializer)


class DisclosureHistoryView(CaseNestedAPIView):
    """Which agencies received which sections of the case, when, on what basis (default on
    joining, a steward's grant, a recorded consent, break-glass) and when that ended. For
    supervisors of the lead agency."""

    pagination_class = None
    filter_backends = ()

    @extend_schema(responses={200: DisclosureSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return Response(DisclosureSerializer(disclosure_history(access=self.case_access), many=True).data)
