"""Court records (`/api/v1/cases/{id}/hearings/`, `/criminal-cases/`, `/defendants/`, `/charges/`,
`/proceedings/`, `/custody-events/`, `/restitution-orders/`, `/restitution-payments/`). Limits
and choices come from `court.services`, which checks them again."""

from decimal import Decimal

from rest_framework import serializers

from agencies.models import Agency
from api.fields import (
    BoundedDateField,
    OffsetDateTimeField,
    StrictBooleanField,
    StrictCharField,
    StrictModelSerializer,
    StrictPrimaryKeyRelatedField,
    StrictUUIDField,
)
from court.models import (
    DETAILS_MAX_LENGTH,
    MONEY_MAX_DIGITS,
    TEXT_MAX_LENGTH,
    Charge,
    CriminalCase,
    CriminalProceeding,
    CustodyEvent,
    Defendant,
    DependencyHearing,
    RestitutionOrder,
    RestitutionPayment,
)
from court.services import (
    CHARGE_DISPOSITION_CHOICES,
    CRIMINAL_CASE_STATUS_CHOICES,
    CUSTODY_EVENT_CHOICES,
    CUSTODY_STATUS_CHOICES,
    DOCKET_MAX_LENGTH,
    HEARING_OUTCOME_CHOICES,
    HEARING_TYPE_CHOICES,
    MONEY_MAX,
    PROCEEDING_TYPE_CHOICES,
    REFERENCE_MAX_LENGTH,
    STATUTE_MAX_LENGTH,
)


def _money(**kwargs: object) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MONEY_MAX,
        coerce_to_string=True,
        **kwargs,  # type: ignore[arg-type]
    )


def _text(max_length: int, *, required: bool = False, **kwargs: object) -> StrictCharField:
    return StrictCharField(max_length=max_length, required=required, allow_blank=not required, **kwargs)  # type: ignore[arg-type]


# --- dependency hearings (core) ---------------------------------------------------------------


class DependencyHearingSerializer(StrictModelSerializer):
    class Meta:
        model = DependencyHearing
        fields = ("id", "type", "scheduled_at", "court", "outcome", "outcome_notes", "version", "created_at")
        read_only_fields = fields


class DependencyHearingCreateSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=HEARING_TYPE_CHOICES)
    scheduled_at = OffsetDateTimeField()
    court = _text(TEXT_MAX_LENGTH, help_text="The court and department.")


class DependencyHearingUpdateSerializer(serializers.Serializer):
    scheduled_at = OffsetDateTimeField(required=False, help_text="Moving it moves its reminders.")
    court = _text(TEXT_MAX_LENGTH)
    outcome = serializers.ChoiceField(choices=HEARING_OUTCOME_CHOICES, required=False)
    outcome_notes = _text(DETAILS_MAX_LENGTH)


# --- the criminal case (investigation) ----------------------------------------------------------


class CriminalCaseSerializer(StrictModelSerializer):
    prosecuting_agency = serializers.IntegerField(
        source="prosecuting_agency_id", read_only=True, allow_null=True
    )

    class Meta:
        model = CriminalCase
        fields = ("id", "court", "docket_number", "status", "prosecuting_agency", "version", "created_at")
        read_only_fields = fields


class CriminalCaseWriteFields(serializers.Serializer):
    docket_number = _text(DOCKET_MAX_LENGTH)
    status = serializers.ChoiceField(choices=CRIMINAL_CASE_STATUS_CHOICES, required=False)
    prosecuting_agency = StrictPrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        required=False,
        allow_null=True,
        help_text="A prosecution agency taking part in the case.",
    )


class CriminalCaseCreateSerializer(CriminalCaseWriteFields):
    court = _text(TEXT_MAX_LENGTH, required=True)


class CriminalCaseUpdateSerializer(CriminalCaseWriteFields):
    court = _text(TEXT_MAX_LENGTH)


class DefendantSerializer(StrictModelSerializer):
    criminal_case = serializers.UUIDField(source="criminal_case_id", read_only=True)

    class Meta:
        model = Defendant
        fields = (
            "id",
            "criminal_case",
            "defendant_name",
            "alias",
            "custody_status",
            "custody_since",
            "sentence",
            "sentenced_on",
            "created_at",
        )
        read_only_fields = fields


class DefendantCreateSerializer(serializers.Serializer):
    criminal_case = StrictUUIDField()
    defendant_name = _text(TEXT_MAX_LENGTH, required=True)
    alias = _text(TEXT_MAX_LENGTH)
    custody_status = serializers.ChoiceField(choices=CUSTODY_STATUS_CHOICES, required=False)


class SentenceSerializer(serializers.Serializer):
    sentence = _text(TEXT_MAX_LENGTH, required=True, help_text="The term, as the judgment states it.")
    sentenced_on = BoundedDateField()


class ChargeSerializer(StrictModelSerializer):
    defendant = serializers.UUIDField(source="defendant_id", read_only=True)

    class Meta:
        model = Charge
        fields = ("id", "defendant", "statute", "description", "filed_on", "disposition", "disposed_on")
        read_only_fields = fields


class ChargeCreateSerializer(serializers.Serializer):
    defendant = StrictUUIDField()
    statute = _text(STATUTE_MAX_LENGTH, required=True, help_text="e.g. 18 U.S.C. 1591")
    description = _text(TEXT_MAX_LENGTH)
    filed_on = BoundedDateField()
    disposition = serializers.ChoiceField(choices=CHARGE_DISPOSITION_CHOICES, required=False)
    disposed_on = BoundedDateField(required=False, allow_null=True)


class ProceedingSerializer(StrictModelSerializer):
    criminal_case = serializers.UUIDField(source="criminal_case_id", read_only=True)

    class Meta:
        model = CriminalProceeding
        fields = ("id", "criminal_case", "type", "scheduled_at", "public", "held", "outcome")
        read_only_fields = fields


class ProceedingCreateSerializer(serializers.Serializer):
    criminal_case = StrictUUIDField()
    type = serializers.ChoiceField(choices=PROCEEDING_TYPE_CHOICES)
    scheduled_at = OffsetDateTimeField()
    public = StrictBooleanField(required=False, help_text="A public proceeding starts the victim's notice.")
    held = StrictBooleanField(required=False)
    outcome = _text(DETAILS_MAX_LENGTH)


class CustodyEventSerializer(StrictModelSerializer):
    defendant = serializers.UUIDField(source="defendant_id", read_only=True)

    class Meta:
        model = CustodyEvent
        fields = ("id", "defendant", "kind", "occurred_at", "details", "created_at")
        read_only_fields = fields


class CustodyEventCreateSerializer(serializers.Serializer):
    defendant = StrictUUIDField()
    kind = serializers.ChoiceField(choices=CUSTODY_EVENT_CHOICES)
    occurred_at = OffsetDateTimeField()
    details = _text(TEXT_MAX_LENGTH, help_text="e.g. released on bond")


class RestitutionOrderSerializer(StrictModelSerializer):
    defendant = serializers.UUIDField(source="defendant_id", read_only=True)
    amount = _money(read_only=True)
    monthly_amount = _money(read_only=True, allow_null=True)
    paid = _money(read_only=True)
    balance = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, coerce_to_string=True)

    class Meta:
        model = RestitutionOrder
        fields = (
            "id",
            "defendant",
            "amount",
            "monthly_amount",
            "schedule",
            "ordered_on",
            "legal_basis",
            "paid",
            "balance",
        )
        read_only_fields = fields


class RestitutionOrderCreateSerializer(serializers.Serializer):
    defendant = StrictUUIDField()
    amount = _money()
    monthly_amount = _money(required=False, allow_null=True)
    schedule = _text(TEXT_MAX_LENGTH)
    ordered_on = BoundedDateField()
    legal_basis = _text(TEXT_MAX_LENGTH, help_text="Defaults to 18 U.S.C. 1593 (mandatory restitution).")


class RestitutionPaymentSerializer(StrictModelSerializer):
    order = serializers.UUIDField(source="order_id", read_only=True)
    amount = _money(read_only=True)

    class Meta:
        model = RestitutionPayment
        fields = ("id", "order", "amount", "paid_on", "reference", "created_at")
        read_only_fields = fields


class RestitutionPaymentCreateSerializer(serializers.Serializer):
    order = StrictUUIDField()
    amount = _money()
    paid_on = BoundedDateField()
    reference = _text(REFERENCE_MAX_LENGTH)
