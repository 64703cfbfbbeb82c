"""Platform administration: agencies and their members. Nothing here links to case content."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.forms import ModelForm
from django.http import HttpRequest

from agencies.models import Agency, User
from agencies.services import agency_create, user_sync_agency_group

admin.site.site_header = "Bridge administration"
admin.site.site_title = "Bridge administration"
admin.site.index_title = "Agencies, members and deadline templates"
# Agency groups are managed through agencies; editing them by hand would break access.
admin.site.unregister(Group)


class MemberInline(admin.TabularInline):
    model = User
    fields = ("username", "first_name", "last_name", "email", "role", "is_active")
    readonly_fields = ("username", "first_name", "last_name", "email", "role", "is_active")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "jurisdiction", "created_at")
    list_filter = ("kind", "jurisdiction")
    search_fields = ("name",)
    fields = ("name", "kind", "jurisdiction")
    inlines = [MemberInline]

    def save_model(self, request: HttpRequest, obj: Agency, form: ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        assert isinstance(request.user, User)
        created = agency_create(
            actor=request.user, name=obj.name, kind=obj.kind, jurisdiction=obj.jurisdiction
        )
        obj.pk = created.pk
        obj.group = created.group

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Agencies are referenced by case history; they are never deleted.
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "agency", "role", "is_active", "is_staff")
    list_filter = ("agency__kind", "role", "is_active", "is_staff")
    list_select_related = ("agency",)
    search_fields = ("username", "first_name", "last_name", "email", "agency__name")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Membership", {"fields": ("agency", "role")}),
        ("Platform", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        ("Membership", {"fields": ("agency", "role")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        user_sync_agency_group(user=obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # People are referenced by the audit trail; deactivate instead.
        return False
