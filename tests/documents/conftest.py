"""Documents on the shared case (lead: child welfare; partner: law enforcement), stored under a
fresh directory per test, with the test settings' fixed key."""

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casework.models import Case
from documents.demo import simple_pdf
from documents.models import Document, DocumentType
from documents.services import document_upload
from tests.conftest import Staff

KEY_2026 = "k2026:" + "MjAyNi1rZXktZm9yLWJyaWRnZS10ZXN0cy0zMi1ieXQ="
KEY_2027 = "k2027:" + "MjAyNy1rZXktZm9yLWJyaWRnZS10ZXN0cy0zMi1ieXQ="


def pdf_bytes(text: str = "Signed consent") -> bytes:
    """A small valid PDF carrying `text` uncompressed, so a test can look for it."""
    return simple_pdf([text])


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def upload_file(content: bytes, name: str = "consent.pdf", content_type: str = "application/pdf") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def document_type(key: str = "court_order") -> DocumentType:
    return DocumentType.objects.get(key=key)


@pytest.fixture(autouse=True)
def document_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    return root


def add_document(
    *,
    actor: Any,
    case: Case,
    section: str = "location",
    title: str = "Placement agreement",
    text: str = "Elm",
) -> Document:
    pdf = pdf_bytes(text)
    return document_upload(
        actor=actor,
        case=case,
        document_type=document_type("placement_agreement"),
        title=title,
        upload=upload_file(pdf, "agreement.pdf"),
        uploaded_name="agreement.pdf",
        section=section,
    )


@pytest.fixture
def location_document(shared_case: Case, lead: Staff) -> Document:
    return add_document(actor=lead.caseworker, case=shared_case)
