"""Serializer fields that take JSON values only in the type the schema promises.

DRF's stock fields coerce: a number becomes a string, `"yes"` or `1` becomes `true`, `"3"` becomes
an agency id. Bridge answers a wrong type with 400 instead of guessing what the client meant.
"""

from datetime import UTC, date, datetime
from typing import Any

from django.db import models
from django.db.models import Model
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from common.dates import EARLIEST_YEAR, LATEST_YEAR, OUT_OF_RANGE_MESSAGE, within_supported_years
from common.inputs import TOO_LONG


class StrictCharField(serializers.CharField):
    default_error_messages = {"invalid": _("Not a valid string."), "max_length": TOO_LONG}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictUUIDField(serializers.UUIDField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class UTCDateTimeField(serializers.DateTimeField):
    """Times go out in UTC (`...Z`): one zone for every integrator, whatever the server's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(*args, **kwargs)


class OffsetDateTimeField(UTCDateTimeField):
    """An ISO 8601 date and time that names its offset. A time without one would be read in the
    server's zone, and a deadline off by hours is a missed deadline."""

    default_error_messages = {
        "naive": _("Give a date and time with its offset, e.g. 2026-05-01T09:00:00-05:00."),
        "out_of_range": OUT_OF_RANGE_MESSAGE,
    }

    def to_internal_value(self, value: Any) -> datetime:
        if not isinstance(value, str):
            self.fail("invalid", format="ISO 8601")
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is None:
            self.fail("naive")
        if parsed is not None and not within_supported_years(parsed):
            self.fail("out_of_range")
        return super().to_internal_value(value)


class BoundedDateField(serializers.DateField):
    default_error_messages = {
        # DRF fills in the years when it fails (`fail` formats the message with them).
        "out_of_range": _("Give a date between the years {earliest} and {latest}.")
    }

    def to_internal_value(self, value: Any) -> date:
        parsed = super().to_internal_value(value)
        if not within_supported_years(parsed):
            self.fail("out_of_range", earliest=EARLIEST_YEAR, latest=LATEST_YEAR)
        return parsed


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by integer primary key (agencies)."""

    def to_internal_value(self, data: Any) -> Model:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class StrictModelSerializer(serializers.ModelSerializer):
    """A model serializer whose text, boolean and integer fields refuse other JSON types, and
    whose times are given in UTC."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: UTCDateTimeField,
        models.DateField: BoundedDateField,
        **{
            model_field: StrictCharField
            for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
            if field is serializers.CharField
        },
        **{
            model_field: StrictBooleanField
            for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
            if field is serializers.BooleanField
        },
        **{
            model_field: StrictIntegerField
            for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
            if field is serializers.IntegerField
        },
    }
