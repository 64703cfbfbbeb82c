"""Lockout after 5 failed sign-ins for 10 minutes, on every sign-in path, audited."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditRecord
from tests.api.conftest import API, body, error_of
from tests.factories import PASSWORD
from tests.security.conftest import LOGIN_URL, enrol, sign_in, signed_in_user_id

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-1"
LOCK_MESSAGE = (
    "Too many failed sign-in attempts: this account is locked for 10 minutes. "
    "Try again later or ask your agency administrator."
)


def fail_web(username: str, times: int) -> None:
    for _ in range(times):
        response = sign_in(Client(), username, WRONG)
        assert response.status_code == 200


def request_token(username: str, password: str, **extra: str) -> object:
    return APIClient().post(
        f"{API}/auth/token/", {"username": username, "password": password, **extra}, format="json"
    )


def test_four_failures_still_let_the_right_password_in(lead):
    fail_web(lead.caseworker.username, 4)
    client = Client()

    response = sign_in(client, lead.caseworker.username)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(lead.caseworker.pk)


def test_the_fifth_failure_locks_the_account_and_says_so(lead):
    fail_web(lead.caseworker.username, 4)

    fifth = sign_in(Client(), lead.caseworker.username, WRONG)

    assert LOCK_MESSAGE in fifth.content.decode()


def test_a_locked_account_refuses_the_right_password(lead):
    fail_web(lead.caseworker.username, 5)
    client = Client()

    response = sign_in(client, lead.caseworker.username)

    assert response.status_code == 200
    assert LOCK_MESSAGE in response.content.decode()
    assert signed_in_user_id(client) is None


def test_the_lock_is_released_after_ten_minutes(lead):
    fail_web(lead.caseworker.username, 5)
    client = Client()

    with time_machine.travel(timezone.now() + timedelta(minutes=9, seconds=59)):
        still_locked = sign_in(client, lead.caseworker.username)
        assert signed_in_user_id(client) is None
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1)):
        released = sign_in(client, lead.caseworker.username)

    assert LOCK_MESSAGE in still_locked.content.decode()
    assert released.status_code == 302
    assert signed_in_user_id(client) == str(lead.caseworker.pk)


def test_the_lockout_itself_is_audited(lead):
    fail_web(lead.caseworker.username, 5)

    locked = AuditRecord.objects.get(event_type="login.locked_out")
    assert (locked.user, locked.agency, locked.outcome, locked.component, locked.client_address) == (
        lead.caseworker,
        lead.agency,
        "denied",
        "auth",
        "127.0.0.1",
    )
    assert list(
        AuditRecord.objects.filter(event_type="login.failed").values_list(
            "detail__consecutive_failures", flat=True
        )
    ) == [1, 2, 3, 4, 5]


def test_attempts_while_locked_are_audited_without_extending_the_lock(lead):
    fail_web(lead.caseworker.username, 5)

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        fail_web(lead.caseworker.username, 1)
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1)):
        client = Client()
        sign_in(client, lead.caseworker.username)

    assert AuditRecord.objects.filter(event_type="login.refused_locked").count() == 1
    assert signed_in_user_id(client) == str(lead.caseworker.pk)


def test_a_successful_sign_in_starts_the_count_again(lead):
    fail_web(lead.caseworker.username, 4)
    sign_in(Client(), lead.caseworker.username)
    fail_web(lead.caseworker.username, 4)
    client = Client()

    sign_in(client, lead.caseworker.username)

    assert signed_in_user_id(client) == str(lead.caseworker.pk)


def test_an_unknown_username_locks_the_same_way(lead):
    fail_web("nobody-by-this-name", 4)

    fifth = sign_in(Client(), "nobody-by-this-name", WRONG)

    assert LOCK_MESSAGE in fifth.content.decode()


def test_the_api_token_endpoint_locks_at_the_fifth_failure(lead):
    answers = [request_token(lead.caseworker.username, WRONG).status_code for _ in range(5)]
    locked = request_token(lead.caseworker.username, PASSWORD)

    assert answers == [401, 401, 401, 401, 429]
    assert locked.status_code == 429
    assert error_of(locked) == {"code": "account_locked", "message": LOCK_MESSAGE, "fields": {}}
    assert 599 <= int(locked.headers["Retry-After"]) <= 600


def test_the_api_token_endpoint_issues_a_token_again_after_ten_minutes(lead):
    for _ in range(5):
        request_token(lead.caseworker.username, WRONG)

    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1)):
        response = request_token(lead.caseworker.username, PASSWORD)

    assert response.status_code == 200
    assert set(body(response)) == {"token"}


def test_failures_on_different_paths_add_up(lead):
    fail_web(lead.caseworker.username, 3)
    request_token(lead.caseworker.username, WRONG)
    request_token(lead.caseworker.username, WRONG)

    response = request_token(lead.caseworker.username, PASSWORD)

    assert response.status_code == 429


def test_the_admin_signs_in_through_the_same_page(platform_admin):
    response = Client().get("/admin/", follow=True)

    assert response.redirect_chain[-1] == (f"{LOGIN_URL}?next=%2Fadmin%2F", 302)
    assert response.status_code == 200


def test_a_locked_platform_administrator_cannot_reach_the_admin(platform_admin):
    fail_web(platform_admin.username, 5)
    client = Client()

    sign_in(client, platform_admin.username)

    assert client.get("/admin/").status_code == 302


def test_wrong_second_factor_codes_count_toward_the_lockout(lead):
    enrolment = enrol(lead.caseworker)
    client = Client()
    password_step = sign_in(client, lead.caseworker.username)
    assert password_step.headers["Location"] == "/accounts/2fa/authenticate/"

    for _ in range(5):
        client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    right_code = client.post("/accounts/2fa/authenticate/", {"code": enrolment.code()})

    assert LOCK_MESSAGE in right_code.content.decode()
    assert signed_in_user_id(client) is None
    assert AuditRecord.objects.filter(event_type="login.failed", detail__reason="second_factor").count() == 5
