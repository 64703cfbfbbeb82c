"""Links between cases. A link exists for the caller only when they see both cases."""

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import CaseNestedAPIView
from api.serializers.links import CaseLinkCreateSerializer, CaseLinkSerializer, LinkedCaseSerializer
from casework.models import Case
from links.models import CaseLink
from links.selectors import case_links_visible, get_case_link, sibling_group
from links.services import case_link_create, case_link_delete


class CaseLinksView(CaseNestedAPIView):
    """The case's links (siblings, one household, one exploiter or incident) to other cases the
    caller sees. The lead agency links its case to another case its user sees."""

    model = CaseLink
    ordering = ("created_at", "id")

    def scoped_queryset(self) -> QuerySet[CaseLink]:
        return case_links_visible(access=self.case_access)

    def page_context(self, page: list[Any]) -> dict[str, Any]:
        return {"case_id": self.case_access.case.pk}

    @extend_schema(responses={200: CaseLinkSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_response(self.get_queryset(), CaseLinkSerializer)

    @extend_schema(request=CaseLinkCreateSerializer, responses={201: CaseLinkSerializer})
    def post(self, request: Request, case_id: UUID) -> Response:
        access = self.case_access
        serializer = CaseLinkCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = case_link_create(
            actor=self.actor,
            case=access.case,
            other_case_id=serializer.validated_data["other_case"],
            kind=serializer.validated_data["kind"],
        )
        link = get_case_link(access=access, link_id=link.pk)
        return Response(
            CaseLinkSerializer(link, context={"case_id": access.case.pk}).data, status=status.HTTP_201_CREATED
        )


class CaseSiblingGroupView(CaseNestedAPIView):
    """The case's sibling group: every case reached through sibling links the caller sees, however
    many links away (a sibling reached only through a case the caller cannot see is left out)."""

    model = Case
    ordering = ("created_at", "id")

    def scoped_queryset(self) -> QuerySet[Case]:
        return sibling_group(access=self.case_access)

    @extend_schema(responses={200: LinkedCaseSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_response(self.get_queryset(), LinkedCaseSerializer)


class CaseLinkDetailView(CaseNestedAPIView):
    model = CaseLink
    lookup_url_kwarg = "link_id"

    def scoped_queryset(self) -> QuerySet[CaseLink]:
        return case_links_visible(access=self.case_access)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, case_id: UUID, link_id: UUID) -> Response:
        case_link_delete(actor=self.actor, case=self.case_access.case, link=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
