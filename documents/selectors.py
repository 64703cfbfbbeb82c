"""Reads of documents: only those in sections the reader reads now. A document in any other
section does not exist for the reader (404), and is not counted."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from casework.access import CaseAccess, parse_id
from common.errors import NotFound
from documents.models import Document, DocumentType, DocumentVersion


def documents_visible(*, access: CaseAccess) -> QuerySet[Document]:
    return Document.objects.filter(case=access.case, section__in=access.readable)


def documents_with_versions(*, access: CaseAccess) -> QuerySet[Document]:
    """The readable documents with their type and every version (newest first), in three queries
    however many there are."""
    return (
        documents_visible(access=access)
        .select_related("document_type")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=DocumentVersion.objects.select_related("uploaded_by").order_by("-number"),
            )
        )
    )


def get_document(*, access: CaseAccess, document_id: Any) -> Document:
    document = documents_with_versions(access=access).filter(pk=parse_id(document_id)).first()
    if document is None:
        raise NotFound(_("No such document on this case."))
    return document


def documents_attached_to(*, access: CaseAccess, kind: str, record_id: Any) -> QuerySet[Document]:
    return documents_with_versions(access=access).filter(attached_kind=kind, attached_id=record_id)


def document_types_in_use() -> QuerySet[DocumentType]:
    return DocumentType.objects.filter(active=True)
