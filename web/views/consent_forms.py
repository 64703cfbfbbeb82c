"""The printable consent form of a recorded consent, in the language the family reads."""

import uuid

from django.http import HttpResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from exports.consent_forms import consent_form_pdf
from web.http import WebRequest, case_work
from web.views.exports import file_response


@case_work
@require_GET
def consent_form(request: WebRequest, case_id: uuid.UUID, consent_id: uuid.UUID) -> HttpResponse:
    language = request.GET.get("language") or translation.get_language()
    exported = consent_form_pdf(actor=request.user, case_id=case_id, consent_id=consent_id, language=language)
    return file_response(exported)
