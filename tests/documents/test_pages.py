"""The case's Documents tab: listing by section, uploading, a new version, downloading."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditRecord
from casework.models import Case
from casework.services.sharing import consent_record
from court.models import HearingType
from court.services import dependency_hearing_schedule
from documents.models import Document
from documents.services import document_upload
from tests.conftest import Staff
from tests.documents.conftest import KEY_2027, add_document, document_type, pdf_bytes, upload_file
from tests.factories import in_hours

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_tab_lists_documents_by_section_with_their_versions(shared_case: Case, lead: Staff) -> None:
    add_document(actor=lead.caseworker, case=shared_case, title="Foster placement agreement")

    page = signed_in(lead.caseworker).get(reverse("web:case-documents", args=[shared_case.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Foster placement agreement" in html
    assert 'id="documents-location"' in html
    assert "agreement.pdf" in html


def test_a_reader_without_the_section_sees_no_trace_of_its_documents(
    shared_case: Case, lead: Staff, partner: Staff
) -> None:
    add_document(actor=lead.caseworker, case=shared_case, title="Foster placement agreement")

    page = signed_in(partner.liaison).get(reverse("web:case-documents", args=[shared_case.pk]))

    assert page.status_code == 200
    assert "Foster placement agreement" not in page.content.decode()
    assert "No documents you may see" in page.content.decode()


def test_a_caseworker_uploads_through_the_form(shared_case: Case, lead: Staff) -> None:
    response = signed_in(lead.caseworker).post(
        reverse("web:case-documents", args=[shared_case.pk]),
        {
            "document_type": "medical_record",
            "section": "health",
            "title": "Clinic discharge summary",
            "file": upload_file(pdf_bytes(), "discharge.pdf"),
        },
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.section, document.title) == ("health", "Clinic discharge summary")


def test_a_refused_upload_says_why_beside_the_file(shared_case: Case, lead: Staff) -> None:
    response = signed_in(lead.caseworker).post(
        reverse("web:case-documents", args=[shared_case.pk]),
        {
            "document_type": "court_order",
            "section": "core",
            "title": "Order",
            "file": upload_file(b"just words, not a pdf", "order.pdf"),
        },
    )

    assert response.status_code == 400
    assert "This file is not a PDF or image" in response.content.decode()
    assert not Document.objects.exists()


def test_a_new_version_through_the_form(shared_case: Case, lead: Staff) -> None:
    document = add_document(actor=lead.caseworker, case=shared_case)

    response = signed_in(lead.caseworker).post(
        reverse("web:case-document-version", args=[shared_case.pk, document.pk]),
        {f"version-{document.pk.hex[:12]}-file": upload_file(pdf_bytes("v2"), "v2.pdf")},
    )

    assert response.status_code == 302
    assert document.versions.count() == 2


def test_a_download_is_an_audited_attachment(shared_case: Case, lead: Staff) -> None:
    document = add_document(actor=lead.caseworker, case=shared_case)

    response = signed_in(lead.supervisor).get(
        reverse("web:case-document-download", args=[shared_case.pk, document.pk, 1])
    )

    assert response.status_code == 200
    assert response.content == pdf_bytes("Elm")
    assert response["Content-Disposition"].startswith('attachment; filename="agreement.pdf"')
    assert AuditRecord.objects.filter(event_type="copy.document_download").count() == 1


def test_a_download_without_the_section_is_404(shared_case: Case, lead: Staff, partner: Staff) -> None:
    document = add_document(actor=lead.caseworker, case=shared_case)

    response = signed_in(partner.liaison).get(
        reverse("web:case-document-download", args=[shared_case.pk, document.pk, 1])
    )

    assert response.status_code == 404


def test_a_document_under_a_missing_key_is_a_clear_page(shared_case: Case, lead: Staff, settings) -> None:
    document = add_document(actor=lead.caseworker, case=shared_case)
    settings.BRIDGE_DOCUMENT_KEYS = [KEY_2027]

    response = signed_in(lead.caseworker).get(
        reverse("web:case-document-download", args=[shared_case.pk, document.pk, 1])
    )

    assert response.status_code == 503
    assert "which this server does not have" in response.content.decode()


def test_a_hearing_lists_its_documents_and_links_to_add_one(shared_case: Case, lead: Staff) -> None:
    hearing = dependency_hearing_schedule(
        actor=lead.liaison, case=shared_case, type=HearingType.REVIEW, scheduled_at=in_hours(72)
    )
    browser = signed_in(lead.caseworker)
    form_page = browser.get(
        reverse("web:case-documents", args=[shared_case.pk]),
        {"attached_kind": "hearing", "attached_id": str(hearing.pk)},
    )
    assert "belongs to the record you came from" in form_page.content.decode()

    response = browser.post(
        reverse("web:case-documents", args=[shared_case.pk]),
        {
            "document_type": "court_order",
            "section": "",
            "title": "Review hearing order",
            "file": upload_file(pdf_bytes(), "order.pdf"),
            "attached_kind": "hearing",
            "attached_id": str(hearing.pk),
        },
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.section, document.attached_kind, document.attached_id) == ("core", "hearing", hearing.pk)
    court = browser.get(reverse("web:case-court", args=[shared_case.pk])).content.decode()
    assert "Review hearing order" in court
    assert "attached_kind=hearing" in court


def test_a_consent_lists_its_signed_form_and_links_to_add_one(
    shared_case: Case, lead: Staff, partner: Staff
) -> None:
    consent = consent_record(
        actor=lead.liaison,
        case=shared_case,
        recipient_agency=partner.agency,
        sections=["location"],
        purpose="Finding the child",
        signed_by="The child",
        signed_on=timezone.localdate(),
    )
    document_upload(
        actor=lead.caseworker,
        case=shared_case,
        document_type=document_type("consent_form"),
        title="Consent signed at intake",
        upload=upload_file(pdf_bytes()),
        uploaded_name="consent.pdf",
        consent=consent,
    )

    sharing = signed_in(lead.liaison).get(reverse("web:case-sharing", args=[shared_case.pk])).content.decode()

    assert "Consent signed at intake" in sharing
    assert f"attached_kind=consent&amp;attached_id={consent.pk}" in sharing
