"""An S3 document store that refuses, for real: Bridge's S3 storage (django-storages, as
`BRIDGE_DOCUMENT_STORAGE=s3` configures it) talks HTTP to moto's S3 server on a loopback port of
its own, with IAM checked, so Bridge's credentials can be denied writes by a policy the way an
administrator's mistake or a bucket lock would; and the server can be stopped outright. An
upload the store refuses answers a clear 503 and leaves neither a row nor an object; once the store
takes writes again an upload succeeds; a download while the store is away is a 503, never a 500."""

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer

from casework.models import Case, TimelineEvent
from documents.models import Document, DocumentVersion
from tests.api.conftest import Api, error_of
from tests.conftest import Staff
from tests.documents.conftest import pdf_bytes, upload_file
from tests.notifications.conftest import free_port

pytestmark = pytest.mark.django_db

BUCKET = "bridge-documents"
REGION = "us-east-1"
UNAVAILABLE_ON_UPLOAD = (
    "The document was not saved: the document storage is not available. Try again later; if it "
    "keeps happening, tell your Bridge administrator. Nothing of this upload was kept."
)
UNAVAILABLE_ON_DOWNLOAD = (
    "This document cannot be opened now: the document storage is not available. Try again later; "
    "if it keeps happening, tell your Bridge administrator."
)


@dataclass
class S3Store:
    """moto's S3 server, a bucket, Bridge's IAM user (allowed everything on the bucket) and an
    administrator who changes that user's policies."""

    server: ThreadedMotoServer
    endpoint: str
    admin: dict[str, str]
    running: bool = True

    def stop(self) -> None:
        self.server.stop()
        self.running = False

    def start(self) -> None:
        self.server.start()
        self.running = True

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=self.admin["AccessKeyId"],
            aws_secret_access_key=self.admin["SecretAccessKey"],
        )

    def deny_bridge_writes(self) -> None:
        self.client("iam").put_user_policy(
            UserName="bridge",
            PolicyName="deny-writes",
            PolicyDocument=policy("Deny", "s3:PutObject"),
        )

    def allow_bridge_writes(self) -> None:
        self.client("iam").delete_user_policy(UserName="bridge", PolicyName="deny-writes")

    def objects(self) -> list[str]:
        listing = self.client("s3").list_objects_v2(Bucket=BUCKET)
        return [item["Key"] for item in listing.get("Contents", [])]


def policy(effect: str, action: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": effect,
                    "Action": action,
                    "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                }
            ],
        }
    )


def access_key(iam: Any, user: str, policy_document: str) -> dict[str, str]:
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="access", PolicyDocument=policy_document)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return {"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}


@pytest.fixture
def s3_store(settings: Any) -> Iterator[S3Store]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    requests.post(f"{endpoint}/moto-api/reset", timeout=10)
    # Before IAM is switched on any key will do.
    setup = {
        "endpoint_url": endpoint,
        "region_name": REGION,
        "aws_access_key_id": "setup",
        "aws_secret_access_key": "setup",
    }
    boto3.client("s3", **setup).create_bucket(Bucket=BUCKET)
    iam = boto3.client("iam", **setup)
    everything = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    admin = access_key(iam, "administrator", json.dumps(everything))
    bridge = access_key(iam, "bridge", policy("Allow", "s3:*"))
    # From here on every request must be signed by a known key and allowed by its policies.
    previous = requests.post(f"{endpoint}/moto-api/reset-auth", data=b"0", timeout=10).json()
    # The S3 storage of config/settings/base.py (BRIDGE_DOCUMENT_STORAGE=s3), pointed at moto.
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": REGION,
                "access_key": bridge["AccessKeyId"],
                "secret_key": bridge["SecretAccessKey"],
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    store = S3Store(server=server, endpoint=endpoint, admin=admin)
    yield store
    if not store.running:
        store.start()
    requests.post(
        f"{endpoint}/moto-api/reset-auth",
        data=str(previous["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"]).encode(),
        timeout=10,
    )
    requests.post(f"{endpoint}/moto-api/reset", timeout=10)
    server.stop()


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


def assert_nothing_kept(store: S3Store, case: Case, timeline_before: int) -> None:
    assert Document.objects.count() == 0
    assert DocumentVersion.objects.count() == 0
    assert TimelineEvent.objects.filter(case=case).count() == timeline_before
    assert store.objects() == []


def test_a_write_the_store_refuses_is_a_clear_503_that_keeps_nothing_and_a_later_upload_succeeds(
    s3_store: S3Store, shared_case: Case, lead: Staff, record_property: Any
) -> None:
    api = Api(lead.caseworker)
    timeline_before = TimelineEvent.objects.filter(case=shared_case).count()
    s3_store.deny_bridge_writes()

    started = time.monotonic()
    response = upload(api, shared_case, pdf_bytes())
    record_property("refused_upload_seconds", round(time.monotonic() - started, 2))

    assert response.status_code == 503
    assert error_of(response) == {
        "code": "document_store_unavailable",
        "message": UNAVAILABLE_ON_UPLOAD,
        "fields": {},
    }
    assert_nothing_kept(s3_store, shared_case, timeline_before)

    s3_store.allow_bridge_writes()
    response = upload(api, shared_case, pdf_bytes("After the store recovered"))

    assert response.status_code == 201
    version = DocumentVersion.objects.get()
    assert s3_store.objects() == [version.object_name]
    assert TimelineEvent.objects.filter(case=shared_case).count() == timeline_before + 1
    download = api.client.get(f"/api/v1/cases/{shared_case.pk}/documents/{version.document_id}/download/")
    assert download.status_code == 200
    assert b"After the store recovered" in download.content


def test_a_store_that_does_not_answer_is_a_503_on_upload_and_download_until_it_returns(
    s3_store: S3Store, shared_case: Case, lead: Staff, record_property: Any
) -> None:
    api = Api(lead.caseworker)
    assert upload(api, shared_case, pdf_bytes("Stored before the outage")).status_code == 201
    [stored] = s3_store.objects()
    document = Document.objects.get()
    timeline_before = TimelineEvent.objects.filter(case=shared_case).count()
    s3_store.stop()

    started = time.monotonic()
    response = upload(api, shared_case, pdf_bytes("During the outage"))
    record_property("upload_while_unreachable_seconds", round(time.monotonic() - started, 2))
    assert response.status_code == 503
    assert error_of(response) == {
        "code": "document_store_unavailable",
        "message": UNAVAILABLE_ON_UPLOAD,
        "fields": {},
    }
    started = time.monotonic()
    download = api.client.get(f"/api/v1/cases/{shared_case.pk}/documents/{document.pk}/download/")
    record_property("download_while_unreachable_seconds", round(time.monotonic() - started, 2))
    assert download.status_code == 503
    assert error_of(download) == {
        "code": "document_store_unavailable",
        "message": UNAVAILABLE_ON_DOWNLOAD,
        "fields": {},
    }

    s3_store.start()

    assert Document.objects.get() == document
    assert DocumentVersion.objects.count() == 1
    assert TimelineEvent.objects.filter(case=shared_case).count() == timeline_before
    assert s3_store.objects() == [stored]
    download = api.client.get(f"/api/v1/cases/{shared_case.pk}/documents/{document.pk}/download/")
    assert download.status_code == 200
    assert b"Stored before the outage" in download.content
    assert upload(api, shared_case, pdf_bytes("After the outage")).status_code == 201
    assert len(s3_store.objects()) == 2
