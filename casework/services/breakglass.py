"""Break-glass: a supervisor opens a section their agency holds no grant for, when a child is in
danger. The opening lasts BRIDGE_BREAK_GLASS_HOURS, is written to the audit log, and the lead
agency's supervisors and the section's stewards hear about it at once."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, User
from audit.models import Outcome
from audit.services import audit_record
from casework.access import Action, active_break_glass_filter, agency_stewards, case_access
from casework.audience import break_glass_recipients
from casework.models import BreakGlass, Case
from casework.sections import DATA_SECTIONS
from casework.timeline import timeline_record
from common.errors import Conflict, ValidationFailed
from common.times import format_when
from notifications.services import notify

REASON_MAX_LENGTH = 2000


def _steward_agencies(*, case: Case, section: str) -> list[Agency]:
    participants = Agency.objects.filter(participations__case=case).order_by("pk")
    return [agency for agency in participants if agency_stewards(agency=agency, case=case, section=section)]


@transaction.atomic
def break_glass_open(*, actor: User, case: Case, section: str, reason: str) -> BreakGlass:
    access = case_access(user=actor, case=case)
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if section not in DATA_SECTIONS:
        errors["section"] = [f"Must be one of: {', '.join(DATA_SECTIONS)}."]
    if not reason:
        errors["reason"] = ["Explain why the child is in danger and why this section is needed."]
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [f"At most {REASON_MAX_LENGTH} characters."]
    if errors:
        raise ValidationFailed("Break-glass needs a known section and a written reason.", fields=errors)
    if section in access.readable:
        raise Conflict(f"You can already read the {section} section.")
    access.require(Action.BREAK_GLASS, section=section)
    if BreakGlass.objects.filter(active_break_glass_filter(user=actor), case=case, section=section).exists():
        raise Conflict(f"You already have break-glass access to the {section} section.")

    opened_at = timezone.now()
    opening = BreakGlass.objects.create(
        case=case,
        section=section,
        agency=access.agency,
        opened_by=actor,
        reason=reason,
        opened_at=opened_at,
        expires_at=opened_at + timedelta(hours=settings.BRIDGE_BREAK_GLASS_HOURS),
    )
    stewards = _steward_agencies(case=case, section=section)
    audit_record(
        event_type="break_glass.opened",
        outcome=Outcome.SUCCESS,
        user=actor,
        object_type="break_glass",
        object_id=str(opening.pk),
        case_id=case.pk,
        section=section,
        detail={"case_number": case.number, "expires_at": opening.expires_at.isoformat()},
    )
    timeline_record(
        case=case,
        kind="break_glass_opened",
        summary=(
            f"Break-glass: a supervisor of {access.agency.name} opened the {section} section"
            f" until {format_when(opening.expires_at)}."
        ),
        actor=actor,
        agencies={case.lead_agency_id, access.agency.pk, *(agency.pk for agency in stewards)},
        data={"break_glass": str(opening.pk), "section": section},
    )
    notify(
        recipients=break_glass_recipients(case=case, stewards=stewards, actor=actor),
        kind="break_glass_opened",
        case=case,
        message=(
            f"Break-glass on case {case.number}: a supervisor of {access.agency.name} opened the"
            f" {section} section at {format_when(opened_at)}, until {format_when(opening.expires_at)}."
            " The reason is in the case's access log."
        ),
    )
    return opening
