"""Service referrals. A referral is seen by its sending agency, its provider and the case's lead
agency (404 for anyone else, as if it did not exist); its details (outcome reason, hand-over note,
sessions) only by readers of its section. Answering is the handoff's: the provider's liaisons and
supervisors accept or decline, the sender withdraws."""

import uuid
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import BridgeAPIView, CaseNestedAPIView
from api.concurrency import ETAG_HEADER, IF_MATCH_HEADER, etag_for, expected_version
from api.serializers.referrals import (
    REFERRAL_STATE_CHOICES,
    ReferralAcceptSerializer,
    ReferralCreateSerializer,
    ReferralDeclineSerializer,
    ReferralOutcomeSerializer,
    ReferralSerializer,
    ReferralSessionCreateSerializer,
    ReferralSessionSerializer,
    ReferralUpdateSerializer,
    ServiceTypeSerializer,
)
from audit.services import audit_case_read
from casework.sections import Section
from common.errors import ValidationFailed
from referrals.models import Referral, ReferralSession, ServiceType
from referrals.selectors import (
    filter_by_direction_and_state,
    get_referral_for_user,
    readable_details_by_case,
    referral_access,
    referrals_on_case,
    referrals_visible_to,
    service_types_offered,
    sessions_of,
)
from referrals.services import (
    referral_accept,
    referral_decline,
    referral_handover_note_set,
    referral_outcome_record,
    referral_send,
    referral_session_record,
    referral_withdraw,
)

DIRECTIONS = ("incoming", "sent")


def _audited_context(*, user: Any, referral: Referral) -> dict[str, Any]:
    """The serializer context for one referral, recording the read of its section when shown."""
    access = referral_access(user=user, referral=referral)
    if access is None:
        return {"readable": {}}
    if referral.section != Section.CORE and access.may_read(referral.section):
        audit_case_read(access=access, sections={referral.section}, view="referral")
    return {"readable": {referral.case_id: access.readable}}


def referral_response(*, user: Any, referral: Referral, status_code: int = status.HTTP_200_OK) -> Response:
    context = _audited_context(user=user, referral=referral)
    return Response(
        ReferralSerializer(referral, context=context).data,
        status=status_code,
        headers={"ETag": etag_for(referral.version)},
    )


class ServiceTypeListView(BridgeAPIView):
    """The services a referral may ask for, and the section protecting each one's details."""

    model = ServiceType
    ordering = ("ordering", "id")
    filter_backends = ()

    def scoped_queryset(self) -> QuerySet[ServiceType]:
        return service_types_offered()

    @extend_schema(responses={200: ServiceTypeSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.list_response(self.get_queryset(), ServiceTypeSerializer)


class ReferralListMixin:
    def page_context(self, page: list[Any]) -> dict[str, Any]:
        user = self.actor  # type: ignore[attr-defined]
        return {"readable": readable_details_by_case(user=user, case_ids=sorted({r.case_id for r in page}))}


class CaseReferralsView(CaseNestedAPIView):
    """The referrals on a case the caller's agency sent, provides, or (as lead agency) oversees."""

    model = Referral
    ordering = ("-created_at", "id")
    filter_backends = ()

    def scoped_queryset(self) -> QuerySet[Referral]:
        return referrals_on_case(access=self.case_access)

    def page_context(self, page: list[Any]) -> dict[str, Any]:
        access = self.case_access
        shown = {referral.section for referral in page} & access.readable
        audit_case_read(access=access, sections=shown, view="referrals")
        return {"readable": {access.case.pk: access.readable}}

    @extend_schema(responses={200: ReferralSerializer(many=True)})
    def get(self, request: Request, case_id: uuid.UUID) -> Response:
        return self.list_response(self.get_queryset(), ReferralSerializer)

    @extend_schema(request=ReferralCreateSerializer, responses={201: ReferralSerializer})
    def post(self, request: Request, case_id: uuid.UUID) -> Response:
        serializer = ReferralCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        follows = None
        if data.get("follows") is not None:
            follows = referrals_on_case(access=self.case_access).filter(pk=data["follows"]).first()
            if follows is None:
                raise ValidationFailed(
                    gettext("Unknown referral."),
                    fields={"follows": [gettext("No referral on this case with this id.")]},
                )
        referral = referral_send(
            actor=self.actor,
            case=self.case_access.case,
            service_type=data["service_type"],
            provider=data["provider"],
            sections_needed=data["sections_needed"],
            follows=follows,
            note=data["note"],
            urgent=data["urgent"],
        )
        found = get_referral_for_user(user=self.actor, referral_id=referral.pk)
        return referral_response(user=self.actor, referral=found, status_code=status.HTTP_201_CREATED)


class ReferralListView(ReferralListMixin, BridgeAPIView):
    """The caller's referral desk: referrals to their agency (`incoming`) and from it (`sent`),
    and, for the lead agency, those on its cases. Newest first."""

    model = Referral
    ordering = ("-created_at", "id")
    filter_backends = ()

    def scoped_queryset(self) -> QuerySet[Referral]:
        params = self.request.query_params
        direction = params.get("direction", "")
        state = params.get("state", "")
        errors = {}
        if direction and direction not in DIRECTIONS:
            errors["direction"] = [
                gettext("Must be one of: %(choices)s.") % {"choices": ", ".join(DIRECTIONS)}
            ]
        if state and state not in REFERRAL_STATE_CHOICES:
            errors["state"] = [
                gettext("Must be one of: %(choices)s.") % {"choices": ", ".join(REFERRAL_STATE_CHOICES)}
            ]
        if errors:
            raise ValidationFailed(gettext("Check the filters."), fields=errors)
        return filter_by_direction_and_state(
            referrals_visible_to(user=self.actor),
            agency_id=self.actor.agency_id or 0,
            direction=direction,
            state=state,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("direction", str, enum=list(DIRECTIONS)),
            OpenApiParameter(
                "state",
                str,
                enum=REFERRAL_STATE_CHOICES,
                description="The handoff's status until the provider accepts, then the service's outcome.",
            ),
        ],
        responses={200: ReferralSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return self.list_response(self.get_queryset(), ReferralSerializer)


class ReferralView(BridgeAPIView):
    model = Referral
    lookup_url_kwarg = "referral_id"
    filter_backends = ()
    pagination_class = None

    def scoped_queryset(self) -> QuerySet[Referral]:
        return referrals_visible_to(user=self.actor)

    def referral(self) -> Referral:
        return get_referral_for_user(user=self.actor, referral_id=self.get_object().pk)

    def answered(self, referral: Referral) -> Response:
        return referral_response(user=self.actor, referral=referral)


class ReferralDetailView(ReferralView):
    @extend_schema(responses={200: ReferralSerializer}, parameters=[ETAG_HEADER])
    def get(self, request: Request, referral_id: uuid.UUID) -> Response:
        return self.answered(self.referral())

    @extend_schema(
        request=ReferralUpdateSerializer,
        responses={200: ReferralSerializer},
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
        description=(
            "The provider's hand-over note on an ongoing service: who takes it over when the case closes."
        ),
    )
    def patch(self, request: Request, referral_id: uuid.UUID) -> Response:
        referral = self.referral()
        version = expected_version(request)
        serializer = ReferralUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral_handover_note_set(
            actor=self.actor,
            referral=referral,
            note=serializer.validated_data["handover_note"],
            expected_version=version,
        )
        return self.answered(self.referral())


class ReferralAcceptView(ReferralView):
    """Accept: a liaison or supervisor of the provider. It joins the case with its default grants
    and the consented sections."""

    @extend_schema(request=ReferralAcceptSerializer, responses={200: ReferralSerializer})
    def post(self, request: Request, referral_id: uuid.UUID) -> Response:
        referral = self.referral()
        serializer = ReferralAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.answered(
            referral_accept(actor=self.actor, referral=referral, note=serializer.validated_data["note"])
        )


class ReferralDeclineView(ReferralView):
    @extend_schema(request=ReferralDeclineSerializer, responses={200: ReferralSerializer})
    def post(self, request: Request, referral_id: uuid.UUID) -> Response:
        referral = self.referral()
        serializer = ReferralDeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.answered(
            referral_decline(actor=self.actor, referral=referral, reason=serializer.validated_data["reason"])
        )


class ReferralWithdrawView(ReferralView):
    @extend_schema(request=None, responses={200: ReferralSerializer})
    def post(self, request: Request, referral_id: uuid.UUID) -> Response:
        return self.answered(referral_withdraw(actor=self.actor, referral=self.referral()))


class ReferralOutcomeView(ReferralView):
    """End the service, with a reason: a member of the provider."""

    @extend_schema(request=ReferralOutcomeSerializer, responses={200: ReferralSerializer})
    def post(self, request: Request, referral_id: uuid.UUID) -> Response:
        referral = self.referral()
        serializer = ReferralOutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral_outcome_record(actor=self.actor, referral=referral, **serializer.validated_data)
        return self.answered(self.referral())


class ReferralSessionsView(BridgeAPIView):
    """The provider's sessions, contacts and attempts, oldest first. A reader who may not read the
    referral's section gets an empty list, whether there are sessions or not."""

    model = ReferralSession
    ordering = ("occurred_at", "id")
    filter_backends = ()

    def scoped_queryset(self) -> QuerySet[ReferralSession]:
        referral = get_referral_for_user(user=self.actor, referral_id=self.kwargs["referral_id"])
        access = referral_access(user=self.actor, referral=referral)
        if access is None or not access.may_read(referral.section):
            return ReferralSession.objects.none()
        if referral.section != Section.CORE:
            audit_case_read(access=access, sections={referral.section}, view="referral_sessions")
        return sessions_of(referral=referral)

    @extend_schema(responses={200: ReferralSessionSerializer(many=True)})
    def get(self, request: Request, referral_id: uuid.UUID) -> Response:
        return self.list_response(self.get_queryset(), ReferralSessionSerializer)

    @extend_schema(request=ReferralSessionCreateSerializer, responses={201: ReferralSessionSerializer})
    def post(self, request: Request, referral_id: uuid.UUID) -> Response:
        referral = get_referral_for_user(user=self.actor, referral_id=referral_id)
        serializer = ReferralSessionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = referral_session_record(actor=self.actor, referral=referral, **serializer.validated_data)
        return Response(ReferralSessionSerializer(session).data, status=status.HTTP_201_CREATED)
