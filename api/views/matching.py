"""A case's possible matches, and asking another agency to compare one. For a match in a case
the caller does not see, only its lead agency's name, its strength and an opaque token.

The asked agency's review, by the handoff that asked it (`/match-reviews/<handoff id>/`)."""

from uuid import UUID

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import BridgeAPIView, CaseNestedAPIView
from api.serializers.matching import (
    ComparisonAskSerializer,
    ComparisonDecisionSerializer,
    ComparisonRequestSerializer,
    ComparisonReviewSerializer,
    MergeDeclineSerializer,
    MergeProposeSerializer,
    MergeStateSerializer,
    PossibleMatchesPageSerializer,
    PossibleMatchSerializer,
)
from casework.access import handoffs_visible_to
from casework.models import Case, Handoff
from matching.services import (
    comparison_ask,
    comparison_confirm,
    comparison_invite,
    comparison_reject,
    comparison_review_open,
    possible_matches_check,
)
from matching.services_merge import merge_agree, merge_decline, merge_propose, merge_state


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
            actor=self.actor,
            case=self.case_access.case,
            token=serializer.validated_data["match"],
            note=serializer.validated_data["note"],
        )
        return Response(ComparisonRequestSerializer(asked).data, status=status.HTTP_201_CREATED)


class _MatchReviewAPIView(BridgeAPIView):
    model = Handoff
    filter_backends = ()
    pagination_class = None

    def scoped_queryset(self) -> QuerySet[Handoff]:
        return handoffs_visible_to(user=self.actor)

    def review(self, handoff_id: UUID) -> Response:
        review = comparison_review_open(actor=self.actor, handoff_id=handoff_id)
        return Response(ComparisonReviewSerializer(review).data)


class MatchReviewView(_MatchReviewAPIView):
    """A match review your agency was asked (liaisons and supervisors of the asked agency; 404
    for anyone else). Reading it while pending is audited as a read of the asking case's
    identity."""

    @extend_schema(responses={200: ComparisonReviewSerializer})
    def get(self, request: Request, handoff_id: UUID) -> Response:
        return self.review(handoff_id)


class MatchReviewConfirmView(_MatchReviewAPIView):
    """The two records are the same child: the review's handoff is accepted, with the reason."""

    @extend_schema(request=ComparisonDecisionSerializer, responses={200: ComparisonReviewSerializer})
    def post(self, request: Request, handoff_id: UUID) -> Response:
        serializer = ComparisonDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data["reason"]
        comparison_confirm(actor=self.actor, handoff_id=handoff_id, reason=reason)
        return self.review(handoff_id)


class MatchReviewRejectView(_MatchReviewAPIView):
    """Not the same child: the review's handoff is declined, with the reason."""

    @extend_schema(request=ComparisonDecisionSerializer, responses={200: ComparisonReviewSerializer})
    def post(self, request: Request, handoff_id: UUID) -> Response:
        serializer = ComparisonDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data["reason"]
        comparison_reject(actor=self.actor, handoff_id=handoff_id, reason=reason)
        return self.review(handoff_id)


class MatchReviewInviteView(_MatchReviewAPIView):
    """After confirming: invite the asking agency to your case (what inviting needs; default grants)."""

    @extend_schema(request=None, responses={200: ComparisonReviewSerializer})
    def post(self, request: Request, handoff_id: UUID) -> Response:
        comparison_invite(actor=self.actor, handoff_id=handoff_id)
        return self.review(handoff_id)


class _MergeAPIView(_MatchReviewAPIView):
    def state(self, handoff_id: UUID) -> Response:
        return Response(MergeStateSerializer(merge_state(actor=self.actor, handoff_id=handoff_id)).data)


class MergeView(_MergeAPIView):
    """Merging the two cases of a confirmed comparison (supervisors of either lead agency; 404 for
    anyone else): `GET` where it stands, `POST` to propose it."""

    @extend_schema(responses={200: MergeStateSerializer})
    def get(self, request: Request, handoff_id: UUID) -> Response:
        return self.state(handoff_id)

    @extend_schema(request=MergeProposeSerializer, responses={201: MergeStateSerializer})
    def post(self, request: Request, handoff_id: UUID) -> Response:
        serializer = MergeProposeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        merge_propose(actor=self.actor, handoff_id=handoff_id, keep=data["keep"], reason=data["reason"])
        response = self.state(handoff_id)
        response.status_code = status.HTTP_201_CREATED
        return response


class MergeAgreeView(_MergeAPIView):
    """Agree to the open proposal: a supervisor of the other lead agency. The cases are merged at
    once; 409 if either was merged meanwhile."""

    @extend_schema(request=None, responses={200: MergeStateSerializer})
    def post(self, request: Request, handoff_id: UUID) -> Response:
        merge_agree(actor=self.actor, handoff_id=handoff_id)
        return self.state(handoff_id)


class MergeDeclineView(_MergeAPIView):
    """Decline the open proposal, with a reason the proposer reads."""

    @extend_schema(request=MergeDeclineSerializer, responses={200: MergeStateSerializer})
    def post(self, request: Request, handoff_id: UUID) -> Response:
        serializer = MergeDeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        merge_decline(actor=self.actor, handoff_id=handoff_id, reason=serializer.validated_data["reason"])
        return self.state(handoff_id)
