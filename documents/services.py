"""Every write of documents, and opening one.

Uploading and adding a version are writes on the document's section (`Action.WRITE`: its
stewards, never by break-glass, never on a closed case); opening a version is a read of that
section (`access.may_read`), so a grant resting on a consent that ended ends access to the
documents it reached. Every download is a copy of case data leaving Bridge and is audited with
`audit_copy_made`, which the case's disclosure history shows.

An upload is checked before anything is stored: its size against `BRIDGE_DOCUMENT_MAX_BYTES`,
its type sniffed from its content (`filetype`) against `BRIDGE_DOCUMENT_TYPES`, never taken from
its name or the browser's word. A refusal is audited (`document.upload_refused`, the reason and
the name's extension only) and answered 400 with the reason."""

import errno
import hashlib
import logging
import re
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any, NoReturn

import filetype
from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import User
from audit.models import Outcome
from audit.services import audit_copy_made, audit_record
from casework.access import Action, CaseAccess, consents_visible, get_case_access
from casework.models import Case, Consent
from casework.sections import Section
from casework.timeline import timeline_record
from common.errors import ApplicationError, NotFound, ValidationFailed
from common.inputs import text_errors
from documents import crypto
from documents.models import (
    DISPLAY_NAME_MAX_LENGTH,
    DOCUMENT_TITLE_MAX_LENGTH,
    AttachedKind,
    Document,
    DocumentType,
    DocumentVersion,
)

logger = logging.getLogger(__name__)

_STORE_FULL_ERRORS = (errno.ENOSPC, errno.EDQUOT)
# What a document storage raises when it cannot do what it was asked: a filesystem's OSError; an
# S3 store's error answer (AccessDenied, NoSuchBucket, SlowDown once boto3's retries are spent),
# boto3's wrapping of it around an upload, or no answer at all (EndpointConnectionError, timeouts).
_STORE_ERRORS = (OSError, ClientError, BotoCoreError, Boto3Error)


class DocumentStoreFull(ApplicationError):
    """The document store has no room left (disk or quota): only an operator can put it right."""

    code = "document_store_full"
    status = 503

    def __init__(self) -> None:
        super().__init__(
            _(
                "The document was not saved: the document storage is full. "
                "Tell your Bridge administrator; nothing of this upload was kept."
            )
        )


class DocumentStoreUnavailable(ApplicationError):
    """The document store refused a write or a read, or did not answer (an S3 store that is down,
    refuses Bridge's credentials or the bucket is gone): nothing the user can change, and often
    over once the store is back."""

    code = "document_store_unavailable"
    status = 503


STORE_UNAVAILABLE_ON_UPLOAD = gettext_lazy(
    "The document was not saved: the document storage is not available. Try again later; if it "
    "keeps happening, tell your Bridge administrator. Nothing of this upload was kept."
)
STORE_UNAVAILABLE_ON_DOWNLOAD = gettext_lazy(
    "This document cannot be opened now: the document storage is not available. Try again later; "
    "if it keeps happening, tell your Bridge administrator."
)


DOCUMENT_SECTION_CHOICES = Section.choices
TITLE_MAX_LENGTH = DOCUMENT_TITLE_MAX_LENGTH

# What people call the types Bridge can accept, for the refusal message and the pages.
TYPE_NAMES = {
    "application/pdf": "PDF",
    "image/png": gettext_lazy("PNG image"),
    "image/jpeg": gettext_lazy("JPEG image"),
    "image/gif": gettext_lazy("GIF image"),
    "image/tiff": gettext_lazy("TIFF image"),
    "image/webp": gettext_lazy("WebP image"),
}
NOT_ACCEPTED = gettext_lazy("This file is not a PDF or image (its content looks like %(found)s).")
EMPTY_FILE = gettext_lazy("The file is empty.")
TOO_LARGE = gettext_lazy("The file is larger than %(limit)s, the most Bridge accepts.")
REENCRYPT_BATCH_SIZE = 100


@dataclass(frozen=True)
class AttachedRecord:
    """A record of the case a document belongs to, resolved by the caller through that record's
    own app (which checked the actor sees it): its kind, id and the section that protects it."""

    kind: str
    record_id: uuid.UUID
    section: str


def document_storage() -> Storage:
    return storages["documents"]


def accepted_types_text() -> str:
    return ", ".join(str(TYPE_NAMES.get(mime, mime)) for mime in settings.BRIDGE_DOCUMENT_TYPES)


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def consent_document_section(consent: Consent) -> str:
    """The section whose protection a consent's documents carry: the first of the sections the
    consent names, in the order of `Section`. A signed consent form is read by the stewards of
    that section (who handle the consent) and by an agency the consent shared it with, and by
    nobody once that sharing ends (ARCHITECTURE.md, "Documents")."""
    return next(section for section in Section.values if section in consent.sections)


def display_name(uploaded_name: str) -> str:
    """The uploaded file's name as display text only: its last path part, without control or
    quote characters, cut to `DISPLAY_NAME_MAX_LENGTH` keeping the extension."""
    name = PurePath(uploaded_name.replace("\\", "/")).name
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in "\"';<>")
    name = re.sub(r"\s+", " ", name).strip(" .") or "document"
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and len(extension) <= 10:
            name = stem[: DISPLAY_NAME_MAX_LENGTH - len(extension) - 1] + "." + extension
        else:
            name = name[:DISPLAY_NAME_MAX_LENGTH]
    return name


def _extension(uploaded_name: str) -> str:
    suffix = PurePath(uploaded_name.replace("\\", "/")).suffix.lower()
    return suffix[:11] if re.fullmatch(r"\.[a-z0-9]{1,10}", suffix) else ""


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    display_name: str


def _refuse(
    *, actor: User, case: Case, section: str, uploaded_name: str, reason: str, message: str
) -> NoReturn:
    """Audit the refusal (written at once: the refusal itself is what is recorded) and answer 400."""
    audit_record(
        event_type="document.upload_refused",
        outcome=Outcome.FAILURE,
        user=actor,
        object_type="case",
        object_id=str(case.pk),
        case_id=case.pk,
        section=section,
        detail={"reason": reason, "extension": _extension(uploaded_name)},
    )
    raise ValidationFailed(message, fields={"file": [message]})


def _check_file(
    *, actor: User, case: Case, section: str, upload: IO[bytes], uploaded_name: str
) -> CheckedFile:
    limit = settings.BRIDGE_DOCUMENT_MAX_BYTES
    # A declared size over the limit is refused unread; otherwise one byte past the limit is
    # enough to know, whatever the upload claimed.
    declared_size = getattr(upload, "size", None) or 0
    content = upload.read(limit + 1) if declared_size <= limit else b""
    if declared_size > limit or len(content) > limit:
        _refuse(
            actor=actor,
            case=case,
            section=section,
            uploaded_name=uploaded_name,
            reason="too_large",
            message=TOO_LARGE % {"limit": megabytes(limit)},
        )
    if not content:
        _refuse(
            actor=actor,
            case=case,
            section=section,
            uploaded_name=uploaded_name,
            reason="empty",
            message=str(EMPTY_FILE),
        )
    kind = filetype.guess(content)
    if kind is None or kind.mime not in settings.BRIDGE_DOCUMENT_TYPES:
        found = _("plain text or an unknown format") if kind is None else f"{kind.mime} (.{kind.extension})"
        _refuse(
            actor=actor,
            case=case,
            section=section,
            uploaded_name=uploaded_name,
            reason="type_not_accepted",
            message=NOT_ACCEPTED % {"found": found},
        )
    return CheckedFile(content=content, content_type=kind.mime, display_name=display_name(uploaded_name))


@contextmanager
def _removed_on_failure() -> Iterator[list[str]]:
    """Objects stored inside the block are removed again if the block fails, so a write that
    rolls back leaves no stray blob behind (and a stored blob never lacks its row)."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        storage = document_storage()
        for name in stored:
            _delete_unrecorded(storage=storage, name=name)
        raise


def _store_version(
    *, actor: User, document: Document, number: int, checked: CheckedFile, stored: list[str]
) -> DocumentVersion:
    """Encrypt and store the file, then record the version (inside `_removed_on_failure`)."""
    version = DocumentVersion(
        id=uuid.uuid4(),
        document=document,
        number=number,
        object_name=uuid.uuid4().hex,
        display_name=checked.display_name,
        size=len(checked.content),
        content_type=checked.content_type,
        sha256=hashlib.sha256(checked.content).hexdigest(),
        uploaded_by=actor,
    )
    version.key_id, blob = crypto.encrypt(checked.content, version_id=str(version.id))
    storage = document_storage()
    try:
        version.object_name = storage.save(version.object_name, ContentFile(blob))
    except _STORE_ERRORS as error:
        # A filesystem storage keeps what it wrote of a file whose write failed (a full disk
        # fails it part-way), and an S3 store may have kept an object whose answer was lost:
        # remove it, so a stored blob never lacks its row.
        _delete_unrecorded(storage=storage, name=version.object_name)
        if isinstance(error, OSError) and error.errno in _STORE_FULL_ERRORS:
            logger.error("Document store full: version %s of document %s not stored", version.id, document.pk)
            raise DocumentStoreFull() from error
        logger.error(
            "Document store unavailable: version %s of document %s not stored: %r",
            version.id,
            document.pk,
            error,
        )
        raise DocumentStoreUnavailable(STORE_UNAVAILABLE_ON_UPLOAD) from error
    stored.append(version.object_name)
    version.save(force_insert=True)
    return version


def _delete_unrecorded(*, storage: Storage, name: str) -> None:
    """Remove what a failed write may have left under `name`. A store that refused the write may
    refuse this too; then nothing was kept, or an unreferenced object is left (harmless: no row
    names it, docs/operations.md, "What the backups do not cover")."""
    try:
        storage.delete(name)
    except _STORE_ERRORS as error:
        logger.warning("Document store: could not remove the unrecorded object %s: %r", name, error)


def _write_access(*, actor: User, case_id: Any, section: str) -> CaseAccess:
    """The actor's access, having checked they may write `section`: a section they do not read
    is NotFound (as if the case had nothing there), one they read but do not write is 403, and a
    closed case 409."""
    access = get_case_access(user=actor, case_id=case_id)
    if not access.may_read(section):
        raise NotFound()
    access.require(Action.WRITE, section=section)
    return access


def _timeline(*, actor: User, document: Document, kind: str, summary: str) -> None:
    # Never the title or the file's name: the line says what happened and in which section.
    timeline_record(
        case=document.case,
        kind=kind,
        summary=summary,
        actor=actor,
        section=document.section,
        data={"document": str(document.pk)},
    )


def _section_label(section: str) -> str:
    """The section's name in the timeline's stored text, which is English."""
    with translation.override("en"):
        return str(Section(section).label)


def document_upload(
    *,
    actor: User,
    case: Case,
    document_type: DocumentType,
    title: str,
    upload: IO[bytes],
    uploaded_name: str,
    section: str | None = None,
    consent: Consent | None = None,
    attached: AttachedRecord | None = None,
) -> Document:
    """Add a document with its first version. Its section is the attached record's (a consent's:
    `consent_document_section`) or, for a document of the case itself, `section`."""
    errors: dict[str, list[str]] = {}
    if consent is not None:
        access = get_case_access(user=actor, case_id=case.pk)
        if not consents_visible(access=access).filter(pk=consent.pk).exists():
            raise NotFound()
        section = consent_document_section(consent)
        attached = AttachedRecord(kind=AttachedKind.CONSENT, record_id=consent.pk, section=section)
    elif attached is not None:
        section = attached.section
    if section is None or section not in Section.values:
        errors["section"] = [_("Choose the section that protects this document.")]
        raise ValidationFailed(_("The document could not be added."), fields=errors)
    _write_access(actor=actor, case_id=case.pk, section=section)
    if problems := text_errors(title, max_length=TITLE_MAX_LENGTH):
        errors["title"] = problems
    if not document_type.active:
        errors["document_type"] = [_("This document type is no longer in use.")]
    if errors:
        raise ValidationFailed(_("The document could not be added."), fields=errors)
    checked = _check_file(actor=actor, case=case, section=section, upload=upload, uploaded_name=uploaded_name)
    with _removed_on_failure() as stored, transaction.atomic():
        document = Document.objects.create(
            case=case,
            section=section,
            document_type=document_type,
            title=title.strip(),
            attached_kind=attached.kind if attached else "",
            attached_id=attached.record_id if attached else None,
            consent=consent,
            latest_version=1,
            created_by=actor,
        )
        _store_version(actor=actor, document=document, number=1, checked=checked, stored=stored)
        _timeline(
            actor=actor,
            document=document,
            kind="document_added",
            summary=f"A document was added to {_section_label(section)}.",
        )
    return document


def document_version_add(
    *, actor: User, document: Document, upload: IO[bytes], uploaded_name: str
) -> DocumentVersion:
    """Upload a new version; the earlier ones are kept and still open."""
    _write_access(actor=actor, case_id=document.case_id, section=document.section)
    checked = _check_file(
        actor=actor, case=document.case, section=document.section, upload=upload, uploaded_name=uploaded_name
    )
    with _removed_on_failure() as stored, transaction.atomic():
        locked = Document.objects.select_for_update().select_related("case").get(pk=document.pk)
        locked.latest_version += 1
        locked.save(update_fields=["latest_version", "updated_at"])
        version = _store_version(
            actor=actor, document=locked, number=locked.latest_version, checked=checked, stored=stored
        )
        _timeline(
            actor=actor,
            document=locked,
            kind="document_version_added",
            summary=f"A new version of a document in {_section_label(locked.section)} was added.",
        )
    return version


@dataclass(frozen=True)
class OpenedVersion:
    version: DocumentVersion
    content: bytes


def document_version_download(*, actor: User, document: Document, number: int | None = None) -> OpenedVersion:
    """The decrypted bytes of a version (the latest when `number` is None) for a reader of the
    document's section, the download recorded as a copy leaving Bridge. A version the server
    cannot open raises `DocumentUnreadable` and nothing is sent."""
    access = get_case_access(user=actor, case_id=document.case_id)
    if not access.may_read(document.section):
        raise NotFound()
    version = document.versions.filter(number=number or document.latest_version).first()
    if version is None:
        raise NotFound(_("No such version of this document."))
    try:
        with document_storage().open(version.object_name, "rb") as stored_file:
            blob = stored_file.read()
    except FileNotFoundError as error:
        logger.error("document version %s: its stored object cannot be read: %s", version.pk, error)
        raise crypto.DocumentUnreadable(
            _("This document cannot be opened: its stored copy is missing from the document storage.")
        ) from error
    except _STORE_ERRORS as error:
        logger.error("Document store unavailable: version %s not read: %r", version.pk, error)
        raise DocumentStoreUnavailable(STORE_UNAVAILABLE_ON_DOWNLOAD) from error
    content = crypto.decrypt(blob, version_id=str(version.pk))
    audit_copy_made(
        user=actor,
        kind="document_download",
        cases=[access.case],
        sections=[document.section],
        purpose="",
        object_type="document_version",
        object_id=str(version.pk),
        detail={"document": str(document.pk), "version": version.number},
    )
    return OpenedVersion(version=version, content=content)


@dataclass
class ReencryptionReport:
    reencrypted: int = 0
    already_current: int = 0
    failed: int = 0


def document_versions_reencrypt(*, batch_size: int = REENCRYPT_BATCH_SIZE) -> ReencryptionReport:
    """Re-encrypt every stored version not under the current key: each one in its own transaction
    (its row locked), under a new object name, the old object removed once the row points at the
    new one. Safe to run again and to interrupt: a version is either under its old key or its new
    one. A version that cannot be opened is counted and left as it is."""
    keys = crypto.configured_keys()
    report = ReencryptionReport(already_current=DocumentVersion.objects.filter(key_id=keys.current).count())
    storage = document_storage()
    skipped: set[uuid.UUID] = set()
    while True:
        batch = list(
            DocumentVersion.objects.exclude(key_id=keys.current)
            .exclude(pk__in=skipped)
            .order_by("uploaded_at", "id")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not batch:
            return report
        for version_id in batch:
            try:
                with _removed_on_failure() as stored, transaction.atomic():
                    version = (
                        DocumentVersion.objects.select_for_update(skip_locked=True)
                        .filter(pk=version_id)
                        .exclude(key_id=keys.current)
                        .first()
                    )
                    if version is None:
                        continue
                    with storage.open(version.object_name, "rb") as stored_file:
                        content = crypto.decrypt(stored_file.read(), version_id=str(version.pk), keys=keys)
                    old_name = version.object_name
                    version.key_id, blob = crypto.encrypt(content, version_id=str(version.pk), keys=keys)
                    version.object_name = storage.save(uuid.uuid4().hex, ContentFile(blob))
                    stored.append(version.object_name)
                    version.save(update_fields=["key_id", "object_name"])
                    transaction.on_commit(lambda name=old_name: storage.delete(name))  # type: ignore[misc]
                report.reencrypted += 1
            except (crypto.DocumentUnreadable, OSError) as error:
                skipped.add(version_id)
                report.failed += 1
                logger.warning("document version %s could not be re-encrypted: %s", version_id, error)
