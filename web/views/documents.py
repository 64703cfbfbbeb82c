"""The case's Documents tab: the documents in sections the reader reads (grouped by section, with
every version and its download link), the form to upload one in a section the reader's agency
writes, and a new version of one. Downloads stream the decrypted file as an attachment, each one
audited by the service."""

import uuid
from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import audit_case_read
from casework.access import CaseAccess, consents_visible, get_case_access
from casework.models import Consent
from casework.sections import Section
from common.errors import NotFound, ValidationFailed
from court.selectors import dependency_hearings_for
from documents.downloads import attachment_response
from documents.models import AttachedKind, Document
from documents.selectors import (
    document_types_in_use,
    documents_visible,
    documents_with_versions,
    get_document,
)
from documents.services import (
    AttachedRecord,
    accepted_types_text,
    document_upload,
    document_version_add,
    document_version_download,
    megabytes,
)
from referrals.selectors import referrals_on_case
from relief.selectors import relief_records_for
from web.forms import DocumentUploadForm, DocumentVersionForm
from web.http import WebRequest, case_work
from web.views.cases import case_context

RESTRICTED = frozenset(Section.values) - {Section.CORE}
ATTACHMENT_FIELDS = ("attached_kind", "attached_id")


def _upload_form(access: CaseAccess, *args: Any, **kwargs: Any) -> DocumentUploadForm | None:
    sections = [section for section in Section.values if access.may_write(section)]
    if not sections:
        return None
    return DocumentUploadForm(*args, document_types=document_types_in_use(), sections=sections, **kwargs)


def attached_record(*, access: CaseAccess, kind: str, record_id: uuid.UUID) -> AttachedRecord | Consent:
    """The record a document is for, found through its own app's reads (one the reader does not
    see is NotFound), with the section that protects it; a consent itself (the service decides
    its section)."""
    match kind:
        case AttachedKind.CONSENT:
            consent = consents_visible(access=access).filter(pk=record_id).first()
            if consent is not None:
                return consent
        case AttachedKind.RELIEF_RECORD if relief_records_for(access=access).filter(pk=record_id).exists():
            return AttachedRecord(kind=kind, record_id=record_id, section=Section.IMMIGRATION)
        case AttachedKind.HEARING if dependency_hearings_for(access=access).filter(pk=record_id).exists():
            return AttachedRecord(kind=kind, record_id=record_id, section=Section.CORE)
        case AttachedKind.REFERRAL:
            referral = referrals_on_case(access=access).filter(pk=record_id).first()
            if referral is not None:
                return AttachedRecord(kind=kind, record_id=record_id, section=referral.section)
    raise NotFound(_("No such record on this case."))


def attached_documents(*, access: CaseAccess, kind: str) -> dict[uuid.UUID, list[Document]]:
    """The reader's documents of each record of one kind, for the record's own page (one query)."""
    found: dict[uuid.UUID, list[Document]] = defaultdict(list)
    documents = documents_visible(access=access).filter(attached_kind=kind).select_related("document_type")
    for document in documents.order_by("-updated_at", "id"):
        assert document.attached_id is not None
        found[document.attached_id].append(document)
    return found


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
        attaching=bool(
            form is not None and (form.initial.get("attached_kind") or form.data.get("attached_kind"))
        ),
        accepted=accepted_types_text(),
        size_limit=megabytes(settings.BRIDGE_DOCUMENT_MAX_BYTES),
    )
    return render(request, "web/case_documents.html", context, status=status)


@case_work
@require_http_methods(["GET", "POST"])
def case_documents(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    if request.method == "GET":
        initial = {
            name: request.GET[name] for name in ("attached_kind", "attached_id") if name in request.GET
        }
        form = _upload_form(access, initial=initial) if initial else None
        return _page(request, access, form=form)
    form = _upload_form(access, request.POST, request.FILES)
    if form is None:
        return _page(request, access, status=403)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        kind, record_id = form.cleaned_data["attached_kind"], form.cleaned_data["attached_id"]
        record = (
            attached_record(access=access, kind=kind, record_id=record_id) if kind and record_id else None
        )
        try:
            document_upload(
                actor=request.user,
                case=access.case,
                document_type=form.chosen_type(),
                title=form.cleaned_data["title"],
                section=form.cleaned_data["section"] or None,
                consent=record if isinstance(record, Consent) else None,
                attached=record if isinstance(record, AttachedRecord) else None,
                upload=upload,
                uploaded_name=upload.name or "",
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, _("Document added."))
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
            messages.success(request, _("New version added."))
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


def add_document_url(*, access: CaseAccess, kind: str, record_id: uuid.UUID, section: str) -> str | None:
    """The Documents tab with its upload form set for this record, for writers of its section."""
    if not access.may_write(section):
        return None
    query = urlencode({"attached_kind": kind, "attached_id": str(record_id)})
    return f"{reverse('web:case-documents', args=[access.case.pk])}?{query}#upload"
