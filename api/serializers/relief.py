"""Relief records (`/api/v1/cases/{id}/relief/`): the immigration section's pathway steps."""

from rest_framework import serializers

from agencies.models import Agency
from api.fields import BoundedDateField, StrictCharField, StrictModelSerializer, StrictPrimaryKeyRelatedField
from relief.models import DETAILS_MAX_LENGTH, RECEIPT_NUMBER_MAX_LENGTH, ReliefRecord
from relief.services import RELIEF_KIND_CHOICES, RELIEF_STATUS_CHOICES


class ReliefRecordSerializer(StrictModelSerializer):
    request_task = serializers.UUIDField(source="request_task_id", read_only=True, allow_null=True)
    requested_of = serializers.IntegerField(source="requested_of_id", read_only=True, allow_null=True)

    class Meta:
        model = ReliefRecord
        fields = (
            "id",
            "kind",
            "status",
            "requested_on",
            "filed_on",
            "decided_on",
            "expires_on",
            "receipt_number",
            "details",
            "requested_of",
            "request_task",
            "version",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class ReliefRecordWriteFields(serializers.Serializer):
    requested_on = BoundedDateField(required=False, allow_null=True)
    filed_on = BoundedDateField(required=False, allow_null=True)
    decided_on = BoundedDateField(required=False, allow_null=True)
    expires_on = BoundedDateField(required=False, allow_null=True)
    receipt_number = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=RECEIPT_NUMBER_MAX_LENGTH,
        help_text="USCIS receipt number.",
    )
    details = StrictCharField(required=False, allow_blank=True, max_length=DETAILS_MAX_LENGTH)


class ReliefRecordCreateSerializer(ReliefRecordWriteFields):
    kind = serializers.ChoiceField(choices=RELIEF_KIND_CHOICES)
    status = serializers.ChoiceField(choices=RELIEF_STATUS_CHOICES, required=False)


class ReliefRecordUpdateSerializer(ReliefRecordWriteFields):
    status = serializers.ChoiceField(choices=RELIEF_STATUS_CHOICES, required=False)


class ReliefRequestSerializer(serializers.Serializer):
    to_agency = StrictPrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        help_text=(
            "The law enforcement or immigration agency asked to sign (or to request Continued Presence). "
            "It is handed a task titled with the form and the case number only; an agency not on the "
            "case is invited by that handoff."
        ),
    )
