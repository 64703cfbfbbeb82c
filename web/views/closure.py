"""The case's closing page, for the lead agency: what holds the case open, the request with its
justifications, the supervisor's decision, and reopening a closed case. Other agencies on the case
see its status and the timeline's lines, not the summary."""

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casework.access import Action, CaseAccess, get_case_access
from casework.models import CaseClosure, ClosureStatus
from casework.selectors import closure_reviewers, closures_visible
from casework.services.closure import (
    case_closure_approve,
    case_closure_request,
    case_closure_return,
    case_closure_withdraw,
    case_reopen,
    closure_blockers,
)
from common.errors import Conflict, NotFound, ValidationFailed
from web.closure_forms import ClosureApproveForm, ClosureRequestForm, ClosureReturnForm, ReopenForm
from web.http import WebRequest, case_work
from web.views.cases import case_context


def _lead_access(request: WebRequest, case_id: uuid.UUID) -> CaseAccess:
    access = get_case_access(user=request.user, case_id=case_id)
    if not access.is_lead:
        raise NotFound()
    return access


def _request_form(access: CaseAccess, data: object = None) -> ClosureRequestForm:
    return ClosureRequestForm(
        data, blockers=closure_blockers(access=access), reviewers=closure_reviewers(access=access)
    )


def _page(
    request: WebRequest,
    access: CaseAccess,
    *,
    request_form: ClosureRequestForm | None = None,
    approve_form: ClosureApproveForm | None = None,
    return_form: ClosureReturnForm | None = None,
    reopen_form: ReopenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    closures = list(closures_visible(access=access))
    awaiting = next((c for c in closures if c.status == ClosureStatus.AWAITING_APPROVAL), None)
    may_request = access.may(Action.REQUEST_CLOSURE) and awaiting is None
    blockers = closure_blockers(access=access) if may_request else []
    may_decide = (
        awaiting is not None
        and access.may(Action.DECIDE_CLOSURE)
        and awaiting.requested_by_id != request.user.pk
    )
    may_withdraw = awaiting is not None and (
        awaiting.requested_by_id == request.user.pk or access.is_liaison_or_supervisor
    )
    context = case_context(
        access,
        tab="closing",
        closures=closures,
        awaiting=awaiting,
        blockers=blockers,
        unjustifiable=[blocker for blocker in blockers if not blocker.justifiable],
        request_form=(request_form or _request_form(access)) if may_request else None,
        approve_form=(approve_form or ClosureApproveForm()) if may_decide else None,
        return_form=(return_form or ClosureReturnForm()) if may_decide else None,
        may_withdraw=may_withdraw,
        reopen_form=(reopen_form or ReopenForm()) if access.may(Action.REOPEN) else None,
    )
    return render(request, "web/case_closing.html", context, status=status)


@case_work
@require_http_methods(["GET", "POST"])
def case_closing(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = _lead_access(request, case_id)
    if request.method == "GET":
        return _page(request, access)
    access.require(Action.REQUEST_CLOSURE)
    form = _request_form(access, request.POST)
    if form.is_valid():
        try:
            case_closure_request(
                actor=request.user,
                case_id=case_id,
                reason=form.cleaned_data["reason"],
                summary=form.cleaned_data["summary"],
                reviewer=form.cleaned_data["reviewer"],
                justifications=form.justifications(),
            )
        except ValidationFailed as error:
            form.add_service_errors(
                error.message, {k: v for k, v in error.fields.items() if k != "justifications"}
            )
            for problem in error.fields.get("justifications", []):
                form.add_error(None, problem)
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Closing requested: the supervisor you chose is asked to approve it.")
            )
            return redirect("web:case-closing", case_id=case_id)
    return _page(request, access, request_form=form, status=400)


def _closure(access: CaseAccess, closure_id: uuid.UUID) -> CaseClosure:
    closure = closures_visible(access=access).filter(pk=closure_id).first()
    if closure is None:
        raise NotFound()
    return closure


@case_work
@require_POST
def case_closing_approve(request: WebRequest, case_id: uuid.UUID, closure_id: uuid.UUID) -> HttpResponse:
    access = _lead_access(request, case_id)
    form = ClosureApproveForm(request.POST)
    return _decided(
        request,
        access,
        closure_id,
        form,
        decide=case_closure_approve,
        success=_("Approved: the case is closed."),
    )


@case_work
@require_POST
def case_closing_return(request: WebRequest, case_id: uuid.UUID, closure_id: uuid.UUID) -> HttpResponse:
    access = _lead_access(request, case_id)
    form = ClosureReturnForm(request.POST)
    return _decided(
        request,
        access,
        closure_id,
        form,
        decide=case_closure_return,
        success=_("Returned to the requester with your comments."),
    )


def _decided(
    request: WebRequest,
    access: CaseAccess,
    closure_id: uuid.UUID,
    form: ClosureApproveForm | ClosureReturnForm,
    *,
    decide: Callable[..., CaseClosure],
    success: str,
) -> HttpResponse:
    """Approve or return a request from its form; a refusal is shown on the page with the form."""
    closure = _closure(access, closure_id)
    if form.is_valid():
        try:
            decide(actor=request.user, closure_id=closure.pk, comments=form.cleaned_data["comments"])
        except (ValidationFailed, Conflict) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, success)
            return redirect("web:case-closing", case_id=access.case.pk)
    if isinstance(form, ClosureApproveForm):
        return _page(request, access, approve_form=form, status=400)
    return _page(request, access, return_form=form, status=400)


@case_work
@require_POST
def case_closing_withdraw(request: WebRequest, case_id: uuid.UUID, closure_id: uuid.UUID) -> HttpResponse:
    access = _lead_access(request, case_id)
    closure = _closure(access, closure_id)
    try:
        case_closure_withdraw(actor=request.user, closure_id=closure.pk)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Closing request withdrawn."))
    return redirect("web:case-closing", case_id=case_id)


@case_work
@require_POST
def case_closing_reopen(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = _lead_access(request, case_id)
    access.require(Action.REOPEN)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            case_reopen(actor=request.user, case_id=case_id, reason=form.cleaned_data["reason"])
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, _("The case is open again."))
            return redirect("web:case", case_id=case_id)
    return _page(request, access, reopen_form=form, status=400)
