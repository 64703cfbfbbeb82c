"""No god mode (DOMAIN.md rule 1): platform administrators and agency administrators reach no
case content by any path: the API (with a token they obtain), the access layer the shell would
use, the admin site, minted API keys, password resets, or role changes of their own account."""

import pytest
from django.contrib import admin
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from agencies.models import Role, User
from agencies.services import OWN_ACCOUNT_REFUSAL, user_change_role
from casework.access import (
    cases_visible_to,
    get_case_access,
    handoffs_visible_to,
    tasks_visible_to,
)
from casework.services.tasks import task_create
from common.errors import NotFound, PermissionDenied
from notifications.models import Notification
from tests.api.conftest import API, Api, body, error_of
from tests.factories import PASSWORD, in_hours
from tests.security.conftest import enrol

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


def test_a_platform_admin_with_a_token_they_obtained_reads_no_case(case, platform_admin, settings):
    settings.BRIDGE_MFA_REQUIRED = True
    enrolment = enrol(platform_admin)
    obtained = APIClient().post(
        f"{API}/auth/token/",
        {"username": platform_admin.username, "password": PASSWORD, "otp": enrolment.code()},
        format="json",
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body(obtained)['token']}")

    assert client.get(f"{API}/cases/{case.pk}/").status_code == 404
    assert body(client.get(f"{API}/cases/"))["results"] == []


def test_no_administrator_can_mint_an_api_key_for_someone_else(client, platform_admin, lead):
    client.force_login(platform_admin)

    response = client.post("/admin/authtoken/tokenproxy/add/", {"user": lead.supervisor.pk})

    assert response.status_code == 404
    assert Token.objects.filter(user=lead.supervisor).exists() is False


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.LIAISON, Role.SUPERVISOR])
def test_an_agency_admin_cannot_raise_their_own_role_to_read_cases(case, lead, role):
    with pytest.raises(PermissionDenied) as error:
        user_change_role(actor=lead.admin, user=lead.admin, role=role)

    assert error.value.message == OWN_ACCOUNT_REFUSAL
    assert Api(User.objects.get(pk=lead.admin.pk)).get(f"cases/{case.pk}/").status_code == 404


def test_an_agency_admin_who_creates_a_supervisor_never_holds_its_password(
    lead, django_capture_on_commit_callbacks
):
    admin_api = Api(lead.admin)
    chosen = admin_api.post(
        "users/",
        {
            "username": "shadow.supervisor",
            "email": "shadow@example.org",
            "password": "the-admins-own-choice",
            "agency": lead.agency.pk,
            "role": "supervisor",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        created = admin_api.post(
            "users/",
            {
                "username": "shadow.supervisor",
                "email": "shadow@example.org",
                "agency": lead.agency.pk,
                "role": "supervisor",
            },
        )

    assert chosen.status_code == 400
    assert list(error_of(chosen)["fields"]) == ["password"]
    assert created.status_code == 201
    shadow = User.objects.get(username="shadow.supervisor")
    assert shadow.has_usable_password() is False
    assert [m.to for m in mail.outbox] == [["shadow@example.org"]]
    assert [n.recipient for n in Notification.objects.filter(kind="case_role_granted")] == [lead.supervisor]


def test_an_agency_admin_cannot_send_a_new_supervisors_link_to_their_own_mailbox(lead):
    response = Api(lead.admin).post(
        "users/",
        {"username": "shadow", "email": lead.admin.email, "agency": lead.agency.pk, "role": "supervisor"},
    )

    assert response.status_code == 400
    assert User.objects.filter(username="shadow").exists() is False


def test_a_platform_admin_cannot_join_an_agency_through_the_admin(client, case, lead, platform_admin):
    client.force_login(platform_admin)

    client.post(
        reverse("admin:agencies_user_change", args=[platform_admin.pk]),
        {
            "username": platform_admin.username,
            "agency": lead.agency.pk,
            "role": Role.SUPERVISOR,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )

    assert Api(User.objects.get(pk=platform_admin.pk)).get(f"cases/{case.pk}/").status_code == 404


def test_a_password_reset_by_an_administrator_reaches_only_the_person(
    client, platform_admin, lead, django_capture_on_commit_callbacks
):
    client.force_login(platform_admin)

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("admin:agencies_user_changelist"),
            {"action": "send_password_link", "_selected_action": [lead.supervisor.pk]},
            follow=True,
        )

    [message] = mail.outbox
    assert message.to == [lead.supervisor.email]
    assert "/accounts/password/reset/key/" not in page.content.decode()
    assert User.objects.get(pk=lead.supervisor.pk).check_password(PASSWORD) is True


@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=[model._meta.label for model in admin.site._registry]
)
def test_an_agency_admin_reaches_no_admin_page(client, lead, model):
    client.force_login(lead.admin)
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = client.get(changelist)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/login/?next={changelist}"
