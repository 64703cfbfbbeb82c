"""The consent form of a recorded consent, printed for the child and guardian in the language it
was explained in (or any of Bridge's languages): who receives what, for what purpose, until when,
how to take it back, and the signature and interpreter lines. Printing it is a copy of the consent
record: it is audited and listed in the case's disclosure history."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from agencies.models import User
from audit.services import audit_copy_made
from casework.access import Action, consents_visible, get_case_access
from casework.access.policy import parse_id
from casework.sections import Section
from common.errors import NotFound, ValidationFailed
from exports.pdf import pdf_from_html
from exports.services import CONFIDENTIAL_NOTICE, CONTENT_TYPES, ExportFile

LANGUAGES = dict(settings.LANGUAGES)


def consent_form_pdf(*, actor: User, case_id: object, consent_id: object, language: str) -> ExportFile:
    """The printable form of a consent `actor` may handle on the case (the agencies that record
    and revoke consents for its sections); a consent of sections their agency does not steward
    answers as one that does not exist."""
    if language not in LANGUAGES:
        message = _("Choose one of Bridge's languages: %(languages)s.") % {"languages": ", ".join(LANGUAGES)}
        raise ValidationFailed(message, fields={"language": [message]})
    access = get_case_access(user=actor, case_id=case_id)
    # Consents are the stewards' of their sections to record, read and revoke (as the list).
    access.require(Action.HANDLE_CONSENTS)
    consent = (
        consents_visible(access=access)
        .select_related("recipient_agency", "recorded_by_agency")
        .filter(pk=parse_id(consent_id))
        .first()
    )
    if consent is None:
        raise NotFound(_("Not found."))
    with translation.override(language):
        html = render_to_string(
            "exports/consent_form.html",
            {
                "case": access.case,
                "consent": consent,
                "section_names": [Section(section).label for section in consent.sections],
                "confidential_notice": CONFIDENTIAL_NOTICE,
                "language_code": language,
            },
        )
    content = pdf_from_html(html)
    with transaction.atomic():
        audit_copy_made(
            user=actor,
            kind="consent_form",
            cases=[access.case],
            sections=[Section.CORE],
            purpose=_("Consent form printed for the child and guardian"),
            object_type="consent",
            object_id=str(consent.pk),
            detail={"language": language},
        )
    return ExportFile(f"consent-form-{access.case.number}-{language}.pdf", CONTENT_TYPES["pdf"], content)
