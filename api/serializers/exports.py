"""Query parameters of the case summary and case list exports. Limits come from
`exports.services`."""

from rest_framework import serializers

from api.fields import StrictCharField
from exports.services import PURPOSE_MAX_LENGTH


def _purpose() -> StrictCharField:
    return StrictCharField(
        max_length=PURPOSE_MAX_LENGTH,
        help_text="Why the copy is taken; printed on it and kept in the disclosure history.",
    )


class CaseSummaryQuerySerializer(serializers.Serializer):
    purpose = _purpose()
    include_notes = serializers.BooleanField(default=True, help_text="Each section's notes.")
    include_timeline = serializers.BooleanField(default=True, help_text="The case's timeline.")
    mask_legal_name = serializers.BooleanField(
        default=False, help_text="The legal name and aliases shortened to initials."
    )


class CaseListExportQuerySerializer(serializers.Serializer):
    purpose = _purpose()
