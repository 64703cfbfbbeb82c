"""The agency's members, for its agency administrators: who works here in which role, adding a
member (who receives an enrolment link to set their own password), changing roles, sending a
password reset link, deactivating and reactivating. No case content is ever shown here."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from agencies.access import may_manage_members
from agencies.models import Agency, User
from agencies.selectors import agency_accounts
from agencies.services import user_change_role, user_create, user_password_link_send, user_set_active
from common.errors import PermissionDenied, ValidationFailed
from web.forms import MemberAddForm, MemberRoleForm
from web.http import WebRequest, signed_in


def _agency(request: WebRequest) -> Agency:
    agency = request.user.agency
    if agency is None or not may_manage_members(actor=request.user, agency=agency):
        raise PermissionDenied(_("Only your agency's administrators manage its members."))
    return agency


def _member(request: WebRequest, public_id: str) -> User:
    return get_object_or_404(User, public_id=public_id, agency=_agency(request))


def _page(request: WebRequest, *, add_form: MemberAddForm | None = None, status: int = 200) -> HttpResponse:
    agency = _agency(request)
    members = [
        {
            "user": member,
            "role_form": MemberRoleForm(initial={"role": member.role}, prefix=str(member.public_id)),
        }
        for member in agency_accounts(agency=agency)
    ]
    context = {
        "agency": agency,
        "members": members,
        "add_form": add_form or MemberAddForm(),
        "page": "members",
    }
    return render(request, "web/members.html", context, status=status)


@signed_in
@require_GET
def members(request: WebRequest) -> HttpResponse:
    return _page(request)


@signed_in
@require_POST
def member_add(request: WebRequest) -> HttpResponse:
    agency = _agency(request)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            user = user_create(actor=request.user, agency=agency, **form.cleaned_data)
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(
                request,
                _("%(username)s was added; an enrolment link went to %(email)s.")
                % {"username": user.username, "email": user.email},
            )
            return redirect("web:members")
    return _page(request, add_form=form, status=400)


@signed_in
@require_POST
def member_role(request: WebRequest, public_id: str) -> HttpResponse:
    member = _member(request, public_id)
    form = MemberRoleForm(request.POST, prefix=str(member.public_id))
    if not form.is_valid():
        raise ValidationFailed(_("Choose a role."), fields={"role": [_("Choose a role.")]})
    user_change_role(actor=request.user, user=member, role=form.cleaned_data["role"])
    messages.success(
        request,
        _("%(username)s is now %(role)s.")
        % {"username": member.username, "role": member.get_role_display().lower()},
    )
    return redirect("web:members")


@signed_in
@require_POST
def member_active(request: WebRequest, public_id: str) -> HttpResponse:
    member = _member(request, public_id)
    active = request.POST.get("active") == "true"
    user_set_active(actor=request.user, user=member, active=active)
    messages.success(
        request,
        (_("%(username)s was reactivated.") if active else _("%(username)s was deactivated."))
        % {"username": member.username},
    )
    return redirect("web:members")


@signed_in
@require_POST
def member_reset_link(request: WebRequest, public_id: str) -> HttpResponse:
    member = _member(request, public_id)
    user_password_link_send(actor=request.user, user=member)
    messages.success(
        request,
        _("A password reset link went to %(username)s's email address.") % {"username": member.username},
    )
    return redirect("web:members")
