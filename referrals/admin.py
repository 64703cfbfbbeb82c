"""Service types are data managed by platform staff. Referrals themselves are case content and are
never in the admin (no god mode)."""

from django.contrib import admin

from audit.admin import AuditedModelAdmin
from referrals.models import ServiceType


@admin.register(ServiceType)
class ServiceTypeAdmin(AuditedModelAdmin):
    list_display = ("name", "key", "section", "active", "ordering")
    list_filter = ("active", "section")
    ordering = ("ordering", "name")
