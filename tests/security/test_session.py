"""Sessions end after 30 minutes idle and 12 hours after sign-in; API tokens after 12 hours."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.models import AuditRecord
from tests.api.conftest import API, Api, body, error_of
from tests.factories import PASSWORD
from tests.security.conftest import sign_in, signed_in_user_id

pytestmark = pytest.mark.django_db


def later(**delta: float) -> time_machine.travel:
    return time_machine.travel(timezone.now() + timedelta(**delta))


def signed_in(user) -> Client:
    client = Client()
    sign_in(client, user.username)
    assert signed_in_user_id(client) == str(user.pk)
    return client


def test_an_idle_session_is_rejected_after_thirty_minutes(lead):
    client = signed_in(lead.caseworker)

    with later(minutes=30, seconds=5):
        response = client.get(f"{API}/me/")

    assert response.status_code == 401
    assert error_of(response) == {
        "code": "session_expired",
        "message": "Your session has ended; sign in again.",
        "fields": {},
    }
    assert signed_in_user_id(client) is None


def test_an_idle_browser_page_is_sent_to_sign_in(lead):
    client = signed_in(lead.caseworker)

    with later(minutes=31):
        response = client.get("/cases/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/cases/"


def test_an_idle_pages_background_poll_sends_the_window_to_sign_in_and_back_to_that_page(lead):
    client = signed_in(lead.caseworker)

    with later(minutes=31):
        response = client.get(
            "/notifications/badge/",
            headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/cases/?q=BR-2026"},
        )

    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/accounts/login/?next=/cases/%3Fq%3DBR-2026"


def test_the_end_of_an_idle_session_is_audited(lead):
    client = signed_in(lead.caseworker)

    with later(minutes=31):
        client.get(f"{API}/me/")

    record = AuditRecord.objects.get(event_type="session.expired")
    assert (record.user, record.detail, record.component, record.client_address) == (
        lead.caseworker,
        {"reason": "idle"},
        "api",
        "127.0.0.1",
    )


def test_activity_keeps_a_session_alive(lead):
    client = signed_in(lead.caseworker)

    answers = []
    for minutes in (20, 40, 60):
        with later(minutes=minutes):
            answers.append(client.get(f"{API}/me/").status_code)

    assert answers == [200, 200, 200]


def test_background_requests_do_not_keep_a_session_alive(lead):
    client = signed_in(lead.caseworker)

    with later(minutes=20):
        polled = client.get(f"{API}/me/", headers={"X-Bridge-Background": "1"})
    with later(minutes=35):
        response = client.get(f"{API}/me/")

    assert polled.status_code == 200
    assert response.status_code == 401


def test_a_session_ends_twelve_hours_after_sign_in_however_active(lead):
    client = signed_in(lead.caseworker)
    for minutes in range(25, 12 * 60, 25):
        with later(minutes=minutes):
            assert client.get(f"{API}/me/").status_code == 200

    with later(hours=12, seconds=5):
        response = client.get(f"{API}/me/")

    assert response.status_code == 401
    assert AuditRecord.objects.get(event_type="session.expired").detail == {"reason": "max_age"}


def test_signing_in_again_starts_a_new_session(lead):
    client = signed_in(lead.caseworker)

    with later(minutes=45):
        client.get(f"{API}/me/")
        sign_in(client, lead.caseworker.username)
        response = client.get(f"{API}/me/")

    assert response.status_code == 200


def test_an_htmx_request_of_an_ended_session_is_told_to_navigate(lead):
    client = signed_in(lead.caseworker)

    with later(minutes=31):
        response = client.get("/cases/", headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/accounts/login/?next=/cases/"


def test_an_api_token_expires_twelve_hours_after_issue(lead):
    token = body(
        APIClient().post(
            f"{API}/auth/token/", {"username": lead.caseworker.username, "password": PASSWORD}, format="json"
        )
    )["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    with later(hours=11, minutes=59):
        before = client.get(f"{API}/me/")
    with later(hours=12, seconds=1):
        after = client.get(f"{API}/me/")

    assert before.status_code == 200
    assert after.status_code == 401
    assert error_of(after)["message"] == "Token expired; obtain a new one."
    assert not Token.objects.filter(key=token).exists()


def test_a_new_token_is_issued_after_the_old_one_expired(lead):
    old = Api(lead.caseworker).client._credentials["HTTP_AUTHORIZATION"].removeprefix("Token ")

    with later(hours=13):
        response = APIClient().post(
            f"{API}/auth/token/", {"username": lead.caseworker.username, "password": PASSWORD}, format="json"
        )

    assert response.status_code == 200
    assert body(response)["token"] != old
