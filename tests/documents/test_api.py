"""The documents API: multipart uploads, listing only readable sections, downloads as
attachments that are audited, refusals as 400 on the file field."""

import uuid
from typing import Any

import pytest

from audit.models import AuditRecord
from casework.models import Case
from court.models import HearingType
from court.services import dependency_hearing_schedule
from documents.models import Document
from tests.api.conftest import Api, body, error_of
from tests.conftest import Staff
from tests.documents.conftest import KEY_2027, add_document, pdf_bytes, upload_file
from tests.factories import in_hours

pytestmark = pytest.mark.django_db


def documents_url(case: Case, document: Document | None = None, suffix: str = "") -> str:
    return f"cases/{case.pk}/documents/" + (f"{document.pk}/{suffix}" if document else "")


def multipart(api: Api, path: str, data: dict[str, Any]) -> Any:
    return api.client.post(api._url(path), data, format="multipart")


def test_a_caseworker_uploads_a_pdf_and_sees_it_listed(shared_case: Case, lead: Staff) -> None:
    api = Api(lead.caseworker)

    response = multipart(
        api,
        documents_url(shared_case),
        {
            "file": upload_file(pdf_bytes(), "placement.pdf"),
            "document_type": "placement_agreement",
            "title": "Foster placement agreement",
            "section": "location",
        },
    )

    assert response.status_code == 201
    created = body(response)
    assert (created["section"], created["document_type"], created["title"], created["latest_version"]) == (
        "location",
        "placement_agreement",
        "Foster placement agreement",
        1,
    )
    assert created["versions"][0]["filename"] == "placement.pdf"
    assert created["versions"][0]["content_type"] == "application/pdf"
    listed = body(api.get(documents_url(shared_case)))["results"]
    assert [document["id"] for document in listed] == [created["id"]]


def test_a_reader_without_the_section_gets_an_empty_list_and_404s(
    shared_case: Case, lead: Staff, partner: Staff
) -> None:
    document = add_document(actor=lead.caseworker, case=shared_case)
    api = Api(partner.liaison)

    assert body(api.get(documents_url(shared_case)))["results"] == []
    assert api.get(documents_url(shared_case, document)).status_code == 404
    assert api.get(documents_url(shared_case, document, "download/")).status_code == 404
    assert api.get(documents_url(shared_case, document, "versions/1/download/")).status_code == 404
    response = multipart(
        api, documents_url(shared_case, document, "versions/"), {"file": upload_file(pdf_bytes())}
    )
    assert response.status_code == 404


def test_an_unrelated_agency_gets_404_for_the_case_documents(
    shared_case: Case, lead: Staff, unrelated: Staff
) -> None:
    add_document(actor=lead.caseworker, case=shared_case)

    assert Api(unrelated.supervisor).get(documents_url(shared_case)).status_code == 404


def test_a_download_is_an_attachment_never_sniffed_or_cached_and_audited(
    shared_case: Case, lead: Staff
) -> None:
    document = add_document(actor=lead.caseworker, case=shared_case)

    response = Api(lead.liaison).get(documents_url(shared_case, document, "download/"))

    assert response.status_code == 200
    assert response.content == pdf_bytes("Elm")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"agreement.pdf\"; filename*=UTF-8''agreement.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"].split(", ")
    assert AuditRecord.objects.filter(event_type="copy.document_download", user=lead.liaison).count() == 1


def test_a_new_version_is_added_and_the_old_one_still_downloads(shared_case: Case, lead: Staff) -> None:
    document = add_document(actor=lead.caseworker, case=shared_case)
    api = Api(lead.caseworker)

    response = multipart(
        api,
        documents_url(shared_case, document, "versions/"),
        {"file": upload_file(pdf_bytes("v2"), "v2.pdf")},
    )

    assert response.status_code == 201
    assert [version["number"] for version in body(response)["versions"]] == [2, 1]
    assert api.get(documents_url(shared_case, document, "download/")).content == pdf_bytes("v2")
    assert api.get(documents_url(shared_case, document, "versions/1/download/")).content == pdf_bytes("Elm")
    assert api.get(documents_url(shared_case, document, "versions/3/download/")).status_code == 404


def test_a_disguised_file_is_a_400_on_the_file_field(shared_case: Case, lead: Staff) -> None:
    response = multipart(
        Api(lead.caseworker),
        documents_url(shared_case),
        {
            "file": upload_file(b"<html><script>alert(1)</script></html>", "order.pdf"),
            "document_type": "court_order",
            "title": "Order",
            "section": "core",
        },
    )

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "file": ["This file is not a PDF or image (its content looks like plain text or an unknown format)."]
    }
    assert AuditRecord.objects.filter(event_type="document.upload_refused").count() == 1


def test_an_upload_without_a_section_or_record_is_a_400(shared_case: Case, lead: Staff) -> None:
    response = multipart(
        Api(lead.caseworker),
        documents_url(shared_case),
        {"file": upload_file(pdf_bytes()), "document_type": "court_order", "title": "Order"},
    )

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["section"]


def test_a_document_this_server_cannot_open_is_a_503_with_the_reason(
    shared_case: Case, lead: Staff, settings
) -> None:
    document = add_document(actor=lead.caseworker, case=shared_case)
    settings.BRIDGE_DOCUMENT_KEYS = [KEY_2027]

    response = Api(lead.caseworker).get(documents_url(shared_case, document, "download/"))

    assert response.status_code == 503
    assert error_of(response) == {
        "code": "document_unreadable",
        "message": "This document cannot be opened: it was encrypted with key demo-2026,"
        " which this server does not have.",
        "fields": {},
    }


def test_a_document_attached_to_a_hearing_takes_core(shared_case: Case, lead: Staff, partner: Staff) -> None:
    hearing = dependency_hearing_schedule(
        actor=lead.caseworker, case=shared_case, type=HearingType.ADJUDICATION, scheduled_at=in_hours(48)
    )
    response = multipart(
        Api(lead.caseworker),
        documents_url(shared_case),
        {
            "file": upload_file(pdf_bytes()),
            "document_type": "court_order",
            "title": "Adjudication order",
            "attached_kind": "hearing",
            "attached_id": str(hearing.pk),
        },
    )

    assert response.status_code == 201
    assert body(response)["section"] == "core"
    assert [
        document["title"]
        for document in body(Api(partner.liaison).get(documents_url(shared_case)))["results"]
    ] == ["Adjudication order"]


def test_a_record_the_caller_does_not_see_is_a_404(shared_case: Case, lead: Staff) -> None:
    response = multipart(
        Api(lead.caseworker),
        documents_url(shared_case),
        {
            "file": upload_file(pdf_bytes()),
            "document_type": "court_order",
            "title": "Order",
            "attached_kind": "relief_record",
            "attached_id": str(uuid.uuid4()),
        },
    )

    assert response.status_code == 404
