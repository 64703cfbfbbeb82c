"""The agency administrator's members page: the only place an agency administrator works, and
one that shows no case content."""

import pytest
from django.core import mail

from agencies.models import User
from notifications.models import Notification
from tests.web.conftest import text

pytestmark = pytest.mark.django_db


def test_the_agency_admin_sees_its_members_and_no_case_content(browser_as, lead, partner, case):
    page = browser_as(lead.admin).get("/members/")

    shown = text(page)
    assert page.status_code == 200
    assert lead.supervisor.username in shown
    assert partner.supervisor.username not in shown
    assert case.number not in shown
    assert case.pseudonym not in shown


def test_the_agency_admins_home_links_to_the_members_page(browser_as, lead):
    home = browser_as(lead.admin).get("/")

    assert 'href="/members/"' in home.content.decode()
    assert "/admin/" not in home.content.decode()


@pytest.mark.parametrize("role", ["caseworker", "liaison", "supervisor"])
def test_case_roles_do_not_manage_members(browser_as, lead, role):
    response = browser_as(getattr(lead, role)).get("/members/")

    assert response.status_code == 403


def test_adding_a_member_emails_an_enrolment_link_and_tells_the_supervisors(
    browser_as, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = browser_as(lead.admin).post(
            "/members/add/",
            {
                "username": "new-worker",
                "first_name": "Nia",
                "last_name": "Moss",
                "email": "nia.moss@county.example",
                "role": "caseworker",
            },
        )

    created = User.objects.get(username="new-worker")
    assert response.status_code == 302
    assert (created.agency_id, created.role, created.has_usable_password()) == (
        lead.agency.pk,
        "caseworker",
        False,
    )
    assert [message.to for message in mail.outbox] == [["nia.moss@county.example"]]
    assert Notification.objects.filter(recipient=lead.supervisor, kind="case_role_granted").count() == 1


def test_a_member_without_a_role_is_refused_with_a_field_error(browser_as, lead):
    response = browser_as(lead.admin).post(
        "/members/add/",
        {"username": "x", "first_name": "X", "last_name": "Y", "email": "x@county.example", "role": ""},
    )

    assert response.status_code == 400
    assert "Choose a role" in text(response)
    assert not User.objects.filter(username="x").exists()


def test_changing_a_role(browser_as, lead):
    member = lead.caseworker
    browser_as(lead.admin).post(f"/members/{member.public_id}/role/", {f"{member.public_id}-role": "liaison"})

    member.refresh_from_db()
    assert member.role == "liaison"


def test_the_agency_admin_cannot_change_their_own_role(browser_as, lead):
    admin = lead.admin
    response = browser_as(admin).post(
        f"/members/{admin.public_id}/role/", {f"{admin.public_id}-role": "supervisor"}
    )

    admin.refresh_from_db()
    assert response.status_code == 403
    assert admin.role == "agency_admin"


def test_deactivating_a_member_stops_their_sign_in(browser_as, lead, client):
    member = lead.caseworker
    browser_as(lead.admin).post(f"/members/{member.public_id}/active/", {"active": "false"})

    member.refresh_from_db()
    signed_in = client.login(username=member.username, password="irrelevant")
    assert member.is_active is False
    assert signed_in is False


def test_a_reset_link_goes_to_the_member_not_the_admin(browser_as, lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        browser_as(lead.admin).post(f"/members/{lead.liaison.public_id}/reset-link/")

    assert [message.to for message in mail.outbox] == [[lead.liaison.email]]


def test_another_agencys_member_does_not_exist_here(browser_as, lead, partner):
    response = browser_as(lead.admin).post(
        f"/members/{partner.caseworker.public_id}/active/", {"active": "false"}
    )

    partner.caseworker.refresh_from_db()
    assert response.status_code == 404
    assert partner.caseworker.is_active is True
