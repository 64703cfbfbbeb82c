"""Closing and reopening a case. Every viewer of the case sees whether and why it closed; what
the lead agency wrote about it (the summary, the justifications, the supervisor's comments) and who
asked and decided are the lead agency's own."""

from typing import Any

from rest_framework import serializers

from api.fields import StrictCharField, StrictIntegerField
from casework.closure import ClosureBlocker
from casework.models import CLOSURE_SUMMARY_MAX_LENGTH, CaseClosure
from casework.services.closure import (
    CLOSURE_REASON_CHOICES,
    DECISION_COMMENTS_MAX_LENGTH,
    JUSTIFICATION_MAX_LENGTH,
    REOPEN_REASON_MAX_LENGTH,
)

PUBLIC_FIELDS = ("id", "reason", "status", "requested_at", "decided_at", "reopened_at")


class ClosureSerializer(serializers.ModelSerializer):
    """What every agency on the case sees of a closing."""

    class Meta:
        model = CaseClosure
        fields = PUBLIC_FIELDS
        read_only_fields = fields


class LeadClosureSerializer(serializers.ModelSerializer):
    """A closing as its lead agency sees it."""

    task_justifications = serializers.DictField(child=serializers.CharField(), read_only=True)
    blocker_justifications = serializers.DictField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = CaseClosure
        fields = (
            *PUBLIC_FIELDS,
            "summary",
            "task_justifications",
            "blocker_justifications",
            "requested_by",
            "reviewer",
            "review_task",
            "decided_by",
            "decision_comments",
            "reopened_by",
            "reopen_reason",
        )
        read_only_fields = fields


def closure_serializer_for(*, is_lead: bool) -> type[serializers.ModelSerializer]:
    return LeadClosureSerializer if is_lead else ClosureSerializer


class ClosureBlockerSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Name it in `justifications` when closing.")
    message = serializers.CharField()
    justifiable = serializers.BooleanField(help_text="False: it must be cleared before the case may close.")

    def to_representation(self, instance: ClosureBlocker) -> dict[str, Any]:
        return {"key": instance.key, "message": instance.message, "justifiable": instance.justifiable}


class ClosureRequestSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=CLOSURE_REASON_CHOICES)
    summary = StrictCharField(max_length=CLOSURE_SUMMARY_MAX_LENGTH)
    # An id, checked by the service: any id that is not a supervisor of the lead agency gets the
    # same answer, so the field tells nothing of other agencies' people.
    reviewer = StrictIntegerField(
        min_value=1,
        help_text="The user id of the lead agency's supervisor asked to approve it (not yourself).",
    )
    justifications = serializers.DictField(
        child=StrictCharField(max_length=JUSTIFICATION_MAX_LENGTH),
        required=False,
        default=dict,
        help_text="For each blocker key (`GET .../closure-blockers/`): why the case may close with it open.",
    )


class ClosureDecisionSerializer(serializers.Serializer):
    comments = StrictCharField(
        max_length=DECISION_COMMENTS_MAX_LENGTH, required=False, default="", allow_blank=True
    )


class ClosureReturnSerializer(serializers.Serializer):
    comments = StrictCharField(max_length=DECISION_COMMENTS_MAX_LENGTH, help_text="What needs to change.")


class ReopenSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=REOPEN_REASON_MAX_LENGTH)
