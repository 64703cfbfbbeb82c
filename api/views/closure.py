"""Closing a case and reopening it (`casework.services.closure`)."""

from uuid import UUID

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from agencies.models import User
from api.base import CaseNestedAPIView
from api.serializers.closure import (
    ClosureBlockerSerializer,
    ClosureDecisionSerializer,
    ClosureRequestSerializer,
    ClosureReturnSerializer,
    ClosureSerializer,
    LeadClosureSerializer,
    ReopenSerializer,
    closure_serializer_for,
)
from casework.access import Action
from casework.models import CaseClosure
from casework.selectors import closures_visible
from casework.services.closure import (
    case_closure_approve,
    case_closure_request,
    case_closure_return,
    case_closure_withdraw,
    case_reopen,
    closure_blockers,
)


class _ClosureView(CaseNestedAPIView):
    model = CaseClosure

    def scoped_queryset(self) -> QuerySet[CaseClosure]:
        return closures_visible(access=self.case_access)

    def closure_response(self, closure: CaseClosure, *, status_code: int = status.HTTP_200_OK) -> Response:
        closure = closures_visible(access=self.case_access).get(pk=closure.pk)
        serializer = closure_serializer_for(is_lead=self.case_access.is_lead)
        return Response(serializer(closure).data, status=status_code)


class CaseClosuresView(_ClosureView):
    """The case's closing requests, newest first. Every agency on the case sees why and when it
    closed; the lead agency also sees the summary, the justifications and the decisions."""

    ordering = ("-requested_at", "id")

    @extend_schema(responses={200: ClosureSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        serializer = closure_serializer_for(is_lead=self.case_access.is_lead)
        return self.list_response(self.get_queryset(), serializer)

    @extend_schema(request=ClosureRequestSerializer, responses={201: LeadClosureSerializer})
    def post(self, request: Request, case_id: UUID) -> Response:
        self.case_access.require(Action.REQUEST_CLOSURE)
        body = ClosureRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        closure = case_closure_request(
            actor=self.actor,
            case_id=case_id,
            reason=values["reason"],
            summary=values["summary"],
            reviewer=User.objects.filter(pk=values["reviewer"]).first(),
            justifications=values["justifications"],
        )
        return self.closure_response(closure, status_code=status.HTTP_201_CREATED)


class CaseClosureBlockersView(_ClosureView):
    """What holds the case open for the caller: each open deadline task set by law they see and
    each record a feature app keeps open (an ongoing service). The lead agency only."""

    pagination_class = None

    @extend_schema(responses={200: ClosureBlockerSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        self.case_access.require(Action.REQUEST_CLOSURE)
        return Response(ClosureBlockerSerializer(closure_blockers(access=self.case_access), many=True).data)


class CaseClosureApproveView(_ClosureView):
    lookup_url_kwarg = "closure_id"

    @extend_schema(request=ClosureDecisionSerializer, responses={200: LeadClosureSerializer})
    def post(self, request: Request, case_id: UUID, closure_id: UUID) -> Response:
        closure = self.get_object()
        body = ClosureDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        closure = case_closure_approve(
            actor=self.actor, closure_id=closure.pk, comments=body.validated_data["comments"]
        )
        return self.closure_response(closure)


class CaseClosureReturnView(_ClosureView):
    lookup_url_kwarg = "closure_id"

    @extend_schema(request=ClosureReturnSerializer, responses={200: LeadClosureSerializer})
    def post(self, request: Request, case_id: UUID, closure_id: UUID) -> Response:
        closure = self.get_object()
        body = ClosureReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        closure = case_closure_return(
            actor=self.actor, closure_id=closure.pk, comments=body.validated_data["comments"]
        )
        return self.closure_response(closure)


class CaseClosureWithdrawView(_ClosureView):
    lookup_url_kwarg = "closure_id"

    @extend_schema(request=None, responses={200: LeadClosureSerializer})
    def post(self, request: Request, case_id: UUID, closure_id: UUID) -> Response:
        closure = case_closure_withdraw(actor=self.actor, closure_id=self.get_object().pk)
        return self.closure_response(closure)


class CaseReopenView(_ClosureView):
    """The lead agency reopens a closed case, saying why."""

    @extend_schema(request=ReopenSerializer, responses={200: LeadClosureSerializer})
    def post(self, request: Request, case_id: UUID) -> Response:
        self.case_access.require(Action.REOPEN)
        body = ReopenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        closure = case_reopen(actor=self.actor, case_id=case_id, reason=body.validated_data["reason"])
        return self.closure_response(closure)
