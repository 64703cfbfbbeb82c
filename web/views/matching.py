"""A case's possible matches, on their own page and as a panel the overview and the identity
page load by htmx; asking another agency to compare one. A match in a case the reader does not
see shows its lead agency's name and strength only, and is asked about with an opaque token.

The asked agency's review (`/handoffs/<id>/compare/`): the two identities side by side, confirm
or reject with a reason, then invite the asking agency to its case."""

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from casework.access import Action, get_case_access
from common.errors import ValidationFailed
from matching.services import (
    comparison_ask,
    comparison_confirm,
    comparison_invite,
    comparison_reject,
    comparison_review_open,
    possible_matches_check,
)
from matching.services_merge import merge_agree, merge_decline, merge_propose, merge_state
from web.forms import ComparisonAskForm, ComparisonDecisionForm, MergeDeclineForm, MergeProposeForm
from web.http import WebRequest, case_work
from web.views.cases import case_context


@case_work
@require_GET
def case_matches(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    access.require(Action.SEE_POSSIBLE_MATCHES)
    shown = possible_matches_check(actor=request.user, case=access.case)
    template = "web/partials/possible_matches.html" if request.htmx else "web/case_matches.html"
    context = case_context(access, tab="matches", matches=shown, may_merge=access.may(Action.MERGE))
    return render(request, template, context)


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
    asked = comparison_ask(
        actor=request.user, case=access.case, token=form.cleaned_data["match"], note=form.cleaned_data["note"]
    )
    if asked.handoff is not None and asked.handoff.needs_approval:
        messages.success(
            request,
            f"Your request to {asked.asked_agency.name} awaits your case's lead agency's approval, "
            "since the other agency will read this case's identity to compare.",
        )
    else:
        messages.success(request, f"{asked.asked_agency.name} is asked to compare the possible match.")
    return redirect("web:case-matches", case_id=case_id)


def _review_page(
    request: WebRequest,
    handoff_id: uuid.UUID,
    *,
    status: int = 200,
    confirm_form: ComparisonDecisionForm | None = None,
    reject_form: ComparisonDecisionForm | None = None,
) -> HttpResponse:
    review = comparison_review_open(actor=request.user, handoff_id=handoff_id)
    context = {
        "review": review,
        "confirm_form": confirm_form or ComparisonDecisionForm(auto_id="confirm-%s"),
        "reject_form": reject_form or ComparisonDecisionForm(auto_id="reject-%s"),
        "page": "handoffs",
    }
    return render(request, "web/match_review.html", context, status=status)


@case_work
@require_GET
def match_review(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    return _review_page(request, handoff_id)


@case_work
@require_POST
def match_review_confirm(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    form = ComparisonDecisionForm(request.POST, auto_id="confirm-%s")
    if form.is_valid():
        try:
            comparison_confirm(actor=request.user, handoff_id=handoff_id, reason=form.cleaned_data["reason"])
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, "Confirmed: the same child. The asking agency is told.")
            return redirect("web:match-review", handoff_id=handoff_id)
    return _review_page(request, handoff_id, status=400, confirm_form=form)


@case_work
@require_POST
def match_review_reject(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    form = ComparisonDecisionForm(request.POST, auto_id="reject-%s")
    if form.is_valid():
        try:
            comparison_reject(actor=request.user, handoff_id=handoff_id, reason=form.cleaned_data["reason"])
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, "Rejected: not the same child. The asking agency is told why.")
            return redirect("web:match-review", handoff_id=handoff_id)
    return _review_page(request, handoff_id, status=400, reject_form=form)


@case_work
@require_POST
def match_review_invite(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    invited = comparison_invite(actor=request.user, handoff_id=handoff_id)
    messages.success(request, f"{invited.asking_agency.name} now takes part in your case.")
    return redirect("web:match-review", handoff_id=handoff_id)


def _merge_page(
    request: WebRequest,
    handoff_id: uuid.UUID,
    *,
    status: int = 200,
    propose_form: MergeProposeForm | None = None,
    decline_form: MergeDeclineForm | None = None,
) -> HttpResponse:
    context = {
        "merge": merge_state(actor=request.user, handoff_id=handoff_id),
        "handoff_id": handoff_id,
        "propose_form": propose_form or MergeProposeForm(auto_id="merge-%s"),
        "decline_form": decline_form or MergeDeclineForm(auto_id="merge-decline-%s"),
        "page": "handoffs",
    }
    return render(request, "web/match_merge.html", context, status=status)


@case_work
@require_GET
def match_merge(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    return _merge_page(request, handoff_id)


@case_work
@require_POST
def match_merge_propose(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    form = MergeProposeForm(request.POST, auto_id="merge-%s")
    if form.is_valid():
        try:
            merge_propose(
                actor=request.user,
                handoff_id=handoff_id,
                keep=form.cleaned_data["keep"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, "Merge proposed. The other agency's supervisors are asked to agree.")
            return redirect("web:match-merge", handoff_id=handoff_id)
    return _merge_page(request, handoff_id, status=400, propose_form=form)


@case_work
@require_POST
def match_merge_agree(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    proposal = merge_agree(actor=request.user, handoff_id=handoff_id)
    messages.success(request, f"The two records are merged into {proposal.surviving_case.number}.")
    return redirect("web:case", case_id=proposal.surviving_case_id)


@case_work
@require_POST
def match_merge_decline(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    form = MergeDeclineForm(request.POST, auto_id="merge-decline-%s")
    if form.is_valid():
        try:
            merge_decline(actor=request.user, handoff_id=handoff_id, reason=form.cleaned_data["reason"])
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, "Merge declined. The proposer is told why.")
            return redirect("web:match-merge", handoff_id=handoff_id)
    return _merge_page(request, handoff_id, status=400, decline_form=form)
