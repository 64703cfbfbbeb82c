"""The case plan. Every participant reads the goals in the sections it reads (a goal of another
section answers 404, as if it did not exist); the lead agency's case team edits the draft and
submits it (`If-Match`: the plan's version, `"0"` before the case has a plan); a supervisor of the
lead agency other than the submitter approves or returns it."""

import uuid
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from agencies.models import Agency, User
from agencies.selectors import agency_members
from api.base import BridgeAPIView, CaseNestedAPIView
from api.concurrency import ETAG_HEADER, IF_MATCH_HEADER, etag_for, expected_version
from api.serializers.plans import (
    PlanActionInputFields,
    PlanActionSerializer,
    PlanActionUpdateSerializer,
    PlanApproveSerializer,
    PlanGoalCreateSerializer,
    PlanGoalSerializer,
    PlanGoalUpdateSerializer,
    PlanReturnSerializer,
    PlanSerializer,
    PlanSubmissionQueueSerializer,
    PlanSubmissionSerializer,
    PlanSubmitSerializer,
)
from audit.services import audit_case_read
from casework.access import Action, CaseAccess, case_visibility_filter, get_case_access
from common.errors import ValidationFailed
from plans.models import PlanAction, PlanGoal, PlanSubmission
from plans.selectors import (
    goals_visible,
    plan_for,
    plan_status_shown,
    plan_submissions_awaiting,
    snapshot_goals,
    submissions_visible,
)
from plans.services import (
    get_plan_action,
    plan_action_add,
    plan_action_update,
    plan_goal_add,
    plan_goal_update,
    plan_submission_approve,
    plan_submission_return,
    plan_submit,
)


def _member(*, agency: Agency, public_id: uuid.UUID | None, field: str) -> User | None:
    """An active member of `agency` named by user id."""
    if public_id is None:
        return None
    member = agency_members(agency=agency).filter(public_id=public_id).first()
    if member is None:
        raise ValidationFailed(
            gettext("Unknown person."),
            fields={field: [gettext("No active member of that agency with this id.")]},
        )
    return member


def _plan_version(access: CaseAccess) -> int:
    plan = plan_for(access=access)
    return plan.version if plan is not None else 0


def _edited(access: CaseAccess, data: Any, *, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(data, status=status_code, headers={"ETag": etag_for(_plan_version(access))})


def _submission_context(access: CaseAccess) -> dict[str, Any]:
    return {"readable": access.readable, "sees_comments": access.may(Action.EDIT_PLAN)}


class CasePlanView(CaseNestedAPIView):
    """The draft and the plan in force, goals in sections the caller reads."""

    model = PlanGoal
    pagination_class = None

    def scoped_queryset(self) -> QuerySet[PlanGoal]:
        return goals_visible(access=self.case_access)

    @extend_schema(responses={200: PlanSerializer}, parameters=[ETAG_HEADER])
    def get(self, request: Request, case_id: uuid.UUID) -> Response:
        access = self.case_access
        plan = plan_for(access=access)
        goals = list(self.get_queryset())
        approved = plan.approved_submission if plan is not None else None
        approved_goals = snapshot_goals(approved.snapshot, readable=access.readable) if approved else []
        audit_case_read(
            access=access,
            sections={goal.section for goal in goals} | {goal["section"] for goal in approved_goals},
            view="plan",
        )
        editor = access.may(Action.EDIT_PLAN)
        version = (plan.version if plan is not None else 0) if editor else None
        data = {
            "status": plan_status_shown(access=access, plan=plan),
            "version": version,
            "approved_submission": approved.number if approved is not None else None,
            "goals": goals,
            "approved_goals": approved_goals,
        }
        headers = {"ETag": etag_for(version)} if version is not None else {}
        return Response(PlanSerializer(data).data, headers=headers)


class PlanGoalsView(CaseNestedAPIView):
    model = PlanGoal
    pagination_class = None

    def scoped_queryset(self) -> QuerySet[PlanGoal]:
        return goals_visible(access=self.case_access)

    @extend_schema(
        request=PlanGoalCreateSerializer,
        responses={201: PlanGoalSerializer},
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
    )
    def post(self, request: Request, case_id: uuid.UUID) -> Response:
        version = expected_version(request)
        serializer = PlanGoalCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        goal = plan_goal_add(
            actor=self.actor,
            case=self.case_access.case,
            expected_version=version,
            **serializer.validated_data,
        )
        return _edited(self.case_access, PlanGoalSerializer(goal).data, status_code=status.HTTP_201_CREATED)


class PlanGoalDetailView(CaseNestedAPIView):
    model = PlanGoal
    lookup_url_kwarg = "goal_id"
    pagination_class = None

    def scoped_queryset(self) -> QuerySet[PlanGoal]:
        return goals_visible(access=self.case_access)

    @extend_schema(
        request=PlanGoalUpdateSerializer,
        responses={200: PlanGoalSerializer},
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
    )
    def patch(self, request: Request, case_id: uuid.UUID, goal_id: uuid.UUID) -> Response:
        goal = self.get_object()
        version = expected_version(request)
        serializer = PlanGoalUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan_goal_update(actor=self.actor, goal=goal, expected_version=version, **serializer.validated_data)
        goal = goals_visible(access=self.case_access).get(pk=goal.pk)
        return _edited(self.case_access, PlanGoalSerializer(goal).data)


class PlanGoalActionsView(CaseNestedAPIView):
    model = PlanGoal
    lookup_url_kwarg = "goal_id"
    pagination_class = None

    def scoped_queryset(self) -> QuerySet[PlanGoal]:
        return goals_visible(access=self.case_access)

    @extend_schema(
        request=PlanActionInputFields,
        responses={201: PlanActionSerializer},
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
    )
    def post(self, request: Request, case_id: uuid.UUID, goal_id: uuid.UUID) -> Response:
        goal = self.get_object()
        # Before any person is looked up by id: only editors learn whether an id is a member.
        self.case_access.require(Action.EDIT_PLAN, section=goal.section)
        version = expected_version(request)
        serializer = PlanActionInputFields(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["assignee"] = _member(
            agency=data["owner_agency"], public_id=data.get("assignee"), field="assignee"
        )
        action = plan_action_add(actor=self.actor, goal=goal, expected_version=version, **data)
        return _edited(
            self.case_access, PlanActionSerializer(action).data, status_code=status.HTTP_201_CREATED
        )


class PlanActionDetailView(CaseNestedAPIView):
    model = PlanAction
    lookup_url_kwarg = "action_id"
    pagination_class = None

    def scoped_queryset(self) -> QuerySet[PlanAction]:
        return PlanAction.objects.filter(
            case_id=self.case_access.case.pk, section__in=self.case_access.readable
        ).select_related("owner_agency", "assignee", "task")

    @extend_schema(
        request=PlanActionUpdateSerializer,
        responses={200: PlanActionSerializer},
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
    )
    def patch(self, request: Request, case_id: uuid.UUID, action_id: uuid.UUID) -> Response:
        action = self.get_object()
        self.case_access.require(Action.EDIT_PLAN, section=action.section)
        version = expected_version(request)
        serializer = PlanActionUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "assignee" in data:
            owner = data.get("owner_agency", action.owner_agency)
            data["assignee"] = _member(agency=owner, public_id=data["assignee"], field="assignee")
        action = plan_action_update(actor=self.actor, action=action, expected_version=version, **data)
        action = get_plan_action(access=self.case_access, action_id=action.pk)
        return _edited(self.case_access, PlanActionSerializer(action).data)


class PlanSubmitView(CaseNestedAPIView):
    """Submit the draft: a task for the chosen supervisor to decide, reminded and escalated by the
    task sweep when it waits."""

    model = PlanSubmission
    pagination_class = None

    def scoped_queryset(self) -> QuerySet[PlanSubmission]:
        return submissions_visible(access=self.case_access)

    @extend_schema(
        request=PlanSubmitSerializer,
        responses={201: PlanSubmissionSerializer},
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
    )
    def post(self, request: Request, case_id: uuid.UUID) -> Response:
        self.case_access.require(Action.EDIT_PLAN)
        version = expected_version(request)
        serializer = PlanSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        access = self.case_access
        approver = _member(agency=access.case.lead_agency, public_id=data.get("approver"), field="approver")
        submission = plan_submit(
            actor=self.actor,
            case=access.case,
            expected_version=version,
            summary=data["summary"],
            approver=approver,
        )
        body = PlanSubmissionSerializer(submission, context=_submission_context(access)).data
        return _edited(access, body, status_code=status.HTTP_201_CREATED)


class PlanSubmissionsView(CaseNestedAPIView):
    """The case's plan submissions, newest first, each with its goals in sections the caller reads."""

    model = PlanSubmission
    ordering = ("-submitted_at", "-id")

    def scoped_queryset(self) -> QuerySet[PlanSubmission]:
        return submissions_visible(access=self.case_access)

    def page_context(self, page: list[Any]) -> dict[str, Any]:
        access = self.case_access
        sections = {
            goal["section"]
            for submission in page
            for goal in snapshot_goals(submission.snapshot, readable=access.readable)
        }
        audit_case_read(access=access, sections=sections, view="plan_submissions")
        return _submission_context(access)

    @extend_schema(responses={200: PlanSubmissionSerializer(many=True)})
    def get(self, request: Request, case_id: uuid.UUID) -> Response:
        return self.list_response(self.get_queryset(), PlanSubmissionSerializer)


class PlanSubmissionQueueView(BridgeAPIView):
    """Plan submissions awaiting the caller's decision (a supervisor of the lead agency; never
    their own), oldest first. Others get an empty list."""

    model = PlanSubmission
    ordering = ("submitted_at", "id")
    filter_backends = ()

    def scoped_queryset(self) -> QuerySet[PlanSubmission]:
        awaiting = self.request.query_params.get("awaiting", "me")
        if awaiting != "me":
            raise ValidationFailed(
                gettext("Unknown filter."), fields={"awaiting": [gettext("Only `me` is supported.")]}
            )
        return plan_submissions_awaiting(user=self.actor)

    @extend_schema(
        parameters=[
            OpenApiParameter("awaiting", str, enum=["me"], description="Submissions awaiting your decision.")
        ],
        responses={200: PlanSubmissionQueueSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return self.list_response(self.get_queryset(), PlanSubmissionQueueSerializer)


class PlanDecisionView(BridgeAPIView):
    model = PlanSubmission
    lookup_url_kwarg = "submission_id"
    filter_backends = ()
    pagination_class = None

    def scoped_queryset(self) -> QuerySet[PlanSubmission]:
        return PlanSubmission.objects.filter(
            case_visibility_filter(user=self.actor, case_ref="case_id")
        ).select_related("submitted_by", "decided_by", "approver")

    def decided(self, submission: PlanSubmission) -> Response:
        access = get_case_access(user=self.actor, case_id=submission.case_id)
        submission = self.get_queryset().get(pk=submission.pk)
        return Response(PlanSubmissionSerializer(submission, context=_submission_context(access)).data)


class PlanApproveView(PlanDecisionView):
    """Approve: the actions become tasks in their goals' sections and the plan review falls due."""

    @extend_schema(request=PlanApproveSerializer, responses={200: PlanSubmissionSerializer})
    def post(self, request: Request, submission_id: uuid.UUID) -> Response:
        submission = self.get_object()
        serializer = PlanApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan_submission_approve(actor=self.actor, submission=submission, **serializer.validated_data)
        return self.decided(submission)


class PlanReturnView(PlanDecisionView):
    """Return the plan with comments: the draft is editable again."""

    @extend_schema(request=PlanReturnSerializer, responses={200: PlanSubmissionSerializer})
    def post(self, request: Request, submission_id: uuid.UUID) -> Response:
        submission = self.get_object()
        serializer = PlanReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan_submission_return(actor=self.actor, submission=submission, **serializer.validated_data)
        return self.decided(submission)
