"""Who takes part in a case and what each agency may read: participants, the case team, section
grants and consents; and, for the lead agency's supervisors, the history of disclosures."""

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.models import Agency, AgencyKind
from audit.services import COPY_EVENT_PREFIX
from casework.access import (
    Action,
    CaseAccess,
    DisclosureBasis,
    case_team,
    consent_capacities_ruled_out,
    consents_visible,
    copies_taken,
    disclosure_history,
    get_case_access,
    grants_visible,
    participants_visible,
    tasks_waiting_for,
)
from casework.models import Consent, GrantBasis, GrantEndReason
from casework.sections import Section
from casework.services.breakglass import break_glass_open
from casework.services.sharing import (
    consent_record,
    consent_revoke,
    grant_create,
    grant_revoke,
    participant_invite,
    team_member_add,
)
from common.errors import NotFound, ValidationFailed
from common.times import format_when
from documents.models import AttachedKind
from documents.services import consent_document_section
from web.forms import BreakGlassForm, BridgeForm, ConsentForm, GrantForm, InviteForm, TeamMemberForm
from web.http import WebRequest, case_work
from web.selectors import colleagues, other_agencies
from web.views.cases import case_context, emergency_sections
from web.views.documents import add_document_url, attached_documents

GRANTS_SHOWN = 200
BASIS_LABELS = {
    **dict(GrantBasis.choices),
    DisclosureBasis.BREAK_GLASS: gettext_lazy("Break-glass (emergency)"),
}
END_LABELS = dict(GrantEndReason.choices)


def _section_name(section: str) -> str:
    """A section's name inside a sentence ("the identity section"), in the reader's language."""
    return str(Section(section).label).lower()


def _require_sharing(access: CaseAccess) -> None:
    access.require(Action.SEE_SHARING)


def _active_consents(consents: list[Consent]) -> list[Consent]:
    return [consent for consent in consents if consent.revoked_at is None]


def _sharing_page(
    request: WebRequest, access: CaseAccess, *, status: int = 200, **bound: BridgeForm
) -> HttpResponse:
    """The sharing tab, with any form the reader just posted shown with its errors."""
    user = access.user
    participants = list(
        participants_visible(access=access).select_related("agency").order_by("joined_at", "pk")
    )
    participating = {participant.agency_id for participant in participants}
    partners = [p.agency for p in participants if p.agency_id != user.agency_id]
    directory: list[Agency] = other_agencies(user=user)
    context: dict[str, Any] = {}
    if access.may_invite:
        context["invite_form"] = bound.get("invite") or InviteForm(
            agencies=[agency for agency in directory if agency.pk not in participating]
        )
        context["waiting"] = [
            (AgencyKind(kind).label.lower(), count) for kind, count in tasks_waiting_for(access=access)
        ]
    if access.may_manage_team:
        team = case_team(access=access)
        on_team = {member.pk for member in team}
        context["team"] = team
        context["team_form"] = bound.get("team") or TeamMemberForm(
            members=[member for member in colleagues(user=user) if member.pk not in on_team]
        )
    consents: list[Consent] = []
    if access.may_handle_consents:
        consents = list(
            consents_visible(access=access)
            .select_related("recipient_agency", "recorded_by")
            .order_by("-created_at", "pk")
        )
        attached = attached_documents(access=access, kind=AttachedKind.CONSENT)
        for consent in consents:
            consent.signed_forms = attached.get(consent.pk, [])  # type: ignore[attr-defined]
            consent.add_document_url = add_document_url(  # type: ignore[attr-defined]
                access=access,
                kind=AttachedKind.CONSENT,
                record_id=consent.pk,
                section=consent_document_section(consent),
            )
        context["consents"] = consents
        context["revocable_consents"] = {
            consent.pk for consent in consents if access.may_revoke_consent(consent)
        }
        ruled_out = consent_capacities_ruled_out(case=access.case)
        context["consents_ruled_out"] = {
            consent.pk for consent in consents if consent.signer_capacity in ruled_out
        }
        context["consent_form"] = bound.get("consent") or ConsentForm(
            agencies=directory, sections=access.consent_sections
        )
    if access.may_view_grants:
        grants = (
            grants_visible(access=access)
            .select_related("agency", "consent", "granted_by")
            .order_by("ended_at", "section", "agency__name", "pk")
        )
        context["grants"] = list(grants[:GRANTS_SHOWN])
        context["revocable"] = {grant.pk for grant in context["grants"] if access.may_revoke_grant(grant)}
        context["grant_form"] = bound.get("grant") or GrantForm(
            agencies=partners, sections=sorted(access.grantable_sections), consents=_active_consents(consents)
        )
    context = case_context(access, tab="sharing", all_participants=participants, **context)
    return render(request, "web/case_sharing.html", context, status=status)


@case_work
@require_GET
def sharing(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    _require_sharing(access)
    return _sharing_page(request, access)


def _done(request: WebRequest, access: CaseAccess, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("web:case-sharing", case_id=access.case.pk)


@case_work
@require_POST
def invite(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    access.require(Action.INVITE)
    form = InviteForm(request.POST, agencies=other_agencies(user=request.user))
    if form.is_valid():
        try:
            participant_invite(actor=request.user, case=access.case, agency=form.chosen_agency())
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            return _done(
                request,
                access,
                _("%(agency)s now takes part in the case.") % {"agency": form.chosen_agency().name},
            )
    return _sharing_page(request, access, status=400, invite=form)


@case_work
@require_POST
def team_add(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    access.require(Action.MANAGE_TEAM)
    form = TeamMemberForm(request.POST, members=colleagues(user=request.user))
    if form.is_valid():
        try:
            team_member_add(actor=request.user, case=access.case, member=form.chosen_member())
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            return _done(request, access, _("Added to the case team."))
    return _sharing_page(request, access, status=400, team=form)


@case_work
@require_POST
def grant_add(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    access.require(Action.VIEW_GRANTS)
    partners = [
        p.agency
        for p in participants_visible(access=access).select_related("agency")
        if p.agency_id != request.user.agency_id
    ]
    consents = _active_consents(list(consents_visible(access=access).select_related("recipient_agency")))
    form = GrantForm(
        request.POST, agencies=partners, sections=sorted(access.grantable_sections), consents=consents
    )
    if form.is_valid():
        try:
            grant = grant_create(
                actor=request.user,
                case=access.case,
                agency=form.chosen_agency(),
                section=form.cleaned_data["section"],
                consent=form.chosen_consent(),
                expires_at=form.cleaned_data["expires_at"],
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            return _done(
                request,
                access,
                _("%(agency)s may now read the %(section)s section.")
                % {"agency": grant.agency.name, "section": _section_name(grant.section)},
            )
    return _sharing_page(request, access, status=400, grant=form)


@case_work
@require_POST
def grant_end(request: WebRequest, case_id: uuid.UUID, grant_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    access.require(Action.VIEW_GRANTS)
    grant = grants_visible(access=access).filter(pk=grant_id).first()
    if grant is None:
        raise NotFound()
    grant_revoke(actor=request.user, grant=grant)
    return _done(request, access, _("Access revoked."))


@case_work
@require_POST
def consent_add(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    access.require(Action.HANDLE_CONSENTS)
    form = ConsentForm(
        request.POST, agencies=other_agencies(user=request.user), sections=access.consent_sections
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            consent_record(
                actor=request.user,
                case=access.case,
                recipient_agency=form.chosen_agency(),
                sections=data["sections"],
                purpose=data["purpose"],
                signed_by=data["signed_by"],
                signer_capacity=data["signer_capacity"],
                explained_in=data["explained_in"],
                interpreter=data["interpreter"],
                signed_on=data["signed_on"],
                expires_on=data["expires_on"],
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            return _done(request, access, _("Consent recorded. You can now grant the sections it names."))
    return _sharing_page(request, access, status=400, consent=form)


@case_work
@require_POST
def consent_end(request: WebRequest, case_id: uuid.UUID, consent_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    access.require(Action.HANDLE_CONSENTS)
    consent = consents_visible(access=access).filter(pk=consent_id).first()
    if consent is None:
        raise NotFound()
    consent_revoke(actor=request.user, consent=consent)
    return _done(request, access, _("Consent revoked; the access it allowed has ended."))


# What each kind of copy (`audit.services.audit_copy_made`) is called on the disclosure history.
COPY_KINDS = {
    "document_download": gettext_lazy("Document download"),
    "case_summary": gettext_lazy("Case summary (PDF)"),
    "case_list": gettext_lazy("Case list export"),
}
COPIES_SHOWN = 200


@case_work
@require_GET
def disclosures(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    """For the lead agency's supervisors: which agency was given which section, when, on what
    basis (joining, a steward's grant, a consent, break-glass), and when that ended; and the
    copies of the case's data people took out of Bridge, with their purpose."""
    access = get_case_access(user=request.user, case_id=case_id)
    history = [
        (
            disclosure,
            BASIS_LABELS.get(disclosure.basis, disclosure.basis),
            END_LABELS.get(disclosure.end_reason, ""),
        )
        for disclosure in reversed(disclosure_history(access=access))
    ]
    copies = [
        (record, COPY_KINDS.get(record.event_type.removeprefix(COPY_EVENT_PREFIX), record.event_type))
        for record in copies_taken(access=access)[:COPIES_SHOWN]
    ]
    context = case_context(
        access, tab="disclosures", history=history, copies=copies, copies_limit=COPIES_SHOWN
    )
    return render(request, "web/case_disclosures.html", context)


@case_work
@require_http_methods(["GET", "POST"])
def break_glass(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    """A supervisor opens, in an emergency, a section their agency holds no grant for. Section
    names the reader may not read appear on this page only, never on the case's other pages."""
    access = get_case_access(user=request.user, case_id=case_id)
    sections = emergency_sections(access)
    access.require(Action.BREAK_GLASS)
    form = BreakGlassForm(request.POST or None, sections=sections)
    if request.method == "POST" and form.is_valid():
        try:
            opening = break_glass_open(
                actor=request.user,
                case=access.case,
                section=form.cleaned_data["section"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.warning(
                request,
                _(
                    "Emergency access to the %(section)s section until %(until)s. "
                    "It is recorded and the stewards have been told."
                )
                % {"section": _section_name(opening.section), "until": format_when(opening.expires_at)},
            )
            return redirect("web:case-section", case_id=case_id, section=opening.section)
    status = 400 if request.method == "POST" else 200
    context = case_context(access, tab="break-glass", form=form, hours=settings.BRIDGE_BREAK_GLASS_HOURS)
    return render(request, "web/case_break_glass.html", context, status=status)
