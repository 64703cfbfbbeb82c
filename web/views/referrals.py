"""Referral pages: the desk ("Referrals" next to "Handoffs"), a case's Referrals tab with the form
to send one, and the page of one referral where the provider answers and records its service.
What a page shows is the API's: the headline to the agencies involved, the details (sessions,
outcome reason, hand-over note) to readers of the referral's section only."""

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import audit_case_read
from casework.access import (
    Action,
    CaseAccess,
    get_case_access,
    handoffs_visible_to,
    may_answer_handoff,
    may_withdraw_handoff,
)
from casework.models import HANDOFF_OPEN_STATUSES, HandoffStatus
from casework.sections import Section
from common.errors import NotFound, StaleVersion, ValidationFailed
from documents.models import AttachedKind
from referrals.models import REFERRAL_STATE_CHOICES, REFERRAL_STATES, Referral, ReferralOutcome
from referrals.selectors import (
    filter_by_direction_and_state,
    get_referral_for_user,
    providers_for,
    referral_access,
    referrals_on_case,
    referrals_visible_to,
    service_types_offered,
    sessions_of,
)
from referrals.services import (
    referral_accept,
    referral_decline,
    referral_handover_note_set,
    referral_outcome_record,
    referral_send,
    referral_session_record,
    referral_withdraw,
)
from web.forms import BridgeForm
from web.http import WebRequest, case_work
from web.referrals_forms import (
    ReferralDeclineForm,
    ReferralHandoverForm,
    ReferralOutcomeForm,
    ReferralSendForm,
    ReferralSessionForm,
)
from web.views.cases import case_context
from web.views.documents import add_document_url, attached_documents

DESK_ROWS = 100
DIRECTIONS = {"incoming": gettext_lazy("To your agency"), "sent": gettext_lazy("Sent by your agency")}


@case_work
@require_GET
def desk(request: WebRequest) -> HttpResponse:
    direction = request.GET.get("direction", "")
    state = request.GET.get("state", "")
    direction = direction if direction in DIRECTIONS else ""
    state = state if state in REFERRAL_STATES else ""
    rows = list(
        filter_by_direction_and_state(
            referrals_visible_to(user=request.user),
            agency_id=request.user.agency_id or 0,
            direction=direction,
            state=state,
        ).order_by("-created_at", "id")[:DESK_ROWS]
    )
    agency_id = request.user.agency_id
    context = {
        "page": "referrals",
        "awaiting": [
            r for r in rows if r.provider_id == agency_id and r.handoff.status == HandoffStatus.PENDING
        ],
        "incoming": [
            r for r in rows if r.provider_id == agency_id and r.handoff.status != HandoffStatus.PENDING
        ],
        "sent": [r for r in rows if r.from_agency_id == agency_id],
        "others": [r for r in rows if agency_id not in (r.provider_id, r.from_agency_id)],
        "direction": direction,
        "state": state,
        "directions": DIRECTIONS,
        "states": REFERRAL_STATE_CHOICES,
    }
    return render(request, "web/referrals.html", context)


def _send_form(request: WebRequest, data: Any = None) -> ReferralSendForm:
    return ReferralSendForm(
        data,
        service_types=service_types_offered(),
        providers=providers_for(agency_id=request.user.agency_id),
    )


def _case_page(
    request: WebRequest, access: CaseAccess, *, form: ReferralSendForm | None, status: int = 200
) -> HttpResponse:
    referrals = list(referrals_on_case(access=access))
    context = case_context(
        access,
        tab="referrals",
        referrals=referrals,
        send_form=(form or _send_form(request)) if access.may(Action.REFER) else None,
    )
    return render(request, "web/case_referrals.html", context, status=status)


@case_work
@require_http_methods(["GET", "POST"])
def case_referrals(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    if request.method == "GET":
        return _case_page(request, access, form=None)
    access.require(Action.REFER)
    form = _send_form(request, request.POST)
    if form.is_valid():
        try:
            referral = referral_send(actor=request.user, case=access.case, **form.chosen())
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, _("Referral sent."))
            return redirect("web:referral", referral_id=referral.pk)
    return _case_page(request, access, form=form, status=400)


def _referral_page(
    request: WebRequest, referral: Referral, *, bound: dict[str, BridgeForm] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    access = referral_access(user=user, referral=referral)
    shows_details = access is not None and access.may_read(referral.section)
    if shows_details and access is not None and referral.section != Section.CORE:
        audit_case_read(access=access, sections={referral.section}, view="referral")
    handoff = referral.handoff
    provider_member = user.agency_id == referral.provider_id
    records_service = (
        provider_member
        and referral.accepted
        and referral.outcome == ReferralOutcome.ONGOING
        and shows_details
    )
    forms: dict[str, Any] = {
        "decline_form": ReferralDeclineForm()
        if handoff.status == HandoffStatus.PENDING and may_answer_handoff(user=user, handoff=handoff)
        else None,
        "session_form": ReferralSessionForm() if records_service else None,
        "outcome_form": ReferralOutcomeForm() if records_service else None,
        "handover_form": ReferralHandoverForm(
            initial={"handover_note": referral.handover_note, "version": referral.version}
        )
        if records_service
        else None,
    }
    forms.update(bound or {})
    context = {
        "page": "referrals",
        "referral": referral,
        "shows_details": shows_details,
        "sessions": list(sessions_of(referral=referral)) if shows_details else [],
        "documents": attached_documents(access=access, kind=AttachedKind.REFERRAL).get(referral.pk, [])
        if shows_details and access is not None
        else [],
        "add_document_url": add_document_url(
            access=access, kind=AttachedKind.REFERRAL, record_id=referral.pk, section=referral.section
        )
        if shows_details and access is not None
        else None,
        "may_withdraw": handoff.status in HANDOFF_OPEN_STATUSES
        and may_withdraw_handoff(user=user, handoff=handoff),
        "case_visible": access is not None,
        # The lead agency's liaisons approve a provider not on the case from the handoff's page.
        "handoff_visible": handoffs_visible_to(user=user).filter(pk=handoff.pk).exists(),
        **forms,
    }
    return render(request, "web/referral.html", context, status=status)


@case_work
@require_GET
def referral(request: WebRequest, referral_id: uuid.UUID) -> HttpResponse:
    return _referral_page(request, get_referral_for_user(user=request.user, referral_id=referral_id))


ACTIONS = frozenset({"accept", "decline", "withdraw", "session", "outcome", "handover"})


@case_work
@require_POST
def referral_act(request: WebRequest, referral_id: uuid.UUID, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise NotFound()
    found = get_referral_for_user(user=request.user, referral_id=referral_id)
    form: BridgeForm | None = None
    done = ""
    try:
        if action == "accept":
            referral_accept(actor=request.user, referral=found)
            done = _("Referral accepted: your agency now takes part in the case.")
        elif action == "withdraw":
            referral_withdraw(actor=request.user, referral=found)
            done = _("Referral withdrawn.")
        elif action == "decline":
            form = ReferralDeclineForm(request.POST)
            if form.is_valid():
                referral_decline(actor=request.user, referral=found, reason=form.cleaned_data["reason"])
                done = _("Referral declined.")
        elif action == "session":
            form = ReferralSessionForm(request.POST)
            if form.is_valid():
                referral_session_record(actor=request.user, referral=found, **form.cleaned_data)
                done = _("Recorded.")
        elif action == "outcome":
            form = ReferralOutcomeForm(request.POST)
            if form.is_valid():
                referral_outcome_record(actor=request.user, referral=found, **form.cleaned_data)
                done = _("Outcome recorded.")
        else:
            form = ReferralHandoverForm(request.POST)
            if form.is_valid():
                referral_handover_note_set(
                    actor=request.user,
                    referral=found,
                    note=form.cleaned_data["handover_note"] or "",
                    expected_version=form.cleaned_data["version"],
                )
                done = _("Hand-over note saved.")
    except ValidationFailed as error:
        if form is None:
            raise
        form.add_service_errors(error.message, error.fields)
    except StaleVersion as error:
        if form is None:
            raise
        form.add_error(None, error.message)
    if done:
        messages.success(request, done)
        return redirect("web:referral", referral_id=referral_id)
    assert form is not None
    return _referral_page(request, found, bound={f"{action}_form": form}, status=400)
