"""Service referrals (`/api/v1/referrals/`, `/api/v1/cases/{id}/referrals/`) and service types.

The headline is core; `outcome_reason` and `handover_note` belong to the referral's `section` and
are null for a reader who may not read it (`readable` in the context: case id to sections)."""

from rest_framework import serializers

from agencies.models import Agency
from api.fields import (
    OffsetDateTimeField,
    StrictBooleanField,
    StrictCharField,
    StrictModelSerializer,
    StrictPrimaryKeyRelatedField,
    StrictUUIDField,
)
from casework.services.handoffs import NOTE_MAX_LENGTH
from referrals.models import REFERRAL_STATES, Referral, ReferralSession, ServiceType
from referrals.selectors import referral_shows_details
from referrals.services import (
    HANDOVER_NOTE_MAX_LENGTH,
    OUTCOME_CHOICES,
    REASON_MAX_LENGTH,
    SECTIONS_NEEDED_CHOICES,
    SESSION_KIND_CHOICES,
    SESSION_NOTE_MAX_LENGTH,
)

REFERRAL_STATE_CHOICES = list(REFERRAL_STATES)


class ServiceTypeSerializer(StrictModelSerializer):
    class Meta:
        model = ServiceType
        fields = ("key", "name", "section")
        read_only_fields = fields


class ReferralSerializer(StrictModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    service_type = serializers.CharField(source="service_type.key", read_only=True)
    service_type_name = serializers.CharField(source="service_type.name", read_only=True)
    from_agency = serializers.IntegerField(source="from_agency_id", read_only=True)
    from_agency_name = serializers.CharField(source="from_agency.name", read_only=True)
    provider = serializers.IntegerField(source="provider_id", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    handoff = serializers.UUIDField(source="handoff_id", read_only=True)
    follows = serializers.UUIDField(source="follows_id", read_only=True, allow_null=True)
    state = serializers.ChoiceField(choices=REFERRAL_STATE_CHOICES, read_only=True)
    respond_by = serializers.DateTimeField(source="handoff.respond_by", read_only=True)
    accepted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    sections_needed = serializers.ListField(child=serializers.CharField(), read_only=True)
    outcome_reason = serializers.SerializerMethodField()
    handover_note = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = (
            "id",
            "case",
            "case_number",
            "service_type",
            "service_type_name",
            "section",
            "from_agency",
            "from_agency_name",
            "provider",
            "provider_name",
            "handoff",
            "follows",
            "state",
            "respond_by",
            "accepted_at",
            "sections_needed",
            "first_service_at",
            "outcome",
            "outcome_at",
            "outcome_reason",
            "handover_note",
            "closed_with_case_at",
            "version",
            "created_at",
        )
        read_only_fields = fields

    def _details(self, referral: Referral) -> bool:
        readable = self.context.get("readable", {}).get(referral.case_id, frozenset())
        return referral_shows_details(referral=referral, readable=readable)

    def get_outcome_reason(self, referral: Referral) -> str | None:
        return referral.outcome_reason if self._details(referral) else None

    def get_handover_note(self, referral: Referral) -> str | None:
        return referral.handover_note if self._details(referral) else None


class ReferralCreateSerializer(serializers.Serializer):
    service_type = serializers.SlugRelatedField(
        slug_field="key", queryset=ServiceType.objects.filter(active=True)
    )
    provider = StrictPrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        help_text="The provider agency; one not on the case is invited by the referral's handoff.",
    )
    sections_needed = serializers.ListField(
        child=serializers.ChoiceField(choices=SECTIONS_NEEDED_CHOICES),
        required=False,
        default=list,
        max_length=8,
    )
    follows = StrictUUIDField(
        required=False, allow_null=True, help_text="A referral on this case it continues."
    )
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH)
    urgent = StrictBooleanField(required=False, default=False, help_text="A shorter response window.")


class ReferralAcceptSerializer(serializers.Serializer):
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH)


class ReferralDeclineSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=NOTE_MAX_LENGTH)


class ReferralOutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=OUTCOME_CHOICES)
    reason = StrictCharField(max_length=REASON_MAX_LENGTH)


class ReferralUpdateSerializer(serializers.Serializer):
    handover_note = StrictCharField(allow_blank=True, max_length=HANDOVER_NOTE_MAX_LENGTH)


class ReferralSessionSerializer(StrictModelSerializer):
    class Meta:
        model = ReferralSession
        fields = ("id", "occurred_at", "kind", "note", "created_at")
        read_only_fields = fields


class ReferralSessionCreateSerializer(serializers.Serializer):
    occurred_at = OffsetDateTimeField()
    kind = serializers.ChoiceField(choices=SESSION_KIND_CHOICES)
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=SESSION_NOTE_MAX_LENGTH)
