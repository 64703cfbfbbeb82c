"""Break-glass: a supervisor opens a section their agency holds no grant for, when a child is in
danger. The opening lasts BRIDGE_BREAK_GLASS_HOURS, is written to the audit log, and the lead
agency's supervisors and the section's stewards hear about it at once."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, Role, User
from audit.models import Outcome
from audit.services import audit_record
from casework.access import Action, CaseAccess, active_break_glass_filter, agency_stewards, case_access
from casework.models import BreakGlass, Case
from casework.sections import DATA_SECTIONS, Section
from casework.timeline import timeline_record
from common.errors import Conflict, ValidationFailed
from common.inputs import choice_errors, text_errors
from common.times import format_when
from notifications.services import notify

# Input contract of `break_glass_open`.
BREAK_GLASS_SECTION_CHOICES = [(section, Section(section).label) for section in DATA_SECTIONS]
REASON_MAX_LENGTH = 2_000
REASON_BLANK = "Explain why the child is in danger and why this section is needed."


def _steward_agencies(*, case: Case, section: str) -> list[Agency]:
    participants = Agency.objects.filter(participations__case=case).order_by("pk")
    return [agency for agency in participants if agency_stewards(agency=agency, case=case, section=section)]


def _recipients(*, case: Case, stewards: list[Agency], actor: User) -> list[User]:
    lead_supervisors = User.objects.filter(
        agency_id=case.lead_agency_id, role=Role.SUPERVISOR, is_active=True
    )
    steward_people = User.objects.filter(
        agency__in=stewards, role__in=(Role.LIAISON, Role.SUPERVISOR), is_active=True
    )
    return [person for person in (lead_supervisors | steward_people).distinct() if person.pk != actor.pk]


def _opening_errors(*, section: str, reason: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if problems := choice_errors(section, DATA_SECTIONS):
        errors["section"] = problems
    if problems := text_errors(reason, max_length=REASON_MAX_LENGTH, blank=REASON_BLANK):
        errors["reason"] = problems
    return errors


def _open(*, access: CaseAccess, actor: User, section: str, reason: str) -> BreakGlass:
    """The opening, and its audit record."""
    opened_at = timezone.now()
    opening = BreakGlass.objects.create(
        case=access.case,
        section=section,
        agency=access.agency,
        opened_by=actor,
        reason=reason,
        opened_at=opened_at,
        expires_at=opened_at + timedelta(hours=settings.BRIDGE_BREAK_GLASS_HOURS),
    )
    audit_record(
        event_type="break_glass.opened",
        outcome=Outcome.SUCCESS,
        user=actor,
        object_type="break_glass",
        object_id=str(opening.pk),
        case_id=access.case.pk,
        section=section,
        detail={"case_number": access.case.number, "expires_at": opening.expires_at.isoformat()},
    )
    return opening


def _announce(*, opening: BreakGlass, access: CaseAccess, actor: User) -> None:
    """Tell the lead agency's supervisors and the section's stewards at once, on the timeline and in
    their inboxes; the reason itself stays in the access log."""
    case, section = access.case, opening.section
    stewards = _steward_agencies(case=case, section=section)
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
        recipients=_recipients(case=case, stewards=stewards, actor=actor),
        kind="break_glass_opened",
        case=case,
        message=(
            f"Break-glass on case {case.number}: a supervisor of {access.agency.name} opened the"
            f" {section} section at {format_when(opening.opened_at)},"
            f" until {format_when(opening.expires_at)}."
            " The reason is in the case's access log."
        ),
    )


@transaction.atomic
def break_glass_open(*, actor: User, case: Case, section: str, reason: str) -> BreakGlass:
    access = case_access(user=actor, case=case)
    errors = _opening_errors(section=section, reason=reason)
    if errors:
        raise ValidationFailed("Break-glass needs a known section and a written reason.", fields=errors)
    if section in access.readable:
        raise Conflict(f"You can already read the {section} section.")
    access.require(Action.BREAK_GLASS, section=section)
    if BreakGlass.objects.filter(active_break_glass_filter(user=actor), case=case, section=section).exists():
        raise Conflict(f"You already have break-glass access to the {section} section.")
    opening = _open(access=access, actor=actor, section=section, reason=reason.strip())
    _announce(opening=opening, access=access, actor=actor)
    return opening
