"""The consent form, printed for the child and guardian in the language they read: the consent's
details, their rights, the signature and interpreter lines; only for agencies that handle the
consent, and audited as a copy."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditRecord
from casework.services.sharing import consent_record
from common.errors import PermissionDenied, ValidationFailed
from exports.consent_forms import consent_form_pdf
from tests.exports.conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def consent(shared_case, lead, partner):
    return consent_record(
        actor=lead.liaison,
        case=shared_case,
        recipient_agency=partner.agency,
        sections=["location"],
        purpose="Safety planning with the school",
        signed_by="Child and guardian",
        signed_on=timezone.localdate(),
        explained_in="Spanish",
        interpreter="Language Line, interpreter 40317",
    )


def printed(consent, user, language):
    return consent_form_pdf(actor=user, case_id=consent.case_id, consent_id=consent.pk, language=language)


def test_the_form_prints_in_spanish(consent, lead):
    exported = consent_form_pdf(
        actor=lead.liaison, case_id=consent.case_id, consent_id=consent.pk, language="es"
    )

    text = pdf_text(exported.content)
    assert "Consentimiento para compartir información" in text
    assert "Firma del menor" in text
    assert "Safety planning with the school" in text
    assert "Language Line, interpreter 40317" in text
    assert "Consent to share information" not in text
    assert exported.filename.endswith("-es.pdf")


def test_the_form_prints_in_english(consent, lead):
    exported = consent_form_pdf(
        actor=lead.liaison, case_id=consent.case_id, consent_id=consent.pk, language="en"
    )

    text = pdf_text(exported.content)
    assert "Consent to share information" in text
    assert "Signature of the parent or guardian" in text
    assert consent.case.number in text


def test_printing_it_is_audited_as_a_copy(consent, lead):
    consent_form_pdf(actor=lead.liaison, case_id=consent.case_id, consent_id=consent.pk, language="es")

    record = AuditRecord.objects.get(event_type="copy.consent_form")
    assert (record.user, record.case_id) == (lead.liaison, consent.case_id)
    assert record.detail["language"] == "es"


def test_an_agency_on_the_case_that_does_not_handle_consents_is_refused(consent, partner):
    with pytest.raises(PermissionDenied):
        consent_form_pdf(actor=partner.liaison, case_id=consent.case_id, consent_id=consent.pk, language="es")

    assert not AuditRecord.objects.filter(event_type="copy.consent_form").exists()


def test_a_language_bridge_does_not_speak_is_refused(consent, lead):
    with pytest.raises(ValidationFailed) as refused:
        consent_form_pdf(actor=lead.liaison, case_id=consent.case_id, consent_id=consent.pk, language="fr")

    assert "language" in refused.value.fields


def test_the_page_downloads_it_in_the_readers_language(consent, lead):
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(lead.liaison)

    response = client.get(reverse("web:case-consent-form", args=[consent.case_id, consent.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Consentimiento" in pdf_text(response.content)


def test_the_page_answers_not_found_to_other_agencies(consent, unrelated):
    client = Client()
    client.force_login(unrelated.liaison)

    response = client.get(reverse("web:case-consent-form", args=[consent.case_id, consent.pk]))

    assert response.status_code == 404
