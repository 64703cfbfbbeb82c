"""Possible matches of a case as the caller may be told of them."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.links import LinkedCaseSerializer
from matching.selectors import Strength
from matching.services import MATCH_TOKEN_MAX_LENGTH, ShownMatch


class PossibleMatchSerializer(serializers.Serializer):
    """`case` only for a case the caller sees; otherwise `match`, an opaque token to ask its lead
    agency to compare with."""

    strength = serializers.ChoiceField(choices=[Strength.HIGH, Strength.MEDIUM], read_only=True)
    lead_agency_name = serializers.CharField(read_only=True)
    case = serializers.SerializerMethodField()
    match = serializers.SerializerMethodField()

    @extend_schema_field(LinkedCaseSerializer(allow_null=True))
    def get_case(self, shown: ShownMatch) -> dict[str, Any] | None:
        return None if shown.case is None else dict(LinkedCaseSerializer(shown.case).data)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_match(self, shown: ShownMatch) -> str | None:
        return shown.token or None


class PossibleMatchesPageSerializer(serializers.Serializer):
    next = serializers.CharField(allow_null=True, read_only=True)
    previous = serializers.CharField(allow_null=True, read_only=True)
    results = PossibleMatchSerializer(many=True, read_only=True)


class ComparisonAskSerializer(serializers.Serializer):
    match = serializers.CharField(
        max_length=MATCH_TOKEN_MAX_LENGTH,
        help_text="The `match` token of a possible match in this case's list.",
    )


class ComparisonRequestSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    asked_agency_name = serializers.CharField(source="asked_agency.name", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
