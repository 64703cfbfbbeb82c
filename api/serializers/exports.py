"""Query parameters of the case summary and case list exports. Limits come from
`exports.services`."""

from django.conf import settings
from rest_framework import serializers

from api.fields import StrictCharField
from exports.services import PURPOSE_MAX_LENGTH


def _purpose() -> StrictCharField:
    return StrictCharField(
        max_length=PURPOSE_MAX_LENGTH,
        help_text="Why the copy is taken; printed on it and kept in the disclosure history.",
    )


def _language(what: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        default="",
        allow_blank=True,
        help_text=f"{what}; blank: the request's language.",
    )


class CaseSummaryQuerySerializer(serializers.Serializer):
    purpose = _purpose()
    include_notes = serializers.BooleanField(default=True, help_text="Each section's notes.")
    include_timeline = serializers.BooleanField(default=True, help_text="The case's timeline.")
    mask_legal_name = serializers.BooleanField(
        default=False, help_text="The legal name and aliases shortened to initials."
    )
    language = _language("The summary's headings and labels in this language")


class ConsentFormQuerySerializer(serializers.Serializer):
    language = _language("The form in this language")


class CaseListExportQuerySerializer(serializers.Serializer):
    purpose = _purpose()
