"""A full disk, for real: the documents store and a log file on a 200 KB tmpfs mounted for the test
(the suite runs as root here; elsewhere these tests are skipped, never faked). An upload larger
than the room left is refused with a clear 503 and leaves neither a row nor a part of a file; a
log handler that cannot write does not turn a request into a 500."""

import contextlib
import logging
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from casework.models import Case, TimelineEvent
from common.logs import JsonFormatter, LogContextFilter
from documents.models import Document, DocumentVersion
from security.logging import PersonalDataFilter
from tests.api.conftest import Api, error_of
from tests.conftest import Staff
from tests.documents.conftest import pdf_bytes, upload_file

pytestmark = pytest.mark.django_db

TMPFS_BYTES = 200 * 1024


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    subprocess.run(  # noqa: S603 - fixed arguments
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_BYTES}", "tmpfs", str(mount_point)],  # noqa: S607
        check=True,
    )
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)  # noqa: S603, S607


@pytest.fixture
def documents_on_tiny_disk(settings: Any, tiny_disk: Path) -> Path:
    root = tiny_disk / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    return root


def upload(api: Api, case: Case, content: bytes) -> Any:
    return api.client.post(
        f"/api/v1/cases/{case.pk}/documents/",
        {
            "file": upload_file(content, "placement.pdf"),
            "document_type": "placement_agreement",
            "title": "Foster placement agreement",
            "section": "location",
        },
        format="multipart",
    )


def test_an_upload_bigger_than_the_room_left_is_a_clear_503_and_leaves_nothing(
    documents_on_tiny_disk: Path, shared_case: Case, lead: Staff
) -> None:
    # A valid PDF followed by 300 KB of padding, more than the whole 200 KB store.
    too_big = pdf_bytes() + b"\n%" + os.urandom(300 * 1024)
    timeline_before = TimelineEvent.objects.filter(case=shared_case).count()

    response = upload(Api(lead.caseworker), shared_case, too_big)

    assert response.status_code == 503
    assert error_of(response) == {
        "code": "document_store_full",
        "message": "The document was not saved: the document storage is full. "
        "Tell your Bridge administrator; nothing of this upload was kept.",
        "fields": {},
    }
    assert Document.objects.count() == 0
    assert DocumentVersion.objects.count() == 0
    assert TimelineEvent.objects.filter(case=shared_case).count() == timeline_before
    assert list(documents_on_tiny_disk.iterdir()) == []


def test_after_a_refusal_an_upload_that_fits_is_stored(
    documents_on_tiny_disk: Path, shared_case: Case, lead: Staff
) -> None:
    api = Api(lead.caseworker)
    upload(api, shared_case, pdf_bytes() + b"\n%" + os.urandom(300 * 1024))

    response = upload(api, shared_case, pdf_bytes())

    assert response.status_code == 201
    assert DocumentVersion.objects.count() == 1
    assert len(list(documents_on_tiny_disk.iterdir())) == 1


def fill(path: Path) -> None:
    with path.open("wb") as handle:
        while True:
            handle.write(b"x" * 4096)
            handle.flush()


def test_a_log_file_on_a_full_disk_does_not_fail_the_request(tiny_disk: Path, lead: Staff, capsys) -> None:
    with pytest.raises(OSError, match="No space left on device"):
        fill(tiny_disk / "filler")
    handler = logging.FileHandler(tiny_disk / "bridge.log")
    handler.setFormatter(JsonFormatter())
    handler.addFilter(PersonalDataFilter())
    handler.addFilter(LogContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        response = Api(lead.caseworker).get("cases/")
    finally:
        root.removeHandler(handler)
        # Closing flushes what the full disk refused once more; logging.shutdown, which closes
        # handlers when a process ends, ignores that OSError the same way.
        with contextlib.suppress(OSError):
            handler.close()

    assert response.status_code == 200
    # logging's handleError reported the failed write on standard error and went on.
    assert "No space left on device" in capsys.readouterr().err
