"""Break-glass openings, the access log and the disclosure history of a case."""

from rest_framework import serializers

from api.fields import OffsetDateTimeField, StrictCharField, StrictModelSerializer, UTCDateTimeField
from audit.models import AuditRecord, Outcome
from casework.access import DisclosureBasis
from casework.models import BreakGlass, GrantEndReason
from casework.services.breakglass import BREAK_GLASS_SECTION_CHOICES, REASON_MAX_LENGTH


class BreakGlassCreateSerializer(serializers.Serializer):
    section = serializers.ChoiceField(choices=BREAK_GLASS_SECTION_CHOICES)
    reason = StrictCharField(
        max_length=REASON_MAX_LENGTH, help_text="Why the child is in danger and why this section is needed."
    )


class BreakGlassSerializer(StrictModelSerializer):
    opened_by = serializers.UUIDField(source="opened_by.public_id", read_only=True)
    agency = serializers.IntegerField(source="agency_id", read_only=True)
    opened_at = UTCDateTimeField(read_only=True)
    expires_at = UTCDateTimeField(read_only=True)

    class Meta:
        model = BreakGlass
        fields = ("id", "section", "reason", "agency", "opened_by", "opened_at", "expires_at")
        read_only_fields = fields


class AccessLogQuerySerializer(serializers.Serializer):
    event_type = StrictCharField(
        required=False,
        max_length=64,
        help_text="An event type (`section.read`), or a prefix ending in a dot (`section.`).",
    )
    since = OffsetDateTimeField(required=False, help_text="Records at or after this time.")
    until = OffsetDateTimeField(required=False, help_text="Records before this time.")


class AuditRecordSerializer(StrictModelSerializer):
    user = serializers.UUIDField(source="user.public_id", read_only=True, allow_null=True, default=None)
    agency = serializers.IntegerField(source="agency_id", read_only=True, allow_null=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True, allow_null=True, default=None)
    occurred_at = UTCDateTimeField(read_only=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices, read_only=True)
    detail = serializers.DictField(read_only=True)

    class Meta:
        model = AuditRecord
        fields = (
            "id",
            "occurred_at",
            "component",
            "event_type",
            "user",
            "username",
            "agency",
            "agency_name",
            "client_address",
            "object_type",
            "object_id",
            "section",
            "outcome",
            "detail",
        )
        read_only_fields = fields


class DisclosureSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    agency = serializers.IntegerField(source="agency.pk", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    section = serializers.CharField(read_only=True)
    basis = serializers.ChoiceField(choices=[(basis, basis) for basis in DisclosureBasis.ALL], read_only=True)
    consent = serializers.UUIDField(source="consent.pk", read_only=True, allow_null=True, default=None)
    granted_by = serializers.UUIDField(
        source="granted_by.public_id", read_only=True, allow_null=True, default=None
    )
    started_at = UTCDateTimeField(read_only=True)
    expires_at = UTCDateTimeField(read_only=True, allow_null=True)
    ended_at = UTCDateTimeField(read_only=True, allow_null=True)
    end_reason = serializers.ChoiceField(choices=GrantEndReason.choices, allow_blank=True, read_only=True)
    reason = serializers.CharField(read_only=True, help_text="The written reason of a break-glass opening.")
