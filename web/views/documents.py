"""The case's Documents tab: the documents in sections the reader reads (grouped by section, with
every version and its download link), the form to upload one in a section the reader's agency
writes, and a new version of one. Downloads stream the decrypted file as an attachment, each one
audited by the service."""

import uuid
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import audit_case_read
from casework.access import CaseAccess, get_case_access
from casework.sections import Section
from common.errors import ValidationFailed
from documents.downloads import attachment_response
from documents.selectors import document_types_in_use, documents_with_versions, get_document
from documents.services import (
    accepted_types_text,
    document_upload,
    document_version_add,
    document_version_download,
    megabytes,
)
from web.forms import DocumentUploadForm, DocumentVersionForm
from web.http import WebRequest, case_work
from web.views.cases import case_context

RESTRICTED = frozenset(Section.values) - {Section.CORE}


def _upload_form(access: CaseAccess, *args: Any, **kwargs: Any) -> DocumentUploadForm | None:
    sections = [section for section in Section.values if access.may_write(section)]
    if not sections:
        return None
    return DocumentUploadForm(*args, document_types=document_types_in_use(), sections=sections, **kwargs)


def _page(
    request: WebRequest,
    access: CaseAccess,
    *,
    form: DocumentUploadForm | None = None,
    bound: tuple[uuid.UUID, DocumentVersionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    documents: list[Any] = list(
        documents_with_versions(access=access).order_by("section", "-updated_at", "id")
    )
    by_section: dict[str, list[Any]] = defaultdict(list)
    for document in documents:
        document.version_form = None
        if access.may_write(document.section):
            document.version_form = (
                bound[1]
                if bound is not None and bound[0] == document.pk
                else DocumentVersionForm(prefix=f"version-{document.pk.hex[:12]}")
            )
        by_section[document.section].append(document)
    audit_case_read(
        access=access, sections={document.section for document in documents} & RESTRICTED, view="documents"
    )
    groups = [
        {"section": section, "label": Section(section).label, "documents": by_section[section]}
        for section in Section.values
        if section in by_section
    ]
    context = case_context(
        access,
        tab="documents",
        groups=groups,
        document_count=len(documents),
        upload_form=form if form is not None else _upload_form(access),
        accepted=accepted_types_text(),
        size_limit=megabytes(settings.BRIDGE_DOCUMENT_MAX_BYTES),
    )
    return render(request, "web/case_documents.html", context, status=status)


@case_work
@require_http_methods(["GET", "POST"])
def case_documents(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    if request.method == "GET":
        return _page(request, access)
    form = _upload_form(access, request.POST, request.FILES)
    if form is None:
        return _page(request, access, status=403)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            document_upload(
                actor=request.user,
                case=access.case,
                document_type=form.chosen_type(),
                title=form.cleaned_data["title"],
                section=form.cleaned_data["section"],
                upload=upload,
                uploaded_name=upload.name or "",
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, "Document added.")
            return redirect("web:case-documents", case_id=case_id)
    return _page(request, access, form=form, status=400)


@case_work
@require_POST
def case_document_version(request: WebRequest, case_id: uuid.UUID, document_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    document = get_document(access=access, document_id=document_id)
    form = DocumentVersionForm(request.POST, request.FILES, prefix=f"version-{document.pk.hex[:12]}")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            document_version_add(
                actor=request.user, document=document, upload=upload, uploaded_name=upload.name or ""
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, "New version added.")
            return redirect("web:case-documents", case_id=case_id)
    return _page(request, access, bound=(document.pk, form), status=400)


@case_work
@require_GET
def case_document_download(
    request: WebRequest, case_id: uuid.UUID, document_id: uuid.UUID, number: int
) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    document = get_document(access=access, document_id=document_id)
    opened = document_version_download(actor=request.user, document=document, number=number)
    return attachment_response(opened)
