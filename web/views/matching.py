"""A case's possible matches, on their own page and as a panel the overview and the identity
page load by htmx; asking another agency to compare one. A match in a case the reader does not
see shows its lead agency's name and strength only, and is asked about with an opaque token."""

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from casework.access import Action, get_case_access
from common.errors import ValidationFailed
from matching.services import comparison_ask, possible_matches_check
from web.forms import ComparisonAskForm
from web.http import WebRequest, case_work
from web.views.cases import case_context


@case_work
@require_GET
def case_matches(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    access.require(Action.SEE_POSSIBLE_MATCHES)
    shown = possible_matches_check(actor=request.user, case=access.case)
    template = "web/partials/possible_matches.html" if request.htmx else "web/case_matches.html"
    return render(request, template, case_context(access, tab="matches", matches=shown))


@case_work
@require_POST
def case_matches_ask(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    form = ComparisonAskForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(
            "Choose a possible match to ask about.",
            fields={"match": [str(error) for error in form.errors["match"]]},
        )
    asked = comparison_ask(actor=request.user, case=access.case, token=form.cleaned_data["match"])
    messages.success(request, f"{asked.asked_agency.name} is asked to compare the possible match.")
    return redirect("web:case-matches", case_id=case_id)
