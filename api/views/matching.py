"""A case's possible matches, and asking another agency to compare one. For a match in a case
the caller does not see, only its lead agency's name, its strength and an opaque token."""

from uuid import UUID

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import CaseNestedAPIView
from api.serializers.matching import (
    ComparisonAskSerializer,
    ComparisonRequestSerializer,
    PossibleMatchesPageSerializer,
    PossibleMatchSerializer,
)
from casework.models import Case
from matching.services import comparison_ask, possible_matches_check


class PossibleMatchesView(CaseNestedAPIView):
    """The case's possible matches, strongest first, at most `BRIDGE_MATCH_LIMIT` (one page).
    Checked anew on each call and audited."""

    model = Case
    pagination_class = None

    def scoped_queryset(self) -> QuerySet[Case]:
        return Case.objects.filter(pk=self.case_access.case.pk)

    @extend_schema(responses={200: PossibleMatchesPageSerializer})
    def get(self, request: Request, case_id: UUID) -> Response:
        shown = possible_matches_check(actor=self.actor, case=self.case_access.case)
        return Response(
            {"next": None, "previous": None, "results": PossibleMatchSerializer(shown, many=True).data}
        )


class ComparisonAskView(CaseNestedAPIView):
    """Ask the lead agency of a possible match the caller does not see to compare it with this
    case. Limited per person per day (`BRIDGE_MATCH_ASKS_PER_DAY`)."""

    model = Case
    pagination_class = None

    def scoped_queryset(self) -> QuerySet[Case]:
        return Case.objects.filter(pk=self.case_access.case.pk)

    @extend_schema(request=ComparisonAskSerializer, responses={201: ComparisonRequestSerializer})
    def post(self, request: Request, case_id: UUID) -> Response:
        serializer = ComparisonAskSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        asked = comparison_ask(
            actor=self.actor, case=self.case_access.case, token=serializer.validated_data["match"]
        )
        return Response(ComparisonRequestSerializer(asked).data, status=status.HTTP_201_CREATED)
