"""Deadline templates are the only casework data in the admin: they are law and policy, not case
content. State overlays are added here without code changes."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.admin import AuditedModelAdmin
from casework.models import DeadlineTemplate


@admin.register(DeadlineTemplate)
class DeadlineTemplateAdmin(AuditedModelAdmin):
    list_display = (
        "name",
        "trigger",
        "jurisdiction",
        "owner_kind",
        "section",
        "offset_summary",
        "legal_source",
        "active",
    )
    list_filter = ("jurisdiction", "trigger", "owner_kind", "section", "active")
    search_fields = ("key", "name", "legal_source")
    ordering = ("trigger", "jurisdiction", "key")
    fieldsets = (
        (None, {"fields": ("key", "name", "description", "legal_source", "active")}),
        (
            "In other languages",
            {
                "fields": ("translations",),
                "description": (
                    'The name and description in Bridge\'s other languages, for example {"es": {"name": '
                    '"Revisión periódica del caso", "description": "…"}}. Tasks made from the template '
                    "show them to people who read that language."
                ),
            },
        ),
        ("When it applies", {"fields": ("trigger", "jurisdiction", "overrides", "yields_to_state")}),
        (
            "When it is due",
            {"fields": ("anchor", "age_years", "offset_months", "offset_days", "offset_hours", "repeats")},
        ),
        ("Who does it", {"fields": ("owner_kind", "asks_owner", "priority")}),
        (
            "Who may see its tasks",
            {
                "fields": ("section",),
                "description": (
                    "A task this template creates carries this section: it, its reminders and its "
                    "timeline lines reach only agencies that may read the section on the case."
                ),
            },
        ),
    )

    @admin.display(description="due")
    def offset_summary(self, template: DeadlineTemplate) -> str:
        parts = [
            f"{value} {unit}"
            for value, unit in (
                (template.offset_months, "months"),
                (template.offset_days, "days"),
                (template.offset_hours, "hours"),
            )
            if value
        ]
        anchor = (
            f"{template.age_years}th birthday"
            if template.age_years
            else template.get_anchor_display().lower()
        )
        return f"{' '.join(parts) or 'at'} from {anchor}"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Tasks link back to their template; retire a template by clearing `active`.
        return False
