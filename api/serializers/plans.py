"""The case plan (`/api/v1/cases/{id}/plan/...`, `/api/v1/plan-submissions/...`). Goals come only
in the sections the caller reads; people are named by their user id (`public_id`)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.models import Agency
from api.fields import (
    BoundedDateField,
    OffsetDateTimeField,
    StrictCharField,
    StrictModelSerializer,
    StrictPrimaryKeyRelatedField,
    StrictUUIDField,
    UTCDateTimeField,
)
from plans.models import (
    ACTION_DESCRIPTION_MAX_LENGTH,
    COMMENTS_MAX_LENGTH,
    GOAL_DESCRIPTION_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    PlanAction,
    PlanGoal,
    PlanSubmission,
)
from plans.selectors import snapshot_goals
from plans.services import ACTION_STATUS_CHOICES, GOAL_DOMAIN_CHOICES, GOAL_STATUS_CHOICES


class PlanActionSerializer(StrictModelSerializer):
    owner_agency = serializers.IntegerField(source="owner_agency_id", read_only=True)
    owner_agency_name = serializers.CharField(source="owner_agency.name", read_only=True)
    assignee = serializers.SerializerMethodField()
    due_at = UTCDateTimeField(read_only=True)
    task = serializers.UUIDField(source="task_id", read_only=True, allow_null=True)
    task_status = serializers.SerializerMethodField()

    class Meta:
        model = PlanAction
        fields = (
            "id",
            "description",
            "owner_agency",
            "owner_agency_name",
            "assignee",
            "due_at",
            "status",
            "task",
            "task_status",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.UUIDField(allow_null=True, help_text="The assignee's user id."))
    def get_assignee(self, action: PlanAction) -> str | None:
        return str(action.assignee.public_id) if action.assignee is not None else None

    @extend_schema_field(
        serializers.CharField(allow_null=True, help_text="The task's status, once approved.")
    )
    def get_task_status(self, action: PlanAction) -> str | None:
        return action.task.status if action.task is not None else None


class PlanGoalSerializer(StrictModelSerializer):
    actions = PlanActionSerializer(many=True, read_only=True)

    class Meta:
        model = PlanGoal
        fields = ("id", "domain", "section", "description", "status", "review_on", "actions")
        read_only_fields = fields


class SnapshotActionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    description = serializers.CharField()
    owner_agency = serializers.IntegerField()
    owner_agency_name = serializers.CharField()
    due_at = serializers.CharField()
    status = serializers.CharField()


class SnapshotGoalSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    domain = serializers.CharField()
    section = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    review_on = serializers.CharField()
    actions = SnapshotActionSerializer(many=True)


class PlanSerializer(serializers.Serializer):
    """The draft and the plan in force. `version` (the draft's ETag) is for the lead agency's
    case team, who edit it; others get null."""

    status = serializers.CharField(help_text="draft, submitted, approved or returned; `none` before a plan.")
    version = serializers.IntegerField(allow_null=True)
    approved_submission = serializers.IntegerField(
        allow_null=True, help_text="The number of the plan in force."
    )
    goals = PlanGoalSerializer(many=True, help_text="The draft's goals you may read.")
    approved_goals = SnapshotGoalSerializer(many=True, help_text="The goals in force you may read.")


class PlanSubmissionSerializer(StrictModelSerializer):
    """A submission; `goals` are the snapshot's goals in sections the caller reads (context
    `readable`), `comments` only for the lead agency's case team (context `sees_comments`)."""

    case = serializers.UUIDField(source="case_id", read_only=True)
    submitted_by = serializers.UUIDField(source="submitted_by.public_id", read_only=True)
    approver = serializers.UUIDField(source="approver.public_id", read_only=True)
    decided_by = serializers.SerializerMethodField()
    submitted_at = UTCDateTimeField(read_only=True)
    decided_at = UTCDateTimeField(read_only=True, allow_null=True)
    approval_task = serializers.UUIDField(source="approval_task_id", read_only=True)
    comments = serializers.SerializerMethodField()
    goals = serializers.SerializerMethodField()

    class Meta:
        model = PlanSubmission
        fields = (
            "id",
            "case",
            "number",
            "submitted_by",
            "submitted_at",
            "summary",
            "approver",
            "approval_task",
            "decision",
            "decided_by",
            "decided_at",
            "comments",
            "goals",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_decided_by(self, submission: PlanSubmission) -> str | None:
        return str(submission.decided_by.public_id) if submission.decided_by is not None else None

    @extend_schema_field(serializers.CharField())
    def get_comments(self, submission: PlanSubmission) -> str:
        return submission.comments if self.context.get("sees_comments") else ""

    @extend_schema_field(SnapshotGoalSerializer(many=True))
    def get_goals(self, submission: PlanSubmission) -> list[dict[str, Any]]:
        goals = snapshot_goals(submission.snapshot, readable=self.context.get("readable", ()))
        return list(SnapshotGoalSerializer(goals, many=True).data)


class PlanSubmissionQueueSerializer(StrictModelSerializer):
    """A submission awaiting the caller's decision: which case, which submission, by whom, when."""

    case = serializers.UUIDField(source="case_id", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    submitted_by = serializers.UUIDField(source="submitted_by.public_id", read_only=True)
    approver = serializers.UUIDField(source="approver.public_id", read_only=True)
    submitted_at = UTCDateTimeField(read_only=True)
    approval_task = serializers.UUIDField(source="approval_task_id", read_only=True)

    class Meta:
        model = PlanSubmission
        fields = (
            "id",
            "case",
            "case_number",
            "number",
            "submitted_by",
            "submitted_at",
            "approver",
            "approval_task",
        )
        read_only_fields = fields


class PlanGoalCreateSerializer(serializers.Serializer):
    domain = serializers.ChoiceField(choices=GOAL_DOMAIN_CHOICES)
    description = StrictCharField(max_length=GOAL_DESCRIPTION_MAX_LENGTH)
    review_on = BoundedDateField()


class PlanGoalUpdateSerializer(serializers.Serializer):
    description = StrictCharField(max_length=GOAL_DESCRIPTION_MAX_LENGTH, required=False)
    status = serializers.ChoiceField(choices=GOAL_STATUS_CHOICES, required=False)
    review_on = BoundedDateField(required=False)


class PlanActionInputFields(serializers.Serializer):
    description = StrictCharField(max_length=ACTION_DESCRIPTION_MAX_LENGTH)
    owner_agency = StrictPrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        help_text="An agency on the case that reads the goal's section: it is given the task.",
    )
    assignee = StrictUUIDField(
        required=False, allow_null=True, help_text="A user id of a case worker of the owner agency."
    )
    due_at = OffsetDateTimeField()


class PlanActionUpdateSerializer(PlanActionInputFields):
    description = StrictCharField(max_length=ACTION_DESCRIPTION_MAX_LENGTH, required=False)
    owner_agency = StrictPrimaryKeyRelatedField(queryset=Agency.objects.all(), required=False)
    due_at = OffsetDateTimeField(required=False)
    status = serializers.ChoiceField(
        choices=ACTION_STATUS_CHOICES, required=False, help_text="`cancelled` ends the action."
    )


class PlanSubmitSerializer(serializers.Serializer):
    summary = StrictCharField(required=False, allow_blank=True, max_length=SUMMARY_MAX_LENGTH, default="")
    approver = StrictUUIDField(
        required=False,
        allow_null=True,
        help_text="The user id of the lead agency's supervisor asked to decide; may be left out when the "
        "agency has one other supervisor.",
    )


class PlanApproveSerializer(serializers.Serializer):
    comments = StrictCharField(required=False, allow_blank=True, max_length=COMMENTS_MAX_LENGTH, default="")


class PlanReturnSerializer(serializers.Serializer):
    comments = StrictCharField(max_length=COMMENTS_MAX_LENGTH, help_text="What should change.")
