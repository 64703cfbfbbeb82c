"""The base of every admin registration: whatever an administrator adds, changes, deletes or runs
as an action is an audit record with the administrator as actor (Django's own admin log is kept
too, but it is an ordinary table anyone with the admin's rights could edit).

The audit tables themselves are not in the admin (no god mode: the log names cases and people).
`tests/agencies/test_admin.py` checks that every registered model uses this base."""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from agencies.models import User
from audit.services import audit_admin_action

AdminAction = Callable[[admin.ModelAdmin, HttpRequest, QuerySet[Any]], HttpResponse | None]


def _changed_fields(message: Any) -> list[str]:
    """The field names in Django's structured change message; values never go in the log."""
    if not isinstance(message, list):
        return []
    fields: list[str] = []
    for entry in message:
        if isinstance(entry, dict):
            for change in entry.values():
                if isinstance(change, dict):
                    fields.extend(str(name) for name in change.get("fields", []))
    return fields


class AuditedModelAdmin(admin.ModelAdmin):
    def _audit(self, request: HttpRequest, verb: str, objects: Iterable[Model], **detail: Any) -> None:
        assert isinstance(request.user, User)
        audit_admin_action(
            actor=request.user,
            action=verb,
            object_type=self.model._meta.label_lower,
            object_ids=[str(obj.pk) for obj in objects],
            detail=detail,
        )

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        self._audit(request, "added", [obj])
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        self._audit(request, "changed", [obj], fields=_changed_fields(message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        # Called before the deletion, with a queryset or a list (the single-object delete view).
        self._audit(request, "deleted", queryset)
        return super().log_deletions(request, queryset)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request) or {}
        return {
            name: (self._audited_action(function, name), name, description)
            for name, (function, _, description) in actions.items()
        }

    def _audited_action(self, function: Any, name: str) -> AdminAction:
        # Deleting asks for confirmation first (the same action, run twice); the deletion itself
        # is recorded by `log_deletions`.
        if name == "delete_selected":
            return function

        @wraps(function)
        def audited(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
            self._audit(request, "action", queryset, action=name)
            return function(modeladmin, request, queryset)

        return audited
