"""No god mode: a superuser (platform administrator) reaches no case content through the API, the
access layer the shell would use, or the admin's history."""

import pytest
from django.contrib import admin
from django.test import Client

from casework.access import (
    cases_visible_to,
    get_case_access,
    handoffs_visible_to,
    tasks_visible_to,
)
from casework.services.tasks import task_create
from common.errors import NotFound
from tests.api.conftest import API, Api, body
from tests.factories import in_hours

pytestmark = pytest.mark.django_db

CASE_ENDPOINTS = (
    ("get", ""),
    ("patch", ""),
    ("get", "participants/"),
    ("get", "grants/"),
    ("get", "consents/"),
    ("get", "notes/"),
    ("get", "events/"),
    ("get", "timeline/"),
    ("get", "access-log/"),
    ("get", "access-log/disclosures/"),
    ("post", "break-glass/"),
)


@pytest.mark.parametrize(("method", "path"), CASE_ENDPOINTS)
def test_a_superuser_gets_not_found_on_every_case_endpoint(case, platform_admin, method, path):
    response = getattr(Api(platform_admin), method)(f"cases/{case.pk}/{path}")

    assert response.status_code == 404
    assert "Maria" not in response.content.decode()


@pytest.mark.parametrize(("method", "path"), CASE_ENDPOINTS[:3])
def test_a_superuser_session_gets_not_found_too(case, platform_admin, method, path):
    client = Client()
    client.force_login(platform_admin)

    response = getattr(client, method)(f"{API}/cases/{case.pk}/{path}")

    assert response.status_code == 404


def test_a_superuser_lists_no_cases_tasks_or_notifications(case, lead, platform_admin):
    task_create(actor=lead.caseworker, case=case, title="Visit", due_at=in_hours(24))
    api = Api(platform_admin)

    assert body(api.get("cases/"))["results"] == []
    assert body(api.get("tasks/"))["results"] == []
    assert body(api.get("handoffs/"))["results"] == []


def test_the_access_layer_gives_a_superuser_nothing(case, lead, platform_admin):
    """What `manage.py shell` offers is the access layer and the services; there is no helper or
    export that reads around them."""
    task_create(actor=lead.caseworker, case=case, title="Visit", due_at=in_hours(24))

    assert list(cases_visible_to(user=platform_admin)) == []
    assert list(tasks_visible_to(user=platform_admin)) == []
    assert list(handoffs_visible_to(user=platform_admin)) == []
    with pytest.raises(NotFound):
        get_case_access(user=platform_admin, case_id=case.pk)


def test_no_change_history_or_audit_table_is_in_the_admin():
    registered = {model._meta.app_label for model in admin.site._registry}

    assert "audit" not in registered
    assert "pghistory" not in registered
