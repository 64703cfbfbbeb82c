from django.db import transaction

from agencies.models import User
from casework.access import Action, case_access
from casework.models import Case, Note
from casework.sections import Section
from casework.timeline import timeline_record
from common.errors import ValidationFailed

NOTE_MAX_LENGTH = 20_000


@transaction.atomic
def note_add(*, actor: User, case: Case, section: str, body: str) -> Note:
    """Add a note to a section the actor's agency may add notes to (`CaseAccess.may_add_note`); it is
    shown only to readers of that section."""
    access = case_access(user=actor, case=case)
    if section not in Section.values:
        raise ValidationFailed(
            "Unknown section.", fields={"section": [f"Must be one of: {', '.join(Section.values)}."]}
        )
    access.require(Action.ADD_NOTE, section=section)
    body = body.strip()
    if not body:
        raise ValidationFailed("The note is empty.", fields={"body": ["This field may not be blank."]})
    if len(body) > NOTE_MAX_LENGTH:
        raise ValidationFailed(
            "The note is too long.", fields={"body": [f"At most {NOTE_MAX_LENGTH} characters."]}
        )
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
