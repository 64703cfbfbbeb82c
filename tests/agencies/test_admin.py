"""The Django admin manages agencies and people, has no path to case content, shows no secret,
sets no password, and audits everything an administrator does in it."""

from io import StringIO

import pytest
from django.contrib import admin
from django.core import mail
from django.core.management import call_command
from django.db import ProgrammingError, transaction
from django.urls import reverse
from rest_framework.authtoken.models import Token

from agencies.models import Agency, AgencyKind, Role, User
from agencies.services import ADMIN_NOT_MEMBER, OWN_ACCOUNT_REFUSAL
from audit.admin import AuditedModelAdmin
from audit.models import AuditRecord
from casework.demo import DEMO_CHILD_NAMES
from notifications.models import Notification
from tests.factories import PASSWORD
from tests.security.conftest import enrol

pytestmark = pytest.mark.django_db

CASE_CONTENT_MODELS = {
    "case",
    "identitysection",
    "locationsection",
    "immigrationsection",
    "investigationsection",
    "healthsection",
    "servicessection",
    "legalsection",
    "note",
    "timelineevent",
    "consent",
    "sectiongrant",
    "task",
    "caseuserobjectpermission",
    "casegroupobjectpermission",
    "caseparticipant",
}
# Models whose admin would show a secret or act as someone: API keys (and minting them), second
# factors (TOTP secrets, recovery seeds) and email addresses (where reset links go).
SECRET_MODELS = {"tokenproxy", "token", "authenticator", "emailaddress"}


def _change_data(user, **changes):
    """The admin's change form for `user` as its page would post it."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "agency": user.agency_id or "",
        "role": user.role,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_no_case_content_model_is_registered_in_the_admin():
    registered = {model._meta.model_name for model in admin.site._registry}

    assert registered & CASE_CONTENT_MODELS == set()


def test_no_model_holding_a_secret_is_registered_in_the_admin():
    registered = {model._meta.model_name for model in admin.site._registry}

    assert registered & SECRET_MODELS == set()


@pytest.mark.parametrize(
    "path", ["/admin/authtoken/tokenproxy/add/", "/admin/mfa/authenticator/", "/admin/account/emailaddress/"]
)
def test_the_token_authenticator_and_email_admin_pages_do_not_exist(client, platform_admin, path):
    client.force_login(platform_admin)

    assert client.get(path).status_code == 404


def test_every_registered_model_is_audited():
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedModelAdmin)
    ]

    assert unaudited == []


def _admin_pages(platform_admin):
    pages = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(_request_as(platform_admin)):
            pages.append(reverse("admin:{}_{}_add".format(*info)))
        for obj in model._default_manager.all()[:3]:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
            pages.append(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
    return pages


def _request_as(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_no_admin_page_shows_case_content_or_a_secret(client, platform_admin, lead):
    call_command("load_demo", stdout=StringIO())
    token = Token.objects.create(user=lead.caseworker)
    enrolment = enrol(lead.caseworker)
    secrets = {token.key, enrolment.secret, *enrolment.recovery_codes}
    secrets |= set(User.objects.values_list("password", flat=True))
    client.force_login(platform_admin)

    problems = []
    for page in _admin_pages(platform_admin):
        response = client.get(page)
        body = response.content.decode()
        if response.status_code != 200:
            problems.append(f"{page}: {response.status_code}")
        problems += [f"{page} shows a child's name" for name in DEMO_CHILD_NAMES if name in body]
        problems += [f"{page} shows a secret" for secret in secrets if secret in body]
        if 'type="password"' in body:
            problems.append(f"{page} has a password field")

    assert problems == []


def test_the_user_admin_has_no_password_change_page(client, platform_admin, lead):
    client.force_login(platform_admin)
    url = f"/admin/agencies/user/{lead.supervisor.pk}/password/"

    page = client.get(url, follow=True)
    client.post(url, {"password1": "chosen-by-the-admin-1", "password2": "chosen-by-the-admin-1"})

    assert 'name="password1"' not in page.content.decode()
    assert User.objects.get(pk=lead.supervisor.pk).check_password(PASSWORD) is True


def test_adding_an_agency_in_the_admin_creates_its_group(client, platform_admin):
    client.force_login(platform_admin)

    response = client.post(
        reverse("admin:agencies_agency_add"),
        {
            "name": "Metro PD",
            "kind": AgencyKind.LAW_ENFORCEMENT,
            "jurisdiction": "TX",
            "members-TOTAL_FORMS": 0,
            "members-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302
    agency = Agency.objects.get(name="Metro PD")
    assert agency.group.name == f"agency:{agency.public_id}"


def test_adding_a_member_in_the_admin_emails_them_a_link_and_sets_no_password(
    client, platform_admin, lead, django_capture_on_commit_callbacks
):
    client.force_login(platform_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:agencies_user_add"),
            {
                "username": "new.supervisor",
                "email": "new.supervisor@example.org",
                "first_name": "New",
                "last_name": "Supervisor",
                "agency": lead.agency.pk,
                "role": Role.SUPERVISOR,
            },
        )

    assert response.status_code == 302
    user = User.objects.get(username="new.supervisor")
    assert (user.agency, user.role, user.has_usable_password()) == (lead.agency, Role.SUPERVISOR, False)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["new.supervisor@example.org"], "[Bridge] Set up your account new.supervisor")
    ]
    [notice] = Notification.objects.filter(kind="case_role_granted")
    assert notice.recipient == lead.supervisor


def test_the_add_form_asks_for_no_password(client, platform_admin):
    client.force_login(platform_admin)

    page = client.get(reverse("admin:agencies_user_add")).content.decode()

    assert 'type="password"' not in page
    assert 'name="email"' in page


def test_the_admin_refuses_an_agency_for_a_staff_account_with_a_field_error(client, platform_admin, lead):
    client.force_login(platform_admin)

    response = client.post(
        reverse("admin:agencies_user_change", args=[lead.supervisor.pk]),
        _change_data(lead.supervisor, is_staff="on"),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["agency"] == [ADMIN_NOT_MEMBER]
    assert User.objects.get(pk=lead.supervisor.pk).is_staff is False


def test_a_platform_admin_cannot_make_themselves_a_member_in_the_admin(client, platform_admin, lead):
    client.force_login(platform_admin)

    response = client.post(
        reverse("admin:agencies_user_change", args=[platform_admin.pk]),
        _change_data(
            platform_admin, is_staff="", is_superuser="", agency=lead.agency.pk, role=Role.SUPERVISOR
        ),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [OWN_ACCOUNT_REFUSAL]
    platform_admin.refresh_from_db()
    assert (platform_admin.agency, platform_admin.role, platform_admin.is_superuser) == (None, "", True)


def test_the_email_address_is_not_editable_in_the_admin(client, platform_admin, lead):
    client.force_login(platform_admin)

    client.post(
        reverse("admin:agencies_user_change", args=[lead.supervisor.pk]),
        _change_data(lead.supervisor, email="admins-own@example.org"),
    )

    assert User.objects.get(pk=lead.supervisor.pk).email == lead.supervisor.email


def test_moving_a_user_to_another_agency_in_the_admin_moves_their_group(
    client, platform_admin, lead, partner
):
    client.force_login(platform_admin)
    user = lead.caseworker

    response = client.post(
        reverse("admin:agencies_user_change", args=[user.pk]),
        _change_data(user, agency=partner.agency.pk, role=Role.LIAISON),
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.agency, user.role, list(user.groups.all())) == (
        partner.agency,
        Role.LIAISON,
        [partner.agency.group],
    )


def test_the_reset_link_action_emails_the_person_and_shows_the_admin_nothing(
    client, platform_admin, lead, django_capture_on_commit_callbacks
):
    client.force_login(platform_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:agencies_user_changelist"),
            {"action": "send_password_link", "_selected_action": [lead.supervisor.pk]},
            follow=True,
        )

    [message] = mail.outbox
    link = next(line for line in message.body.splitlines() if "/accounts/password/reset/key/" in line)
    assert message.to == [lead.supervisor.email]
    assert link.strip() not in response.content.decode()
    assert "A password reset link was emailed to 1 account(s)." in response.content.decode()
    assert User.objects.get(pk=lead.supervisor.pk).check_password(PASSWORD) is True


def test_the_reset_link_action_is_audited_with_the_administrator_as_actor(client, platform_admin, lead):
    client.force_login(platform_admin)

    client.post(
        reverse("admin:agencies_user_changelist"),
        {"action": "send_password_link", "_selected_action": [lead.supervisor.pk]},
    )

    records = AuditRecord.objects.filter(event_type__in=["admin.action", "account.password_link_sent"])
    assert sorted((r.event_type, r.user_id, r.component, r.detail.get("action", "")) for r in records) == [
        ("account.password_link_sent", platform_admin.pk, "admin", ""),
        ("admin.action", platform_admin.pk, "admin", "send_password_link"),
    ]


def test_an_admin_change_is_audited_with_the_administrator_as_actor(client, platform_admin, lead):
    client.force_login(platform_admin)

    client.post(
        reverse("admin:agencies_agency_change", args=[lead.agency.pk]),
        {
            "name": "Harris County Children's Services",
            "kind": lead.agency.kind,
            "jurisdiction": "TX",
            "members-TOTAL_FORMS": 0,
            "members-INITIAL_FORMS": 0,
        },
    )

    record = AuditRecord.objects.get(event_type="admin.changed")
    assert (record.user, record.component, record.object_type, record.object_id, record.detail) == (
        platform_admin,
        "admin",
        "agencies.agency",
        str(lead.agency.pk),
        {"fields": ["Name"]},
    )


def test_adding_in_the_admin_is_audited_with_the_administrator_as_actor(client, platform_admin):
    client.force_login(platform_admin)

    client.post(
        reverse("admin:agencies_agency_add"),
        {
            "name": "Metro PD",
            "kind": AgencyKind.LAW_ENFORCEMENT,
            "jurisdiction": "TX",
            "members-TOTAL_FORMS": 0,
            "members-INITIAL_FORMS": 0,
        },
    )

    record = AuditRecord.objects.get(event_type="admin.added")
    assert (record.user, record.object_type, record.object_id) == (
        platform_admin,
        "agencies.agency",
        str(Agency.objects.get(name="Metro PD").pk),
    )


def test_an_agency_administrator_cannot_open_the_admin(client, lead):
    client.force_login(lead.admin)

    response = client.get("/admin/agencies/user/")

    assert response.status_code in {302, 403}
    assert lead.supervisor.username not in response.content.decode()


def test_createsuperuser_noinput_makes_a_platform_administrator(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-passphrase")
    call_command(
        "createsuperuser",
        "--noinput",
        username="root-admin",
        email="root@example.org",
        stdout=StringIO(),
    )

    user = User.objects.get(username="root-admin")
    assert (user.is_superuser, user.agency, user.role) == (True, None, "")


def test_an_agencys_kind_cannot_be_changed_in_the_admin(client, platform_admin, lead):
    client.force_login(platform_admin)
    url = reverse("admin:agencies_agency_change", args=[lead.agency.pk])

    client.post(url, {"name": lead.agency.name, "kind": AgencyKind.LAW_ENFORCEMENT, "jurisdiction": "TX"})

    lead.agency.refresh_from_db()
    assert lead.agency.kind == AgencyKind.CHILD_WELFARE


def test_the_database_refuses_to_change_an_agencys_kind(lead):
    with pytest.raises(ProgrammingError, match="agency_kind_is_fixed"), transaction.atomic():
        Agency.objects.filter(pk=lead.agency.pk).update(kind=AgencyKind.LAW_ENFORCEMENT)
