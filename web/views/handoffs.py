"""The liaison's home: incoming handoffs by urgency and time left to answer, answered in place;
for the lead agency, handoffs that would bring another agency onto a case, approved or declined in
place; outgoing ones; and those already resolved. A handoff answered on the desk leaves its list at
once: its card gives way to what happened and where the work is now, the list's count drops and
"Answered and closed" is drawn again."""

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from agencies.models import User
from casework.access import get_handoff_for_user
from casework.services.handoffs import handoff_accept, handoff_approve, handoff_decline, handoff_withdraw
from common.errors import ValidationFailed
from web.forms import BridgeForm, HandoffAcceptForm, HandoffDeclineForm
from web.http import WebRequest, case_work, redirect_after
from web.selectors import HandoffItem, colleagues, handoff_desk, handoff_item


def _forms_for(item: HandoffItem, members: list[User]) -> tuple[HandoffAcceptForm, HandoffDeclineForm]:
    prefix = f"handoff-{item.handoff.pk}-%s"
    return HandoffAcceptForm(members=members, auto_id=prefix), HandoffDeclineForm(auto_id=prefix)


@case_work
@require_GET
def desk(request: WebRequest) -> HttpResponse:
    handoffs = handoff_desk(user=request.user)
    members = colleagues(user=request.user) if any(item.may_answer for item in handoffs.incoming) else []
    incoming = [(item, *_forms_for(item, members)) for item in handoffs.incoming]
    to_approve = [(item, *_forms_for(item, [])) for item in handoffs.to_approve]
    context = {"desk": handoffs, "incoming": incoming, "to_approve": to_approve, "page": "handoffs"}
    return render(request, "web/handoffs.html", context)


# The lists of the desk a handoff is answered from (the row's forms say which).
DESK_LISTS = frozenset({"incoming", "approval", "outgoing"})


def _desk_list(request: WebRequest) -> str:
    """The desk list the answered row was in, or "" when it was answered elsewhere (its own page)."""
    desk_list = request.POST.get("desk_list", "")
    return desk_list if request.htmx and desk_list in DESK_LISTS else ""


def _row(
    request: WebRequest,
    handoff_id: uuid.UUID,
    *,
    status: int = 200,
    notice: str = "",
    accept_form: BridgeForm | None = None,
    decline_form: BridgeForm | None = None,
) -> HttpResponse:
    handoff = get_handoff_for_user(user=request.user, handoff_id=handoff_id)
    item = handoff_item(user=request.user, handoff=handoff)
    default_accept, default_decline = _forms_for(
        item, colleagues(user=request.user) if item.may_answer else []
    )
    context = {
        "item": item,
        "accept_form": accept_form or default_accept,
        "decline_form": decline_form or default_decline,
        "notice": notice,
        "on_desk": _desk_list(request),
    }
    template = "web/partials/handoff_row.html" if request.htmx else "web/handoff.html"
    return render(request, template, {**context, "page": "handoffs"}, status=status)


def _left_the_desk_list(
    request: WebRequest, handoff_id: uuid.UUID, *, desk_list: str, notice: str
) -> HttpResponse:
    """What replaces a handoff answered on the desk: what happened and a link to the work, with the
    count of the list it left and the "Answered and closed" list updated out of band."""
    handoff = get_handoff_for_user(user=request.user, handoff_id=handoff_id)
    desk = handoff_desk(user=request.user)
    remaining = {"incoming": desk.incoming, "approval": desk.to_approve, "outgoing": desk.outgoing}
    context = {
        "item": handoff_item(user=request.user, handoff=handoff),
        "notice": notice,
        "desk_list": desk_list,
        "remaining": len(remaining[desk_list]),
        "past": desk.past,
    }
    return render(request, "web/partials/handoff_answered.html", context)


@case_work
@require_GET
def handoff_page(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    return _row(request, handoff_id)


def _answered(request: WebRequest, handoff_id: uuid.UUID, notice: str) -> HttpResponse:
    if desk_list := _desk_list(request):
        return _left_the_desk_list(request, handoff_id, desk_list=desk_list, notice=notice)
    if request.htmx:
        return _row(request, handoff_id, notice=notice)
    messages.success(request, notice)
    return redirect_after(request, reverse("web:handoffs"))


@case_work
@require_POST
def accept(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    handoff = get_handoff_for_user(user=request.user, handoff_id=handoff_id)
    form = HandoffAcceptForm(
        request.POST, members=colleagues(user=request.user), auto_id=f"handoff-{handoff_id}-%s"
    )
    if form.is_valid():
        try:
            handoff_accept(
                actor=request.user,
                handoff=handoff,
                assignee=form.chosen_assignee(),
                note=form.cleaned_data["note"],
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            return _answered(request, handoff_id, _("Accepted. The work is your agency's now."))
    return _row(request, handoff_id, status=400, accept_form=form)


@case_work
@require_POST
def decline(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    handoff = get_handoff_for_user(user=request.user, handoff_id=handoff_id)
    form = HandoffDeclineForm(request.POST, auto_id=f"handoff-{handoff_id}-%s")
    if form.is_valid():
        try:
            handoff_decline(actor=request.user, handoff=handoff, reason=form.cleaned_data["reason"])
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            return _answered(request, handoff_id, _("Declined. The sending agency has been told why."))
    return _row(request, handoff_id, status=400, decline_form=form)


@case_work
@require_POST
def approve(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    handoff = handoff_approve(
        actor=request.user, handoff=get_handoff_for_user(user=request.user, handoff_id=handoff_id)
    )
    return _answered(
        request,
        handoff_id,
        _("Approved. %(agency)s is asked to answer now.") % {"agency": handoff.to_agency.name},
    )


@case_work
@require_POST
def withdraw(request: WebRequest, handoff_id: uuid.UUID) -> HttpResponse:
    handoff = get_handoff_for_user(user=request.user, handoff_id=handoff_id)
    handoff_withdraw(actor=request.user, handoff=handoff)
    return _answered(request, handoff_id, _("Withdrawn. The task stays with your agency."))
