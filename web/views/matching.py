"""A case's possible matches, on their own page and as a panel the overview and the identity
page load by htmx; asking another agency to compare one. A match in a case the reader does not
see shows its lead agency's name and strength only, and is asked about with an opaque token.

The asked agency's review (`/handoffs/<id>/compare/`): the two identities side by side, confirm
or reject with a reason, then invite the asking agency to its case."""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
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
from web.forms import (
    BridgeForm,
    ComparisonAskForm,
    ComparisonDecisionForm,
    MergeDeclineForm,
    MergeProposeForm,
)
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
            _("Choose a possible match to ask about."),
            fields={"match": [str(error) for error in form.errors["match"]]},
        )
    asked = comparison_ask(
        actor=request.user, case=access.case, token=form.cleaned_data["match"], note=form.cleaned_data["note"]
    )
    if asked.handoff is not None and asked.handoff.needs_approval:
        messages.success(
            request,
            _(
                "Your request to %(agency)s awaits your case's lead agency's approval, "
                "since the other agency will read this case's identity to compare."
            )
            % {"agency": asked.asked_agency.name},
        )
    else:
        messages.success(
            request,
            _("%(agency)s is asked to compare the possible match.") % {"agency": asked.asked_agency.name},
        )
    return redirect("web:case-matches", case_id=case_id)


def _review_page(
    request: WebRequest, handoff_id: uuid.UUID, *, status: int = 200, **forms: BridgeForm
) -> HttpResponse:
    context = {
        "review": comparison_review_open(actor=request.user, handoff_id=handoff_id),
        "confirm_form": ComparisonDecisionForm(auto_id="confirm-%s"),
        "reject_form": ComparisonDecisionForm(auto_id="reject-%s"),
        "page": "handoffs",
        **forms,
    }
    return render(request, "web/match_review.html", context, status=status)


def _merge_page(
    request: WebRequest, handoff_id: uuid.UUID, *, status: int = 200, **forms: BridgeForm
) -> HttpResponse:
    context = {
        "merge": merge_state(actor=request.user, handoff_id=handoff_id),
        "handoff_id": handoff_id,
        "propose_form": MergeProposeForm(auto_id="merge-%s"),
        "decline_form": MergeDeclineForm(auto_id="merge-decline-%s"),
        "page": "handoffs",
        **forms,
    }
    return render(request, "web/match_merge.html", context, status=status)


def _answer(
    request: WebRequest,
    handoff_id: uuid.UUID,
    *,
    form: BridgeForm,
    form_name: str,
    decide: Callable[[dict[str, Any]], object],
    done: str,
    page: Callable[..., HttpResponse],
    page_url: str,
) -> HttpResponse:
    """A review or merge form posted: the decision made and its page again with `done`, or the
    page with the form's errors (400), the service's field messages beside their fields."""
    if form.is_valid():
        try:
            decide(form.cleaned_data)
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, done)
            return redirect(page_url, handoff_id=handoff_id)
    return page(request, handoff_id, status=400, **{form_name: form})


@case_work
@require_GET
def match_review(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    return _review_page(request, handoff_id)


@case_work
@require_POST
def match_review_confirm(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    return _answer(
        request,
        handoff_id,
        form=ComparisonDecisionForm(request.POST, auto_id="confirm-%s"),
        form_name="confirm_form",
        decide=lambda data: comparison_confirm(
            actor=request.user, handoff_id=handoff_id, reason=data["reason"]
        ),
        done=_("Confirmed: the same child. The asking agency is told."),
        page=_review_page,
        page_url="web:match-review",
    )


@case_work
@require_POST
def match_review_reject(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    return _answer(
        request,
        handoff_id,
        form=ComparisonDecisionForm(request.POST, auto_id="reject-%s"),
        form_name="reject_form",
        decide=lambda data: comparison_reject(
            actor=request.user, handoff_id=handoff_id, reason=data["reason"]
        ),
        done=_("Rejected: not the same child. The asking agency is told why."),
        page=_review_page,
        page_url="web:match-review",
    )


@case_work
@require_POST
def match_review_invite(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    invited = comparison_invite(actor=request.user, handoff_id=handoff_id)
    messages.success(
        request, _("%(agency)s now takes part in your case.") % {"agency": invited.asking_agency.name}
    )
    return redirect("web:match-review", handoff_id=handoff_id)


@case_work
@require_GET
def match_merge(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    return _merge_page(request, handoff_id)


@case_work
@require_POST
def match_merge_propose(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    return _answer(
        request,
        handoff_id,
        form=MergeProposeForm(request.POST, auto_id="merge-%s"),
        form_name="propose_form",
        decide=lambda data: merge_propose(
            actor=request.user, handoff_id=handoff_id, keep=data["keep"], reason=data["reason"]
        ),
        done=_("Merge proposed. The other agency's supervisors are asked to agree."),
        page=_merge_page,
        page_url="web:match-merge",
    )


@case_work
@require_POST
def match_merge_agree(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    proposal = merge_agree(actor=request.user, handoff_id=handoff_id)
    messages.success(
        request,
        _("The two records are merged into %(number)s.") % {"number": proposal.surviving_case.number},
    )
    return redirect("web:case", case_id=proposal.surviving_case_id)


@case_work
@require_POST
def match_merge_decline(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    return _answer(
        request,
        handoff_id,
        form=MergeDeclineForm(request.POST, auto_id="merge-decline-%s"),
        form_name="decline_form",
        decide=lambda data: merge_decline(actor=request.user, handoff_id=handoff_id, reason=data["reason"]),
        done=_("Merge declined. The proposer is told why."),
        page=_merge_page,
        page_url="web:match-merge",
    )
