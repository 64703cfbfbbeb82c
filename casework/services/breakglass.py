"""Break-glass: a supervisor opens a section their agency holds no grant for, when a child is in
danger. The opening lasts BRIDGE_BREAK_GLASS_HOURS, is written to the audit log, and the lead
agency's supervisors and the section's stewards hear about it at once."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency, User
from audit.models import Outcome
from audit.services import audit_record
from casework.access import (
    Action,
    CaseAccess,
    active_break_glass_filter,
    agency_stewards,
    get_case_access,
)
from casework.access.audience import break_glass_recipients
from casework.models import BreakGlass, Case
from casework.sections import DATA_SECTIONS, Section, section_in_sentence, section_in_sentence_lazy
from casework.timeline import in_english, timeline_record
from common.errors import Conflict, ValidationFailed
from common.i18n import Message
from common.inputs import choice_errors, text_errors
from common.times import format_when_lazy
from notifications.services import notify

# Input contract of `break_glass_open`.
BREAK_GLASS_SECTION_CHOICES = [(section, Section(section).label) for section in DATA_SECTIONS]
REASON_MAX_LENGTH = 2_000
REASON_BLANK = gettext_lazy("Explain why the child is in danger and why this section is needed.")


def _steward_agencies(*, case: Case, section: str) -> list[Agency]:
    participants = Agency.objects.filter(participations__case=case).order_by("pk")
    return [agency for agency in participants if agency_stewards(agency=agency, case=case, section=section)]


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
            f" until {in_english(format_when_lazy(opening.expires_at))}."
        ),
        actor=actor,
        agencies={case.lead_agency_id, access.agency.pk, *(agency.pk for agency in stewards)},
        data={"break_glass": str(opening.pk), "section": section},
    )
    notify(
        recipients=break_glass_recipients(case=case, stewards=stewards, actor=actor),
        kind="break_glass_opened",
        case=case,
        message=Message(
            gettext_lazy(
                "Break-glass on case %(number)s: a supervisor of %(agency)s opened the "
                "%(section)s section at "
                "%(opened)s, until %(expires)s. The reason is in the case's access log."
            ),
            number=case.number,
            agency=access.agency.name,
            section=section_in_sentence_lazy(section),
            opened=format_when_lazy(opening.opened_at),
            expires=format_when_lazy(opening.expires_at),
        ),
    )


@transaction.atomic
def break_glass_open(*, actor: User, case: Case, section: str, reason: str) -> BreakGlass:
    access = get_case_access(user=actor, case_id=case.pk)
    errors = _opening_errors(section=section, reason=reason)
    if errors:
        raise ValidationFailed(_("Break-glass needs a known section and a written reason."), fields=errors)
    if section in access.readable:
        raise Conflict(
            _("You can already read the %(section)s section.") % {"section": section_in_sentence(section)}
        )
    access.require(Action.BREAK_GLASS, section=section)
    if BreakGlass.objects.filter(active_break_glass_filter(user=actor), case=case, section=section).exists():
        raise Conflict(
            _("You already have break-glass access to the %(section)s section.")
            % {"section": section_in_sentence(section)}
        )
    opening = _open(access=access, actor=actor, section=section, reason=reason.strip())
    _announce(opening=opening, access=access, actor=actor)
    return opening
