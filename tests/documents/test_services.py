"""Who may add and open documents, what an upload is refused for, and what is recorded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditRecord
from casework.models import Case, CaseStatus, TimelineEvent
from casework.services.sharing import consent_record, consent_revoke, grant_create
from common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from documents.models import Document
from documents.services import display_name, document_upload, document_version_add, document_version_download
from tests.conftest import Staff
from tests.documents.conftest import PNG_BYTES, add_document, document_type, pdf_bytes, upload_file

pytestmark = pytest.mark.django_db


def share_location_on_consent(*, case: Case, lead: Staff, partner: Staff):
    consent = consent_record(
        actor=lead.liaison,
        case=case,
        recipient_agency=partner.agency,
        sections=["location"],
        purpose="Finding the child",
        signed_by="The child",
        signed_on=timezone.localdate(),
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    grant_create(actor=lead.liaison, case=case, agency=partner.agency, section="location", consent=consent)
    return consent


def upload(actor, case, content: bytes, name: str, section: str = "location") -> Document:
    return document_upload(
        actor=actor,
        case=case,
        document_type=document_type(),
        title="Order",
        upload=upload_file(content, name),
        uploaded_name=name,
        section=section,
    )


def test_an_agency_without_the_section_is_told_the_document_does_not_exist(
    location_document: Document, partner: Staff
) -> None:
    with pytest.raises(NotFound):
        document_version_download(actor=partner.liaison, document=location_document)


def test_ending_the_consent_ends_access_to_the_documents_it_shared(
    location_document: Document, shared_case: Case, lead: Staff, partner: Staff
) -> None:
    consent = share_location_on_consent(case=shared_case, lead=lead, partner=partner)
    assert document_version_download(actor=partner.liaison, document=location_document).content == pdf_bytes(
        "Elm"
    )

    consent_revoke(actor=lead.liaison, consent=consent)

    with pytest.raises(NotFound):
        document_version_download(actor=partner.liaison, document=location_document)


def test_a_consent_form_takes_the_first_section_the_consent_names(
    shared_case: Case, lead: Staff, partner: Staff
) -> None:
    consent = consent_record(
        actor=lead.liaison,
        case=shared_case,
        recipient_agency=partner.agency,
        sections=["health", "location"],
        purpose="Care",
        signed_by="The child",
        signed_on=timezone.localdate(),
    )

    document = document_upload(
        actor=lead.caseworker,
        case=shared_case,
        document_type=document_type("consent_form"),
        title="Signed consent",
        upload=upload_file(pdf_bytes()),
        uploaded_name="consent.pdf",
        consent=consent,
    )

    assert (document.section, document.attached_kind, document.attached_id) == (
        "location",
        "consent",
        consent.pk,
    )


def test_reading_a_section_never_lets_an_agency_upload_to_it(
    shared_case: Case, lead: Staff, partner: Staff
) -> None:
    share_location_on_consent(case=shared_case, lead=lead, partner=partner)

    with pytest.raises(PermissionDenied, match="may not change this section"):
        upload(partner.liaison, shared_case, pdf_bytes(), "order.pdf")

    assert not Document.objects.exists()


def test_a_closed_case_refuses_uploads(shared_case: Case, lead: Staff) -> None:
    Case.objects.filter(pk=shared_case.pk).update(status=CaseStatus.CLOSED)

    with pytest.raises(Conflict):
        upload(lead.caseworker, shared_case, pdf_bytes(), "order.pdf")


def test_a_file_named_pdf_that_is_not_one_is_refused_and_audited(shared_case: Case, lead: Staff) -> None:
    with pytest.raises(ValidationFailed) as refused:
        upload(
            lead.caseworker, shared_case, b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00", "Maria's order.pdf"
        )

    assert refused.value.fields == {
        "file": ["This file is not a PDF or image (its content looks like application/x-msdownload (.exe))."]
    }
    record = AuditRecord.objects.get(event_type="document.upload_refused")
    assert (record.outcome, record.section, record.detail) == (
        "failure",
        "location",
        {"reason": "type_not_accepted", "extension": ".pdf"},
    )
    assert not Document.objects.exists()


def test_a_file_over_the_size_limit_is_refused_and_audited(shared_case: Case, lead: Staff, settings) -> None:
    settings.BRIDGE_DOCUMENT_MAX_BYTES = 1024 * 1024

    with pytest.raises(ValidationFailed) as refused:
        upload(lead.caseworker, shared_case, pdf_bytes() + b"0" * (1024 * 1024), "big.pdf")

    assert refused.value.message == "The file is larger than 1 MB, the most Bridge accepts."
    assert AuditRecord.objects.get(event_type="document.upload_refused").detail["reason"] == "too_large"


def test_images_are_accepted_with_their_sniffed_type(shared_case: Case, lead: Staff) -> None:
    document = upload(lead.caseworker, shared_case, PNG_BYTES, "scan.jpg")

    assert document.versions.get().content_type == "image/png"


def test_a_download_is_recorded_as_a_copy_leaving_bridge(location_document: Document, lead: Staff) -> None:
    opened = document_version_download(actor=lead.supervisor, document=location_document)

    record = AuditRecord.objects.get(event_type="copy.document_download")
    assert (record.user_id, record.case_id, record.object_type, record.object_id) == (
        lead.supervisor.pk,
        location_document.case_id,
        "document_version",
        str(opened.version.pk),
    )
    assert record.detail["sections"] == ["location"]
    assert record.detail["version"] == 1


def test_a_new_version_keeps_the_old_one(location_document: Document, lead: Staff) -> None:
    document_version_add(
        actor=lead.caseworker,
        document=location_document,
        upload=upload_file(pdf_bytes("Signed again")),
        uploaded_name="again.pdf",
    )

    location_document.refresh_from_db()
    assert location_document.latest_version == 2
    assert document_version_download(actor=lead.caseworker, document=location_document).content == pdf_bytes(
        "Signed again"
    )
    assert document_version_download(actor=lead.caseworker, document=location_document, number=1).content == (
        pdf_bytes("Elm")
    )


def test_the_timeline_line_names_the_section_only(shared_case: Case, lead: Staff) -> None:
    add_document(actor=lead.caseworker, case=shared_case, title="Foster home at 12 Elm Street")

    entry = TimelineEvent.objects.get(case=shared_case, kind="document_added")
    assert (entry.section, entry.summary) == ("location", "A document was added to Location.")


@pytest.mark.parametrize(
    ("uploaded", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\x\\order.pdf", "order.pdf"),
        ('a"b<script>.pdf', "abscript.pdf"),
        ("line\nbreak.pdf", "linebreak.pdf"),
        ("", "document"),
    ],
)
def test_an_uploaded_name_is_display_text_only(uploaded: str, shown: str) -> None:
    assert display_name(uploaded) == shown


def test_a_title_over_its_limit_is_refused(shared_case: Case, lead: Staff) -> None:
    with pytest.raises(ValidationFailed) as refused:
        add_document(actor=lead.caseworker, case=shared_case, title="x" * 201)

    assert refused.value.fields == {"title": ["At most 200 characters."]}
