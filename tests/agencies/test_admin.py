"""The Django admin manages agencies and people and has no path to case content."""

from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from agencies.models import Agency, AgencyKind, Role, User
from casework.demo import DEMO_CHILD_NAMES

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


def test_no_case_content_model_is_registered_in_the_admin():
    registered = {model._meta.model_name for model in admin.site._registry}

    assert registered & CASE_CONTENT_MODELS == set()


def test_a_superuser_browsing_every_admin_page_sees_no_childs_name(client, platform_admin, settings):
    call_command("load_demo", stdout=StringIO())
    client.force_login(platform_admin)
    pages = ["/admin/"] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    agency = Agency.objects.first()
    pages.append(reverse("admin:agencies_agency_change", args=[agency.pk]))

    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        assert not [name for name in DEMO_CHILD_NAMES if name in body], page


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
    assert Agency.objects.get(name="Metro PD").group.name == "agency:Metro PD"


def test_moving_a_user_to_another_agency_in_the_admin_moves_their_group(
    client, platform_admin, lead, partner
):
    client.force_login(platform_admin)
    user = lead.caseworker

    response = client.post(
        reverse("admin:agencies_user_change", args=[user.pk]),
        {
            "username": user.username,
            "first_name": "",
            "last_name": "",
            "email": "",
            "agency": partner.agency.pk,
            "role": Role.LIAISON,
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.agency, user.role, list(user.groups.all())) == (
        partner.agency,
        Role.LIAISON,
        [partner.agency.group],
    )


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
