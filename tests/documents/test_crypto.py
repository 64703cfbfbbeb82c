"""Encryption at rest: the stored blob never holds the plaintext, rotation re-encrypts and keeps
every version open, and a blob the server cannot open says why instead of giving bytes."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from documents import crypto
from documents.models import Document, DocumentVersion
from documents.services import document_storage, document_version_add, document_version_download
from tests.conftest import Staff
from tests.documents.conftest import KEY_2026, KEY_2027, pdf_bytes, upload_file

pytestmark = pytest.mark.django_db


def stored_blob(version: DocumentVersion) -> bytes:
    with document_storage().open(version.object_name, "rb") as stored:
        return stored.read()


def test_the_stored_bytes_do_not_contain_the_plaintext(
    location_document: Document, document_root: Path
) -> None:
    version = location_document.versions.get()
    blob = (document_root / version.object_name).read_bytes()

    assert b"Elm" not in blob
    assert b"%PDF" not in blob
    assert blob.startswith(b"BRDG1")


def test_the_object_name_is_random_never_the_filename(location_document: Document) -> None:
    version = location_document.versions.get()

    assert "agreement" not in version.object_name
    assert len(version.object_name) == 32


def test_a_blob_copied_over_another_version_does_not_open(location_document: Document, lead: Staff) -> None:
    other = document_version_add(
        actor=lead.caseworker,
        document=location_document,
        upload=upload_file(pdf_bytes("Second")),
        uploaded_name="second.pdf",
    )
    first = location_document.versions.get(number=1)

    with pytest.raises(crypto.DocumentUnreadable, match="has been altered or the key is wrong"):
        crypto.decrypt(stored_blob(first), version_id=str(other.pk))


def test_a_missing_key_says_which_key_is_missing(location_document: Document, lead: Staff, settings) -> None:
    settings.BRIDGE_DOCUMENT_KEYS = [KEY_2027]

    with pytest.raises(crypto.DocumentUnreadable) as refused:
        document_version_download(actor=lead.caseworker, document=location_document)

    assert refused.value.message == (
        "This document cannot be opened: it was encrypted with key demo-2026,"
        " which this server does not have."
    )


def test_a_wrong_key_under_the_same_id_is_refused_not_garbage(
    location_document: Document, lead: Staff, settings
) -> None:
    settings.BRIDGE_DOCUMENT_KEYS = ["demo-2026:" + KEY_2027.split(":")[1]]

    with pytest.raises(crypto.DocumentUnreadable, match="has been altered or the key is wrong"):
        document_version_download(actor=lead.caseworker, document=location_document)


def test_rotation_reencrypts_and_every_version_still_opens(
    location_document: Document,
    lead: Staff,
    settings,
    document_root: Path,
    django_capture_on_commit_callbacks,
) -> None:
    document_version_add(
        actor=lead.caseworker,
        document=location_document,
        upload=upload_file(pdf_bytes("Second")),
        uploaded_name="second.pdf",
    )
    old_names = set(DocumentVersion.objects.values_list("object_name", flat=True))
    settings.BRIDGE_DOCUMENT_KEYS = [KEY_2027, settings.BRIDGE_DOCUMENT_KEYS[0]]

    with django_capture_on_commit_callbacks(execute=True):
        call_command("reencrypt_documents", "--batch-size", "1")

    assert set(DocumentVersion.objects.values_list("key_id", flat=True)) == {"k2027"}
    settings.BRIDGE_DOCUMENT_KEYS = [KEY_2027]
    assert document_version_download(actor=lead.caseworker, document=location_document, number=1).content == (
        pdf_bytes("Elm")
    )
    assert document_version_download(actor=lead.caseworker, document=location_document, number=2).content == (
        pdf_bytes("Second")
    )
    assert not any((document_root / name).exists() for name in old_names)


def test_reencrypting_twice_changes_nothing_the_second_time(
    location_document: Document, settings, capsys
) -> None:
    settings.BRIDGE_DOCUMENT_KEYS = [KEY_2027, settings.BRIDGE_DOCUMENT_KEYS[0]]
    call_command("reencrypt_documents")
    name = location_document.versions.get().object_name

    call_command("reencrypt_documents")

    assert capsys.readouterr().out.splitlines()[-1] == (
        "Re-encrypted 0, already under the newest key 1, could not open 0."
    )
    assert location_document.versions.get().object_name == name


def test_a_version_under_an_unknown_key_is_reported_and_left(location_document: Document, settings) -> None:
    settings.BRIDGE_DOCUMENT_KEYS = [KEY_2027, KEY_2026]

    with pytest.raises(CommandError, match="1 version"):
        call_command("reencrypt_documents")

    assert location_document.versions.get().key_id == "demo-2026"


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([], "names no key"),
        (["no-separator"], "key_id:base64-key"),
        (["short:" + "c2hvcnQ="], "not 32 bytes"),
        (["bad:***"], "not base64"),
        ([KEY_2026, KEY_2026], "given twice"),
    ],
)
def test_unusable_keys_are_refused_at_start(entries: list[str], message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        crypto.parse_keys(entries)


def test_the_first_key_encrypts_and_every_key_decrypts() -> None:
    old_keys = crypto.parse_keys([KEY_2026])
    key_id, blob = crypto.encrypt(b"paper", version_id="v", keys=old_keys)

    both = crypto.parse_keys([KEY_2027, KEY_2026])

    assert key_id == "k2026"
    assert crypto.encrypt(b"paper", version_id="v", keys=both)[0] == "k2027"
    assert crypto.decrypt(blob, version_id="v", keys=both) == b"paper"


def test_a_missing_stored_copy_is_a_clear_error(
    location_document: Document, lead: Staff, document_root: Path
) -> None:
    (document_root / location_document.versions.get().object_name).unlink()

    with pytest.raises(crypto.DocumentUnreadable, match="its stored copy is missing"):
        document_version_download(actor=lead.caseworker, document=location_document)
