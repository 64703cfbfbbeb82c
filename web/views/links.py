"""Linking a case to another (siblings, one household, one exploiter or incident) from its
overview. A link shows only to readers who see both cases."""

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.access import Action, cases_visible_to, get_case_access
from casework.sections import Section
from common.errors import ValidationFailed
from links.selectors import get_case_link
from links.services import case_link_create, case_link_delete
from web.forms import CaseLinkForm
from web.http import WebRequest, case_work
from web.views.cases import section_page


@case_work
@require_POST
def link_add(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    access.require(Action.LINK_CASES)
    form = CaseLinkForm(request.POST)
    if form.is_valid():
        number = form.cleaned_data["other_case"].strip().upper()
        # A number the reader does not see is unknown to them, exactly like one that does not exist.
        other_id = (
            cases_visible_to(user=request.user).filter(number=number).values_list("pk", flat=True).first()
        )
        try:
            case_link_create(
                actor=request.user, case=access.case, other_case_id=other_id, kind=form.cleaned_data["kind"]
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, _("Cases linked."))
            return redirect("web:case", case_id=case_id)
    return section_page(request, access, Section.CORE, link_form=form, status=400)


@case_work
@require_POST
def link_remove(request: WebRequest, case_id: uuid.UUID, link_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    link = get_case_link(access=access, link_id=link_id)
    case_link_delete(actor=request.user, case=access.case, link=link)
    messages.success(request, _("Link removed."))
    return redirect("web:case", case_id=case_id)
