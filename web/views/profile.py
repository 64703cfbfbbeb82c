"""Recording a case's exploitation profile (in the `investigation` section)."""

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from audit.services import audit_case_read
from casework.access import Action, CaseAccess, get_case_access
from casework.sections import Section
from common.errors import Conflict, StaleVersion, ValidationFailed
from exploitation.selectors import NOT_A_VICTIM_YET, exploitation_profile_for, profile_may_start
from exploitation.services import PROFILE_FIELDS, exploitation_profile_save
from web.forms import ExploitationProfileForm
from web.http import WebRequest, case_work
from web.views.cases import case_context

STALE_MESSAGE = gettext_lazy(
    "Someone saved the profile while you were editing it. Here is what they saved; make your change again."
)


def _edit_page(
    request: WebRequest, access: CaseAccess, form: ExploitationProfileForm, *, status: int = 200
) -> HttpResponse:
    audit_case_read(access=access, sections={Section.INVESTIGATION}, view="exploitation_profile")
    context = case_context(access, tab=Section.INVESTIGATION, form=form)
    return render(request, "web/exploitation_profile_edit.html", context, status=status)


def _current_form(access: CaseAccess) -> ExploitationProfileForm:
    profile = exploitation_profile_for(access=access)
    if profile is None:
        return ExploitationProfileForm(initial={"version": 0})
    return ExploitationProfileForm(
        initial={"version": profile.version, **{name: getattr(profile, name) for name in PROFILE_FIELDS}}
    )


@case_work
@require_http_methods(["GET", "POST"])
def exploitation_profile_edit(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    profile = exploitation_profile_for(access=access)
    access.require(Action.RECORD_EXPLOITATION_PROFILE)
    if not profile_may_start(case=access.case, profile=profile):
        raise Conflict(NOT_A_VICTIM_YET)
    if request.method == "GET":
        return _edit_page(request, access, _current_form(access))
    form = ExploitationProfileForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, access, form, status=400)
    values = {name: form.cleaned_data[name] for name in PROFILE_FIELDS}
    try:
        exploitation_profile_save(
            actor=request.user, case=access.case, expected_version=form.cleaned_data["version"], values=values
        )
    except StaleVersion:
        messages.error(request, STALE_MESSAGE)
        return _edit_page(request, access, _current_form(access), status=409)
    except ValidationFailed as error:
        form.add_service_errors(error.message, error.fields)
        return _edit_page(request, access, form, status=400)
    messages.success(request, _("Exploitation profile saved."))
    return redirect("web:case-section", case_id=case_id, section=Section.INVESTIGATION)
