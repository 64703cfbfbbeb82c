"""Schemathesis against the generated schema, through the real WSGI application and signed in
with a real token: no 5xx, and every response (status, content type, headers, body) is one the
schema describes. Path ids are swapped for ids of real rows, so success responses are checked
too and not only 404s. Bounded: a few examples per operation."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from casework.services.handoffs import handoff_create
from casework.services.notes import note_add
from casework.services.sharing import consent_record, grant_create
from casework.services.tasks import task_create
from notifications.models import Notification
from tests.factories import in_hours

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def requests_share_the_test_transaction():
    """Like Django's test client, keep the request signals from closing the connection that
    holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(shared_case, lead, partner):
    """Real rows for every kind of path id, reachable by the lead agency's liaison."""
    task = task_create(actor=lead.liaison, case=shared_case, title="Call school", due_at=in_hours(48))
    note = note_add(actor=lead.liaison, case=shared_case, section="core", body="Met the child.")
    consent = consent_record(
        actor=lead.liaison,
        case=shared_case,
        recipient_agency=partner.agency,
        sections=["location"],
        purpose="Safety planning",
        signed_by="Child and guardian",
        signed_on=timezone.localdate(),
    )
    grant = grant_create(
        actor=lead.liaison, case=shared_case, agency=partner.agency, section="location", consent=consent
    )
    offered = task_create(actor=partner.liaison, case=shared_case, title="Interview", due_at=in_hours(24))
    handoff = handoff_create(actor=partner.liaison, task=offered, to_agency=lead.agency)
    notification = Notification.objects.get(recipient=lead.liaison, handoff=handoff)
    token, _ = Token.objects.get_or_create(user=lead.liaison)
    return {
        "token": token.key,
        "ids": {
            "case_id": str(shared_case.pk),
            "task_id": str(task.pk),
            "note_id": str(note.pk),
            "consent_id": str(consent.pk),
            "grant_id": str(grant.pk),
            "handoff_id": str(handoff.pk),
            "notification_id": str(notification.pk),
        },
    }


def _generated_schema() -> dict:
    """The document `/api/v1/schema/` serves to a signed-in user. Generating it touches no
    database, so it is built once, at collection, without signing anyone in."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


schema = schemathesis.openapi.from_dict(_generated_schema())
schema.app = get_wsgi_application()


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case, world):
    if case.path_parameters:
        for name in case.path_parameters:
            if name in world["ids"]:
                case.path_parameters[name] = world["ids"][name]
    headers = {"Authorization": f"Token {world['token']}"}
    if case.operation.path == "/api/v1/auth/token/" and case.method == "DELETE":
        # Revoking the token would sign out every later example of the run.
        headers = {}
    case.call_and_validate(headers=headers, checks=CHECKS)
