"""Document types are data managed by platform staff. Documents themselves are case content and
are never in the admin (no god mode)."""

from django.contrib import admin

from audit.admin import AuditedModelAdmin
from documents.models import DocumentType


@admin.register(DocumentType)
class DocumentTypeAdmin(AuditedModelAdmin):
    list_display = ("name", "key", "active", "ordering")
    list_filter = ("active",)
    ordering = ("ordering", "name")
