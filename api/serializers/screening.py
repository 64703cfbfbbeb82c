"""Screening instruments, screenings and trafficking status changes.

A status change's `reason` and `screening` are screening-section data: they are present only when
the access layer says the caller reads that section (`READABLE_SECTIONS` in the context), absent
otherwise, never null."""

from typing import Any

from rest_framework import serializers

from api.fields import (
    BoundedDateField,
    StrictCharField,
    StrictIntegerField,
    StrictModelSerializer,
    StrictUUIDField,
)
from api.serializers.cases import READABLE_SECTIONS
from api.serializers.work import display_name
from screening.models import (
    DECIDABLE_STATUS_CHOICES,
    Instrument,
    InstrumentQuestion,
    InstrumentThreshold,
    Screening,
    TraffickingStatusChange,
)
from screening.services import REASON_MAX_LENGTH


class InstrumentQuestionSerializer(StrictModelSerializer):
    class Meta:
        model = InstrumentQuestion
        fields = ("key", "position", "text", "answer_type", "points_if_yes", "choices", "required")
        read_only_fields = fields


class InstrumentThresholdSerializer(StrictModelSerializer):
    class Meta:
        model = InstrumentThreshold
        fields = ("min_score", "suggests")
        read_only_fields = fields


class InstrumentSerializer(StrictModelSerializer):
    questions = InstrumentQuestionSerializer(many=True, read_only=True)
    thresholds = InstrumentThresholdSerializer(many=True, read_only=True)

    class Meta:
        model = Instrument
        fields = ("id", "key", "version", "name", "description", "scoring_rule", "questions", "thresholds")
        read_only_fields = fields


class ScreeningSerializer(StrictModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    instrument = serializers.IntegerField(source="instrument_id", read_only=True)
    instrument_name = serializers.CharField(source="instrument.__str__", read_only=True)
    screened_by = serializers.UUIDField(source="screened_by.public_id", read_only=True)
    screened_by_name = serializers.SerializerMethodField()
    agency = serializers.IntegerField(source="agency_id", read_only=True)
    answers = serializers.DictField(read_only=True)

    class Meta:
        model = Screening
        fields = (
            "id",
            "case",
            "section",
            "instrument",
            "instrument_name",
            "screened_on",
            "screened_by",
            "screened_by_name",
            "agency",
            "answers",
            "score",
            "suggested_status",
            "previous_status",
            "decided_status",
            "decision_reason",
            "created_at",
        )
        read_only_fields = fields

    def get_screened_by_name(self, screening: Screening) -> str:
        return display_name(screening.screened_by)


class ScreeningCreateSerializer(serializers.Serializer):
    instrument = StrictIntegerField(
        help_text="An active instrument's id (`GET /api/v1/screening-instruments/`)."
    )
    screened_on = BoundedDateField()
    screened_by = StrictUUIDField(
        required=False, help_text="A member of your agency who screened the child; you when omitted."
    )
    answers = serializers.DictField(
        help_text="Answers by question key: true/false, a choice's value, a number, text."
    )
    decided_status = serializers.ChoiceField(
        choices=DECIDABLE_STATUS_CHOICES,
        help_text=(
            "Your decision; a status other than the suggested one, or lower than the case's, needs a reason."
        ),
    )
    reason = StrictCharField(required=False, default="", allow_blank=True, max_length=REASON_MAX_LENGTH)


class TraffickingStatusChangeSerializer(StrictModelSerializer):
    changed_by = serializers.UUIDField(source="changed_by.public_id", read_only=True)
    changed_by_name = serializers.SerializerMethodField()
    agency = serializers.IntegerField(source="agency_id", read_only=True)
    screening = serializers.UUIDField(source="screening_id", read_only=True, allow_null=True)

    class Meta:
        model = TraffickingStatusChange
        fields = (
            "id",
            "status",
            "previous_status",
            "changed_by",
            "changed_by_name",
            "agency",
            "changed_at",
            "section",
            "reason",
            "screening",
        )
        read_only_fields = fields
        extra_kwargs = {
            "reason": {"help_text": "Only for readers of `section`; absent otherwise."},
            "screening": {"help_text": "Only for readers of `section`; absent otherwise."},
        }

    def get_changed_by_name(self, change: TraffickingStatusChange) -> str:
        return display_name(change.changed_by)

    def to_representation(self, instance: TraffickingStatusChange) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        readable: frozenset[str] = self.context[READABLE_SECTIONS]
        if instance.section not in readable:
            for name in ("reason", "screening"):
                data.pop(name)
        return data


class TraffickingStatusChangeCreateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DECIDABLE_STATUS_CHOICES)
    reason = StrictCharField(max_length=REASON_MAX_LENGTH)
