"""Passwords belong to the person: a new account sets its own through the emailed enrolment link,
an administrator can only have a reset link emailed, and a changed or reset password ends every
API token and every other session signed in with the old one."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from agencies.models import API_TOKEN_TABLE, Role, User
from agencies.services import user_create, user_password_link_send
from audit.models import AuditRecord
from tests.api.conftest import Api
from tests.factories import PASSWORD
from tests.security.conftest import sign_in, signed_in_user_id

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "my-own-choice-of-words"
LINK = re.compile(r"http://\S+/accounts/password/reset/key/\S+/")


def emailed_link(message) -> str:
    [link] = LINK.findall(message.body)
    return link.removeprefix("http://localhost:8000")


def set_password_through(link: str, password: str = NEW_PASSWORD) -> Client:
    """Follow the emailed link the way a browser does: the key moves into the session and the
    form is at the `set-password` address."""
    client = Client()
    form_page = client.get(link)
    assert form_page.status_code == 302, form_page.content
    client.post(form_page.headers["Location"], {"password1": password, "password2": password})
    return client


def later(**delta: float) -> time_machine.travel:
    # In the deployment's zone: reset links count in local wall-clock seconds (Django's token
    # generator), and time_machine moves the process's zone to the one it is given.
    return time_machine.travel(timezone.localtime() + timedelta(**delta))


@pytest.fixture
def enrolment_email(lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_create(
            actor=lead.admin,
            username="new.liaison",
            email="new.liaison@example.org",
            agency=lead.agency,
            role=Role.LIAISON,
        )
    [message] = mail.outbox
    return message


def test_the_enrolment_link_lets_the_person_set_their_own_password(enrolment_email):
    set_password_through(emailed_link(enrolment_email))
    client = Client()

    sign_in(client, "new.liaison", NEW_PASSWORD)

    assert signed_in_user_id(client) == str(User.objects.get(username="new.liaison").pk)


def test_the_enrolment_link_works_once(enrolment_email):
    link = emailed_link(enrolment_email)
    set_password_through(link)

    response = Client().get(link)

    assert response.status_code == 200
    assert response.context["token_fail"] is True


def test_the_enrolment_link_expires_after_72_hours(enrolment_email):
    link = emailed_link(enrolment_email)

    with later(hours=72, minutes=1):
        response = Client().get(link)

    assert response.context["token_fail"] is True
    assert User.objects.get(username="new.liaison").has_usable_password() is False


def test_the_enrolment_link_still_works_just_before_72_hours(enrolment_email):
    link = emailed_link(enrolment_email)

    with later(hours=71, minutes=59):
        set_password_through(link)

    assert User.objects.get(username="new.liaison").check_password(NEW_PASSWORD) is True


def test_the_enrolment_link_refuses_a_weak_password(enrolment_email):
    set_password_through(emailed_link(enrolment_email), password="password")

    assert User.objects.get(username="new.liaison").has_usable_password() is False


def test_when_required_a_new_member_enrols_a_second_factor_at_first_sign_in(enrolment_email, settings):
    settings.BRIDGE_MFA_REQUIRED = True
    set_password_through(emailed_link(enrolment_email))
    client = Client()
    sign_in(client, "new.liaison", NEW_PASSWORD)

    response = client.get("/")

    assert response.headers["Location"] == "/accounts/2fa/totp/activate/"


def test_a_reset_through_the_emailed_link_ends_every_token_and_session(
    lead, platform_admin, django_capture_on_commit_callbacks
):
    person = lead.supervisor
    Api(person)
    other_browser = Client()
    sign_in(other_browser, person.username)
    with django_capture_on_commit_callbacks(execute=True):
        user_password_link_send(actor=platform_admin, user=person)

    set_password_through(emailed_link(mail.outbox[0]))

    assert Token.objects.filter(user=person).exists() is False
    assert signed_in_user_id(other_browser) is None
    assert Session.objects.filter(session_key=other_browser.session.session_key).exists() is False
    record = AuditRecord.objects.get(event_type="credentials.revoked")
    assert (record.user, record.detail) == (
        person,
        {"reason": "password_reset", "api_tokens_left": 0, "sessions": 1},
    )


def test_changing_ones_own_password_ends_other_sessions_and_tokens_but_keeps_this_one(lead):
    person = lead.liaison
    api = Api(person)
    other_browser, this_browser = Client(), Client()
    sign_in(other_browser, person.username)
    sign_in(this_browser, person.username)

    response = this_browser.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert api.get("me/").status_code == 401
    assert signed_in_user_id(other_browser) is None
    assert this_browser.get("/api/v1/me/").status_code == 200
    assert AuditRecord.objects.get(event_type="credentials.revoked").detail == {
        "reason": "password_changed",
        "api_tokens_left": 0,
        "sessions": 1,
    }


def test_a_reset_leaves_other_peoples_sessions_and_tokens_alone(
    lead, platform_admin, django_capture_on_commit_callbacks
):
    colleague_api = Api(lead.caseworker)
    colleague_browser = Client()
    sign_in(colleague_browser, lead.caseworker.username)
    with django_capture_on_commit_callbacks(execute=True):
        user_password_link_send(actor=platform_admin, user=lead.supervisor)

    set_password_through(emailed_link(mail.outbox[0]))

    assert colleague_api.get("me/").status_code == 200
    assert signed_in_user_id(colleague_browser) == str(lead.caseworker.pk)


def test_the_token_table_the_trigger_empties_is_drfs():
    assert Token._meta.db_table == API_TOKEN_TABLE


def test_a_password_set_from_a_shell_ends_the_api_tokens(lead):
    """Not every password change passes through the sign-in pages (`manage.py changepassword`, a
    shell): the database ends the tokens whichever path changed it."""
    Token.objects.create(user=lead.caseworker)
    Token.objects.create(user=lead.liaison)

    lead.caseworker.set_password("a-brand-new-passphrase-2026")
    lead.caseworker.save()

    assert list(Token.objects.values_list("user_id", flat=True)) == [lead.liaison.pk]


def test_deactivating_an_account_ends_its_api_tokens(lead):
    Token.objects.create(user=lead.caseworker)

    lead.caseworker.is_active = False
    lead.caseworker.save(update_fields=["is_active"])

    assert not Token.objects.filter(user=lead.caseworker).exists()


def test_an_unrelated_change_keeps_the_api_tokens(lead):
    Token.objects.create(user=lead.caseworker)

    lead.caseworker.first_name = "Renamed"
    lead.caseworker.save(update_fields=["first_name"])

    assert Token.objects.filter(user=lead.caseworker).exists()
