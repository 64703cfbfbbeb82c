"""Platform administration: agencies and their members. Nothing here links to case content, and
nothing shows or sets a secret: accounts have no password field (the person sets their own
through an emailed link), and the only password action is emailing the person a reset link."""

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, User
from agencies.services import (
    account_change_check,
    agency_create,
    new_account_errors,
    user_create,
    user_password_link_send,
    user_update,
)
from audit.admin import AuditedModelAdmin
from common.errors import ApplicationError

admin.site.site_header = _("Bridge administration")
admin.site.site_title = _("Bridge administration")
admin.site.index_title = _("Agencies, members and deadline templates")
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
class AgencyAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "jurisdiction", "created_at")
    list_filter = ("kind", "jurisdiction")
    search_fields = ("name",)
    fields = ("name", "kind", "jurisdiction")
    inlines = [MemberInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The kind decides what the agency's members may read and write (the database refuses a
        # change too): set once, when the agency is created.
        return ("kind",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Agency, form: ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        assert isinstance(request.user, User)
        created = agency_create(
            actor=request.user, name=obj.name, kind=obj.kind, jurisdiction=obj.jurisdiction
        )
        obj.pk = created.pk
        obj.public_id = created.public_id
        obj.group = created.group

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Agencies are referenced by case history; they are never deleted.
        return False


class _AccountForm(forms.ModelForm):
    # Set per request by `UserAdmin.get_form`: who is making the change.
    actor: User

    def _add_errors(self, errors: dict[str, list[str]]) -> None:
        for field, field_errors in errors.items():
            for error in field_errors:
                self.add_error(field if field in self.fields else None, error)


class UserAddForm(_AccountForm):
    """A new account: who the person is, where they work and their role. No password: the
    person gets an enrolment link by email and sets their own."""

    class Meta:
        model = User
        fields = (
            "username",
            "email",
            "first_name",
            "last_name",
            "agency",
            "role",
            "is_staff",
            "is_superuser",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = gettext(
            "The enrolment link goes here; the person sets their own password."
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._add_errors(
            new_account_errors(
                username=str(cleaned.get("username") or "").strip(),
                email=str(cleaned.get("email") or "").strip(),
                agency=cleaned.get("agency"),
                role=cleaned.get("role") or "",
                is_staff=bool(cleaned.get("is_staff")),
                is_superuser=bool(cleaned.get("is_superuser")),
            )
        )
        return cleaned


class UserChangeForm(_AccountForm):
    """An existing account. The email address is read-only (a reset link goes there, so changing
    it would hand the account to whoever chose the new address) and there is no password."""

    class Meta:
        model = User
        fields = (
            "username",
            "first_name",
            "last_name",
            "agency",
            "role",
            "is_active",
            "is_staff",
            "is_superuser",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        stored = User.objects.get(pk=self.instance.pk)
        check = account_change_check(
            actor=self.actor,
            user=stored,
            agency=cleaned.get("agency"),
            role=cleaned.get("role") or "",
            is_staff=bool(cleaned.get("is_staff")),
            is_superuser=bool(cleaned.get("is_superuser")),
        )
        if check.refusal is not None:
            raise forms.ValidationError(check.refusal, code="own_account")
        self._add_errors(check.errors)
        return cleaned


@admin.register(User)
class UserAdmin(AuditedModelAdmin):
    list_display = ("username", "first_name", "last_name", "agency", "role", "is_active", "is_staff")
    list_filter = ("agency__kind", "role", "is_active", "is_staff")
    list_select_related = ("agency",)
    search_fields = ("username", "first_name", "last_name", "email", "agency__name")
    ordering = ("username",)
    actions = ("send_password_link",)
    add_fieldsets = (
        (None, {"fields": ("username", "email", "first_name", "last_name")}),
        (_("Membership"), {"fields": ("agency", "role")}),
        (_("Platform"), {"fields": ("is_staff", "is_superuser")}),
    )
    change_fieldsets = (
        (None, {"fields": ("username", "email", "password_state")}),
        (_("Person"), {"fields": ("first_name", "last_name")}),
        (_("Membership"), {"fields": ("agency", "role")}),
        (_("Platform"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )

    @admin.display(description=_("password"))
    def password_state(self, user: User) -> str:
        if user.has_usable_password():
            return gettext("Set by the person. Use “Send a password reset link” if they lost it.")
        return gettext("Not set yet: the person sets it through the link emailed to them.")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fieldsets if obj is None else self.change_fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else ("email", "password_state", "last_login", "date_joined")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = UserAddForm if obj is None else UserChangeForm
        kwargs["fields"] = None
        form = cast(type[_AccountForm], super().get_form(request, obj, change=change, **kwargs))
        assert isinstance(request.user, User)
        form.actor = request.user
        return form

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:
        assert isinstance(request.user, User)
        data = form.cleaned_data
        if not change:
            created = user_create(
                actor=request.user,
                username=data["username"],
                email=data["email"],
                agency=data["agency"],
                role=data["role"] or "",
                first_name=data["first_name"],
                last_name=data["last_name"],
                is_staff=data["is_staff"],
                is_superuser=data["is_superuser"],
            )
            obj.pk = created.pk
            obj.public_id = created.public_id
            return
        user_update(
            actor=request.user,
            user=obj,
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            agency=data["agency"],
            role=data["role"] or "",
            is_active=data["is_active"],
            is_staff=data["is_staff"],
            is_superuser=data["is_superuser"],
        )

    @admin.action(description=_("Send a password reset link"))
    def send_password_link(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        assert isinstance(request.user, User)
        sent, refused = 0, []
        for user in queryset.select_related("agency"):
            try:
                user_password_link_send(actor=request.user, user=user)
            except ApplicationError as error:
                refused.append(
                    gettext("%(username)s (%(reason)s)")
                    % {"username": user.username, "reason": error.message}
                )
            else:
                sent += 1
        if sent:
            text = ngettext(
                "A password reset link was emailed to %(count)s account(s).",
                "A password reset link was emailed to %(count)s account(s).",
                sent,
            )
            self.message_user(request, text % {"count": sent}, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                gettext("No link sent to: %(accounts)s") % {"accounts": ", ".join(refused)},
                messages.WARNING,
            )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # People are referenced by the audit trail; deactivate instead.
        return False
