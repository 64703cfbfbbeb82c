"""Agencies, their members, the caller and signing in."""

from django.conf import settings
from rest_framework import serializers

from agencies.models import AGENCY_NAME_MAX_LENGTH, Agency, Role, User
from agencies.services import (
    AGENCY_KIND_CHOICES,
    EMAIL_MAX_LENGTH,
    JURISDICTION_MAX_LENGTH,
    PERSON_NAME_MAX_LENGTH,
    ROLE_CHOICES,
    SET_BY_THE_PERSON,
    USERNAME_MAX_LENGTH,
)
from api.fields import StrictCharField, StrictModelSerializer, StrictPrimaryKeyRelatedField

LANGUAGE_CHOICES = [code for code, _ in settings.LANGUAGES]


class AgencySerializer(StrictModelSerializer):
    class Meta:
        model = Agency
        fields = ("id", "name", "kind", "jurisdiction")
        read_only_fields = fields


class AgencyCreateSerializer(serializers.Serializer):
    name = StrictCharField(max_length=AGENCY_NAME_MAX_LENGTH)
    kind = serializers.ChoiceField(choices=AGENCY_KIND_CHOICES)
    jurisdiction = StrictCharField(
        max_length=JURISDICTION_MAX_LENGTH,
        default="US",
        help_text="`US` for federal agencies or a two-letter state code.",
    )


class AgencyBriefSerializer(StrictModelSerializer):
    class Meta:
        model = Agency
        fields = ("id", "name", "kind")
        read_only_fields = fields


class MeSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    username = serializers.CharField(read_only=True)
    agency = AgencyBriefSerializer(read_only=True, allow_null=True)
    role = serializers.ChoiceField(
        choices=Role.choices, allow_blank=True, read_only=True, help_text="Empty for platform administrators."
    )
    mfa_enabled = serializers.BooleanField(read_only=True)
    language = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES,
        allow_blank=True,
        read_only=True,
        help_text="The language of the caller's pages, emails and notifications; empty follows the browser.",
    )


class MeUpdateSerializer(serializers.Serializer):
    language = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES,
        allow_blank=True,
        help_text="`en`, `es`, or empty to follow the browser (emails then come in English).",
    )


class UserSerializer(StrictModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    agency = serializers.IntegerField(source="agency_id", read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ("id", "username", "email", "first_name", "last_name", "agency", "role", "is_active")
        read_only_fields = fields


class UserCreateSerializer(serializers.Serializer):
    username = StrictCharField(max_length=USERNAME_MAX_LENGTH)
    email = serializers.EmailField(
        max_length=EMAIL_MAX_LENGTH, help_text="The enrolment link is emailed here; one account per address."
    )
    first_name = StrictCharField(
        max_length=PERSON_NAME_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    last_name = StrictCharField(
        max_length=PERSON_NAME_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    # In the API.md contract, so it stays; but nobody sets another person's password.
    password = StrictCharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=128,
        style={"input_type": "password"},
        help_text=(
            "Must be empty or absent: the new member sets their own password through the "
            "enrolment link emailed to them, and a non-empty value is refused with 400."
        ),
    )
    agency = StrictPrimaryKeyRelatedField(queryset=Agency.objects.all())
    role = serializers.ChoiceField(choices=ROLE_CHOICES)

    def validate_password(self, value: str) -> str:
        if value:
            raise serializers.ValidationError(SET_BY_THE_PERSON)
        return value


class TokenObtainSerializer(serializers.Serializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)
    otp = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="The one-time code of the user's second factor; ignored for users without one.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
