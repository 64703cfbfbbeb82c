"""Who takes part in a case and what each participant may read."""

from rest_framework import serializers

from agencies.models import Agency
from api.fields import (
    BoundedDateField,
    OffsetDateTimeField,
    StrictCharField,
    StrictModelSerializer,
    StrictPrimaryKeyRelatedField,
    StrictUUIDField,
)
from casework.models import (
    CONSENT_INTERPRETER_MAX_LENGTH,
    CONSENT_LANGUAGE_MAX_LENGTH,
    CONSENT_SIGNED_BY_MAX_LENGTH,
    CaseParticipant,
    Consent,
    GrantEndReason,
    SectionGrant,
    SignerCapacity,
)
from casework.sections import CONSENT_SECTIONS, Section
from casework.services.sharing import (
    CONSENT_PURPOSE_MAX_LENGTH,
    CONSENT_SECTION_CHOICES,
    GRANT_SECTION_CHOICES,
    SIGNER_CAPACITY_CHOICES,
)


class ParticipantSerializer(StrictModelSerializer):
    agency = serializers.IntegerField(source="agency_id", read_only=True)

    class Meta:
        model = CaseParticipant
        fields = ("agency", "joined_at", "via")
        read_only_fields = fields


class ParticipantInviteSerializer(serializers.Serializer):
    agency = StrictPrimaryKeyRelatedField(queryset=Agency.objects.all())


class GrantSerializer(StrictModelSerializer):
    agency = serializers.IntegerField(source="agency_id", read_only=True)
    consent = serializers.UUIDField(source="consent_id", read_only=True, allow_null=True)
    end_reason = serializers.ChoiceField(
        choices=GrantEndReason.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty while the grant is active.",
    )

    class Meta:
        model = SectionGrant
        fields = (
            "id",
            "agency",
            "section",
            "basis",
            "consent",
            "expires_at",
            "created_at",
            "ended_at",
            "end_reason",
        )
        read_only_fields = fields


class GrantCreateSerializer(serializers.Serializer):
    agency = StrictPrimaryKeyRelatedField(queryset=Agency.objects.all())
    section = serializers.ChoiceField(choices=GRANT_SECTION_CHOICES)
    consent = StrictUUIDField(
        required=False, allow_null=True, help_text="Required for sections shared on recorded consent."
    )
    expires_at = OffsetDateTimeField(required=False, allow_null=True)


# Serializer context: the signer capacities whose consents cannot ground a grant on the case
# (`casework.access.consent_capacities_ruled_out`), computed once per response.
CAPACITIES_RULED_OUT = "capacities_ruled_out"


class ConsentSerializer(StrictModelSerializer):
    recipient_agency = serializers.IntegerField(source="recipient_agency_id", read_only=True)
    sections = serializers.ListField(child=serializers.ChoiceField(choices=Section.choices), read_only=True)
    signer_capacity = serializers.ChoiceField(
        choices=SignerCapacity.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty on consents recorded before Bridge asked.",
    )
    signer_may_not_consent = serializers.SerializerMethodField(
        help_text=(
            "True when the consent was signed in a capacity that may be held by someone suspected of"
            " exploiting the child: it cannot be the basis of a grant, and grants resting on it ended."
        )
    )

    class Meta:
        model = Consent
        fields = (
            "id",
            "recipient_agency",
            "sections",
            "purpose",
            "signed_by",
            "signer_capacity",
            "signer_may_not_consent",
            "explained_in",
            "interpreter",
            "signed_on",
            "expires_on",
            "created_at",
            "revoked_at",
        )
        read_only_fields = fields

    def get_signer_may_not_consent(self, consent: Consent) -> bool:
        return consent.signer_capacity in self.context[CAPACITIES_RULED_OUT]


class ConsentCreateSerializer(serializers.Serializer):
    recipient_agency = StrictPrimaryKeyRelatedField(queryset=Agency.objects.all())
    sections = serializers.ListField(
        child=serializers.ChoiceField(choices=CONSENT_SECTION_CHOICES),
        allow_empty=False,
        # Said in the schema too (minItems), so that clients and generated tests send at least one.
        min_length=1,
        max_length=len(CONSENT_SECTIONS),
    )
    purpose = StrictCharField(max_length=CONSENT_PURPOSE_MAX_LENGTH)
    signed_by = StrictCharField(
        max_length=CONSENT_SIGNED_BY_MAX_LENGTH, help_text="The child, and the guardian where one must sign."
    )
    signer_capacity = serializers.ChoiceField(
        choices=SIGNER_CAPACITY_CHOICES,
        required=False,
        help_text="In what capacity the signer signed. Without it, the consent counts as signed in an"
        " unknown capacity.",
    )
    explained_in = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=CONSENT_LANGUAGE_MAX_LENGTH,
        help_text="The language the consent was explained in, for example Spanish.",
    )
    interpreter = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=CONSENT_INTERPRETER_MAX_LENGTH,
        help_text="Who interpreted, if anyone did: a name or an interpreter service's reference.",
    )
    signed_on = BoundedDateField()
    expires_on = BoundedDateField(
        required=False, allow_null=True, help_text="At most a year after signing; defaults to the maximum."
    )
