"""Screening instruments are managed here by platform staff: they are questionnaires, not case
content (screenings and their answers are never in the admin: no god mode). An instrument that a
screening used is kept as it was; a changed instrument is a new version."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.admin import AuditedModelAdmin
from screening.models import Instrument, InstrumentQuestion, InstrumentThreshold


def _used(instrument: Instrument | None) -> bool:
    return instrument is not None and instrument.pk is not None and instrument.screenings.exists()


class _UsedInstrumentIsReadOnly:
    """Inlines: `obj` is the instrument being edited."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not _used(obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not _used(obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and not _used(obj)  # type: ignore[misc]


class QuestionInline(_UsedInstrumentIsReadOnly, admin.TabularInline):
    model = InstrumentQuestion
    extra = 0
    ordering = ("position",)
    fields = ("position", "key", "text", "answer_type", "points_if_yes", "choices", "required")


class ThresholdInline(_UsedInstrumentIsReadOnly, admin.TabularInline):
    model = InstrumentThreshold
    extra = 0
    ordering = ("min_score",)
    fields = ("min_score", "suggests")


@admin.register(Instrument)
class InstrumentAdmin(AuditedModelAdmin):
    list_display = ("name", "key", "version", "scoring_rule", "active")
    list_filter = ("active", "scoring_rule")
    search_fields = ("key", "name")
    fields = ("key", "version", "name", "description", "scoring_rule", "active")
    inlines = (QuestionInline, ThresholdInline)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A used version may still be retired (`active`), never rewritten.
        if _used(obj):
            return ("key", "version", "name", "description", "scoring_rule")
        return ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not _used(obj)
