"""Encryption at rest of document versions: AES-256-GCM (`cryptography`), keys from the setting
`BRIDGE_DOCUMENT_KEYS`.

A stored blob is `BRDG1` + one byte giving the key id's length + the key id (ASCII) + a 12-byte
random nonce + the ciphertext with its 16-byte tag. The associated data is the header and the
version's id, so a blob copied over another version's object, or a header edited to name another
key, fails authentication instead of opening as the wrong document.

`BRIDGE_DOCUMENT_KEYS` is a list of `key_id:base64 of 32 random bytes`; the first encrypts, every
one decrypts. Rotating: put a new key first, keep the old ones, run `manage.py reencrypt_documents`,
then remove the old keys."""

import base64
import binascii
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from common.errors import ApplicationError

MAGIC = b"BRDG1"
NONCE_BYTES = 12
KEY_BYTES = 32
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


class DocumentUnreadable(ApplicationError):
    """A stored version that this server cannot open: its key is gone, or the blob or key is
    wrong. Nothing of the content is returned; operators must act, the caller cannot."""

    code = "document_unreadable"
    status = 503


@dataclass(frozen=True)
class DocumentKeys:
    """The keys in force: `current` encrypts, every key in `by_id` decrypts."""

    current: str
    by_id: dict[str, bytes]


def parse_keys(entries: list[str]) -> DocumentKeys:
    """Read `key_id:base64-key` entries, refusing anything that is not a usable key."""
    by_id: dict[str, bytes] = {}
    order: list[str] = []
    for entry in entries:
        key_id, separator, encoded = entry.strip().partition(":")
        if not separator or not KEY_ID_PATTERN.match(key_id):
            raise ImproperlyConfigured(
                "BRIDGE_DOCUMENT_KEYS entries are `key_id:base64-key`;"
                " a key id is letters, digits, `_`, `.` or `-`."
            )
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error as error:
            raise ImproperlyConfigured(f"BRIDGE_DOCUMENT_KEYS: key {key_id} is not base64.") from error
        if len(key) != KEY_BYTES:
            raise ImproperlyConfigured(f"BRIDGE_DOCUMENT_KEYS: key {key_id} is not {KEY_BYTES} bytes.")
        if key_id in by_id:
            raise ImproperlyConfigured(f"BRIDGE_DOCUMENT_KEYS: key id {key_id} is given twice.")
        by_id[key_id] = key
        order.append(key_id)
    if not order:
        raise ImproperlyConfigured("BRIDGE_DOCUMENT_KEYS names no key.")
    return DocumentKeys(current=order[0], by_id=by_id)


def configured_keys() -> DocumentKeys:
    return parse_keys(list(settings.BRIDGE_DOCUMENT_KEYS))


def _header(key_id: str) -> bytes:
    encoded = key_id.encode("ascii")
    return MAGIC + bytes([len(encoded)]) + encoded


def _associated_data(header: bytes, version_id: str) -> bytes:
    return header + b"|" + version_id.encode("ascii")


def encrypt(plaintext: bytes, *, version_id: str, keys: DocumentKeys | None = None) -> tuple[str, bytes]:
    """The blob for `plaintext` under the current key, bound to the version; and that key's id."""
    keys = keys or configured_keys()
    header = _header(keys.current)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(keys.by_id[keys.current]).encrypt(
        nonce, plaintext, _associated_data(header, version_id)
    )
    return keys.current, header + nonce + ciphertext


def blob_key_id(blob: bytes) -> str:
    """The id of the key a blob names in its header."""
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 1:
        raise DocumentUnreadable(
            _("This document cannot be opened: its stored copy is not a Bridge document.")
        )
    length = blob[len(MAGIC)]
    raw = blob[len(MAGIC) + 1 : len(MAGIC) + 1 + length]
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError as error:
        raise DocumentUnreadable(
            _("This document cannot be opened: its stored copy has been altered.")
        ) from error


def decrypt(blob: bytes, *, version_id: str, keys: DocumentKeys | None = None) -> bytes:
    """The plaintext of a blob, or `DocumentUnreadable` saying why; never partial or wrong bytes."""
    keys = keys or configured_keys()
    key_id = blob_key_id(blob)
    key = keys.by_id.get(key_id)
    if key is None:
        raise DocumentUnreadable(
            _(
                "This document cannot be opened: it was encrypted with key %(key)s, "
                "which this server does not have."
            )
            % {"key": key_id}
        )
    header = _header(key_id)
    nonce = blob[len(header) : len(header) + NONCE_BYTES]
    ciphertext = blob[len(header) + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, _associated_data(header, version_id))
    except (InvalidTag, ValueError) as error:
        raise DocumentUnreadable(
            _("This document cannot be opened: its stored copy has been altered or the key is wrong.")
        ) from error


def generate_key_entry(key_id: str) -> str:
    """A new `key_id:base64-key` entry for `BRIDGE_DOCUMENT_KEYS`."""
    return f"{key_id}:{base64.b64encode(os.urandom(KEY_BYTES)).decode('ascii')}"
