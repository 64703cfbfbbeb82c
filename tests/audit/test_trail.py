"""What lands in the audit log: every change (services, bulk updates, raw SQL), reads of a case and
of each restricted section, denied accesses, sign-ins, role and grant changes."""

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Role
from agencies.services import user_change_role
from audit.models import AuditRecord
from casework.models import Task
from casework.services.notes import note_add
from casework.services.sharing import consent_record
from casework.services.tasks import task_create
from tests.api.conftest import API, Api
from tests.factories import PASSWORD, in_hours

pytestmark = pytest.mark.django_db

RECORD_FIELDS = (
    "component",
    "event_type",
    "user_id",
    "username",
    "agency_id",
    "client_address",
    "object_type",
    "object_id",
    "case_id",
    "section",
    "outcome",
)


def shape(record: AuditRecord) -> tuple[object, ...]:
    return tuple(getattr(record, field) for field in RECORD_FIELDS)


def test_an_api_edit_is_recorded_with_who_where_and_what(case, lead):
    api = Api(lead.caseworker)
    etag = api.get(f"cases/{case.pk}/").headers["ETag"]
    since = AuditRecord.objects.order_by("-id").values_list("id", flat=True).first()

    api.patch(f"cases/{case.pk}/", {"location": {"school": "Elm Middle"}}, **{"If-Match": etag})

    changes = AuditRecord.objects.filter(id__gt=since, event_type__endswith=".update").order_by("id")
    assert [shape(record) for record in changes] == [
        (
            "api",
            "section.update",
            lead.caseworker.pk,
            lead.caseworker.username,
            lead.agency.pk,
            "127.0.0.1",
            "section",
            str(case.pk),
            case.pk,
            "location",
            "success",
        ),
        (
            "api",
            "case.update",
            lead.caseworker.pk,
            lead.caseworker.username,
            lead.agency.pk,
            "127.0.0.1",
            "case",
            str(case.pk),
            case.pk,
            "core",
            "success",
        ),
    ]


def test_a_bulk_update_outside_any_service_is_recorded_row_by_row(case, lead):
    first = task_create(actor=lead.caseworker, case=case, title="Call the school", due_at=in_hours(24))
    second = task_create(actor=lead.caseworker, case=case, title="Visit", due_at=in_hours(48))

    Task.objects.filter(case=case).update(title="Renamed")

    updates = AuditRecord.objects.filter(event_type="task.update").order_by("id")
    assert sorted(record.object_id for record in updates) == sorted([str(first.pk), str(second.pk)])
    assert {(record.component, record.user_id, record.case_id) for record in updates} == {
        ("system", None, case.pk)
    }


def test_raw_sql_is_recorded(case):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE casework_case SET pseudonym = 'X.Y.' WHERE id = %s", [case.pk])

    record = AuditRecord.objects.filter(event_type="case.update").latest("id")
    assert (record.object_id, record.component) == (str(case.pk), "system")


def test_a_deleted_row_is_recorded(case, lead):
    note = note_add(actor=lead.caseworker, case=case, section="core", body="Called the school.")

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM casework_note WHERE id = %s", [note.pk])

    assert AuditRecord.objects.filter(event_type="note.delete", object_id=str(note.pk)).count() == 1


def test_a_role_change_is_recorded(lead):
    user_change_role(actor=lead.admin, user=lead.caseworker, role=Role.LIAISON)

    record = AuditRecord.objects.filter(event_type="user.update", object_id=str(lead.caseworker.pk)).latest(
        "id"
    )
    assert (record.case_id, record.object_type) == (None, "user")


def test_a_grant_is_recorded_on_its_case_with_who_granted_it(shared_case, lead, partner):
    consent = consent_record(
        actor=lead.liaison,
        case=shared_case,
        recipient_agency=partner.agency,
        sections=["location"],
        purpose="Safety planning",
        signed_by="M.R. and guardian",
        signed_on=timezone.localdate(),
    )
    response = Api(lead.liaison).post(
        f"cases/{shared_case.pk}/grants/",
        {"agency": partner.agency.pk, "section": "location", "consent": str(consent.pk)},
    )

    record = AuditRecord.objects.get(event_type="grant.insert", object_id=response.json()["id"])
    assert (record.case_id, record.section, record.user_id) == (shared_case.pk, "location", lead.liaison.pk)


def test_reading_a_case_records_the_case_and_each_restricted_section(case, lead):
    Api(lead.caseworker).get(f"cases/{case.pk}/")

    reads = AuditRecord.objects.filter(event_type__in=["case.read", "section.read"]).order_by("id")
    assert [(record.event_type, record.section, record.detail["view"]) for record in reads] == [
        ("case.read", "core", "detail"),
        ("section.read", "health", "detail"),
        ("section.read", "identity", "detail"),
        ("section.read", "immigration", "detail"),
        ("section.read", "location", "detail"),
    ]
    assert {(record.user_id, record.agency_id, record.case_id, record.component) for record in reads} == {
        (lead.caseworker.pk, lead.agency.pk, case.pk, "api")
    }


def test_reading_notes_records_the_sections_of_the_notes_shown(case, lead):
    note_add(actor=lead.caseworker, case=case, section="location", body="Placement stable.")
    note_add(actor=lead.caseworker, case=case, section="core", body="Weekly call.")

    Api(lead.caseworker).get(f"cases/{case.pk}/notes/")

    reads = AuditRecord.objects.filter(detail__view="notes").order_by("id")
    assert [(record.event_type, record.section) for record in reads] == [
        ("case.read", "core"),
        ("section.read", "location"),
    ]


def test_reading_the_timeline_is_recorded(case, lead):
    Api(lead.caseworker).get(f"cases/{case.pk}/timeline/")

    assert AuditRecord.objects.filter(event_type="case.read", detail__view="timeline").count() == 1


def test_an_unrelated_agencys_attempt_is_recorded_as_denied(case, unrelated):
    response = Api(unrelated.supervisor).get(f"cases/{case.pk}/")

    record = AuditRecord.objects.get(event_type="access.denied")
    assert response.status_code == 404
    assert shape(record) == (
        "api",
        "access.denied",
        unrelated.supervisor.pk,
        unrelated.supervisor.username,
        unrelated.agency.pk,
        "127.0.0.1",
        "case",
        str(case.pk),
        case.pk,
        "",
        "denied",
    )
    assert record.detail == {"status": 404}


def test_a_forbidden_action_is_recorded_as_denied(shared_case, partner):
    response = Api(partner.liaison).post(
        f"cases/{shared_case.pk}/participants/", {"agency": partner.agency.pk}
    )

    record = AuditRecord.objects.get(event_type="access.denied")
    assert response.status_code == 403
    assert (record.case_id, record.detail) == (shared_case.pk, {"status": 403})


def test_sign_ins_and_failures_are_recorded(lead):
    client = APIClient()
    client.post(
        f"{API}/auth/token/",
        {"username": lead.caseworker.username, "password": "wrong-one-123"},
        format="json",
    )
    client.post(
        f"{API}/auth/token/", {"username": lead.caseworker.username, "password": PASSWORD}, format="json"
    )

    records = AuditRecord.objects.filter(event_type__startswith="login.").order_by("id")
    assert [(record.event_type, record.outcome, record.user_id, record.component) for record in records] == [
        ("login.failed", "failure", lead.caseworker.pk, "api"),
        ("login.succeeded", "success", lead.caseworker.pk, "api"),
    ]
