"""The email outbox for platform operators: delivery state and errors only. Subjects, bodies and
the cases behind them are not shown, since platform administrators see no case content."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin import AuditedModelAdmin
from notifications.models import EmailDelivery
from notifications.services import email_deliveries_retry


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(AuditedModelAdmin):
    list_display = (
        "id",
        "recipient",
        "kind",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "next_attempt_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("recipient__username", "recipient__email")
    fields = (
        "id",
        "recipient",
        "kind",
        "digest_date",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    )
    readonly_fields = fields
    ordering = ("-created_at",)
    actions = ("send_again",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Send the selected failed emails again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[EmailDelivery]) -> None:
        count = email_deliveries_retry(deliveries=queryset)
        text = ngettext(
            "%(count)s email(s) queued to be sent again.",
            "%(count)s email(s) queued to be sent again.",
            count,
        )
        self.message_user(request, text % {"count": count}, messages.SUCCESS)
