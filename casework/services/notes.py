from django.db import transaction
from django.utils.translation import gettext as _

from agencies.models import User
from casework.access import Action, get_case_access
from casework.models import Case, Note
from casework.sections import Section
from casework.timeline import timeline_record
from common.errors import ValidationFailed
from common.inputs import choice_errors, text_errors

# Input contract of `note_add`.
NOTE_MAX_LENGTH = 20_000
NOTE_SECTION_CHOICES = Section.choices


@transaction.atomic
def note_add(*, actor: User, case: Case, section: str, body: str) -> Note:
    """Add a note to a section the actor's agency may add notes to (`CaseAccess.may_add_note`); it is
    shown only to readers of that section."""
    access = get_case_access(user=actor, case_id=case.pk)
    if problems := choice_errors(section, Section.values):
        raise ValidationFailed(_("Unknown section."), fields={"section": problems})
    access.require(Action.ADD_NOTE, section=section)
    if problems := text_errors(body, max_length=NOTE_MAX_LENGTH):
        raise ValidationFailed(_("The note could not be added."), fields={"body": problems})
    body = body.strip()
    assert actor.agency is not None
    note = Note.objects.create(case=case, section=section, body=body, author=actor, agency=actor.agency)
    timeline_record(
        case=case,
        kind="note_added",
        summary=f"Note added by {actor.agency.name}.",
        actor=actor,
        section=section,
        data={"note": str(note.pk)},
    )
    return note
