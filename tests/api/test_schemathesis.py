"""Schemathesis against the generated schema, through the real WSGI application and signed in
with real tokens: no 5xx, and every response (status, content type, headers, body) is one the
schema describes.

Three runs, each with schemathesis's coverage phase (boundary values: the longest string a field
allows, the smallest number, each required field missing) and random examples:

- every read, and signing in, as the lead agency's liaison (a few examples each);
- every write on case work as the lead agency's supervisor, who may do the most (more examples);
- the platform administrator's operations, agencies and their members (many more examples).

Well-formed ids and references in what was generated are swapped for ids of real rows, and edits
carry the current ETag, so the inputs get past validation to the services: whatever passes
validation must be stored or refused with a 4xx. A 5xx there is a defect (a 200-character agency
name once overflowed its group's name column)."""

import json
import uuid
from typing import Any

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

from agencies.models import User
from api.concurrency import IF_MATCH, etag_for
from casework.access import get_case_access
from casework.models import Task
from casework.services.handoffs import handoff_create
from casework.services.notes import note_add
from casework.services.sharing import consent_record, grant_create
from casework.services.tasks import task_create
from notifications.models import Notification
from plans.models import CasePlan
from plans.services import plan_action_add, plan_goal_add, plan_submission_return, plan_submit
from tests.documents.conftest import add_document
from tests.factories import in_hours

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
WRITES = ("POST", "PATCH", "DELETE")
SIGN_IN = "/api/v1/auth/token/"
ACCOUNTS = ("/api/v1/agencies/", "/api/v1/users/")
# Body fields that name another row, and which real row a well-formed value is swapped for.
AGENCY_FIELDS = ("agency", "recipient_agency", "to_agency")
ID_FIELDS = {
    "task": "task_id",
    "case": "case_id",
    "consent": "consent_id",
    "assignee": "member_id",
    "attached_id": "consent_id",
}
# Edits whose `If-Match` gets the current ETag, and how to read it for the caller.
EDITABLE = {"/api/v1/cases/{case_id}/", "/api/v1/tasks/{task_id}/"}
# Edits of the case plan's draft (POST and PATCH), all against the plan's version.
PLAN_EDITS = {
    "/api/v1/cases/{case_id}/plan/goals/",
    "/api/v1/cases/{case_id}/plan/goals/{goal_id}/",
    "/api/v1/cases/{case_id}/plan/goals/{goal_id}/actions/",
    "/api/v1/cases/{case_id}/plan/actions/{action_id}/",
    "/api/v1/cases/{case_id}/plan/submit/",
}


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
def world(shared_case, lead, partner, unrelated):
    """Real rows for every kind of id, reachable by the lead agency's liaison and supervisor: a
    case shared with a partner, a task, a note, a consent and the grant resting on it, a handoff
    the partner offers the lead agency, and an agency that takes no part in the case."""
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
    # A case plan returned once, so its draft is editable and its submission decided.
    goal = plan_goal_add(
        actor=lead.liaison,
        case=shared_case,
        expected_version=0,
        domain="safety",
        description="Safe placement",
        review_on=timezone.localdate(),
    )
    action = plan_action_add(
        actor=lead.liaison,
        goal=goal,
        expected_version=CasePlan.objects.get(case=shared_case).version,
        description="Weekly visit",
        owner_agency=lead.agency,
        due_at=in_hours(72),
    )
    submission = plan_submit(
        actor=lead.liaison,
        case=shared_case,
        expected_version=CasePlan.objects.get(case=shared_case).version,
        approver=lead.supervisor,
    )
    plan_submission_return(actor=lead.supervisor, submission=submission, comments="Add a school goal.")
    document = add_document(actor=lead.liaison, case=shared_case)
    # The handoff told the lead agency's liaisons and supervisors: each reads their own.
    notifications = Notification.objects.filter(handoff=handoff).values_list("recipient_id", "pk")
    return {
        "ids": {
            "case_id": str(shared_case.pk),
            "task_id": str(task.pk),
            "note_id": str(note.pk),
            "consent_id": str(consent.pk),
            "grant_id": str(grant.pk),
            "handoff_id": str(handoff.pk),
            "member_id": str(lead.caseworker.public_id),
            "goal_id": str(goal.pk),
            "action_id": str(action.pk),
            "submission_id": str(submission.pk),
            "document_id": str(document.pk),
        },
        "notifications": {recipient: str(pk) for recipient, pk in notifications},
        "agencies": [lead.agency.pk, partner.agency.pk, unrelated.agency.pk],
    }


def _generated_schema() -> dict:
    """The document `/api/v1/schema/` serves to a signed-in user. Generating it touches no
    database, so it is built once, at collection, without signing anyone in."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _with_real_references(body: object, world: dict[str, Any]) -> object:
    """The body with each well-formed reference swapped for a real row's: agency numbers in turn
    for the caller's agency, the partner on the case, an agency not on it and (left as generated)
    one that does not exist; ids for the world's rows. Malformed values stay, for the 400s."""
    if not isinstance(body, dict):
        return body
    swapped = dict(body)
    agencies = world["agencies"]
    for name in AGENCY_FIELDS:
        value = body.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            choice = value % (len(agencies) + 1)
            if choice < len(agencies):
                swapped[name] = agencies[choice]
    for name, key in ID_FIELDS.items():
        if _is_uuid(body.get(name)):
            swapped[name] = world["ids"][key]
    return swapped


def _current_etag(path: str, *, user: User, world: dict[str, Any]) -> str:
    if path in PLAN_EDITS:
        return etag_for(CasePlan.objects.get(case_id=world["ids"]["case_id"]).version)
    if path == "/api/v1/cases/{case_id}/":
        access = get_case_access(user=user, case_id=world["ids"]["case_id"])
        return etag_for(access.case.version_for(access.readable))
    return etag_for(Task.objects.get(pk=world["ids"]["task_id"]).version)


def _call_and_validate(case: Any, *, user: User, world: dict[str, Any]) -> None:
    ids = {**world["ids"], "notification_id": world["notifications"].get(user.pk)}
    for name in case.path_parameters or {}:
        if ids.get(name) is not None:
            case.path_parameters[name] = ids[name]
    case.body = _with_real_references(case.body, world)
    path = case.operation.path
    # A missing If-Match stays missing (428); any other value is the ETag the caller last read.
    edits = (path in EDITABLE and case.method == "PATCH") or path in PLAN_EDITS
    if edits and case.headers and IF_MATCH in case.headers:
        case.headers[IF_MATCH] = _current_etag(path, user=user, world=world)
    token, _ = Token.objects.get_or_create(user=user)
    headers = {"Authorization": f"Token {token.key}"}
    if path == SIGN_IN and case.method == "DELETE":
        # Revoking the token would sign out every later example of the run.
        headers = {}
    case.call_and_validate(headers=headers, checks=CHECKS)


def _is_write_on_case_work(context: Any) -> bool:
    operation = context.operation
    return operation.method.upper() in WRITES and operation.path not in (SIGN_IN, *ACCOUNTS)


schema = schemathesis.openapi.from_dict(_generated_schema())
schema.app = get_wsgi_application()


@schema.exclude(func=_is_write_on_case_work).exclude(path=list(ACCOUNTS), method="POST").parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_reads_and_signing_in_conform_to_the_schema(case, world, lead):
    _call_and_validate(case, user=lead.liaison, world=world)


@schema.include(func=_is_write_on_case_work).parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_write_on_case_work_is_stored_or_refused_for_a_supervisor(case, world, lead):
    _call_and_validate(case, user=lead.supervisor, world=world)


@schema.include(path=list(ACCOUNTS)).parametrize()
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_agency_and_member_input_is_stored_or_refused_for_a_platform_administrator(
    case, world, platform_admin
):
    _call_and_validate(case, user=platform_admin, world=world)
