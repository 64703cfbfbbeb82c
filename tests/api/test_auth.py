"""Token authentication beside session authentication (with CSRF)."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.conftest import API, body, error_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def obtain(payload):
    return APIClient().post(f"{API}/auth/token/", payload, format="json")


def test_obtaining_a_token_returns_the_users_token(lead):
    response = obtain({"username": lead.caseworker.username, "password": PASSWORD})

    assert response.status_code == 200
    assert body(response) == {"token": Token.objects.get(user=lead.caseworker).key}


def test_the_token_authenticates_api_requests(lead):
    token = body(obtain({"username": lead.caseworker.username, "password": PASSWORD}))["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = client.get(f"{API}/me/")

    assert response.status_code == 200
    assert body(response)["username"] == lead.caseworker.username


def test_otp_is_accepted_and_ignored_for_users_without_a_second_factor(lead):
    response = obtain({"username": lead.caseworker.username, "password": PASSWORD, "otp": "123456"})

    assert response.status_code == 200


def test_wrong_password_is_401_and_issues_no_token(lead):
    response = obtain({"username": lead.caseworker.username, "password": "wrong-password-123"})

    assert response.status_code == 401
    assert error_of(response) == {
        "code": "authentication_failed",
        "message": "Unable to sign in with these credentials.",
        "fields": {},
    }
    assert not Token.objects.filter(user=lead.caseworker).exists()


def test_deactivated_user_gets_no_token(lead):
    lead.caseworker.is_active = False
    lead.caseworker.save(update_fields=["is_active"])

    response = obtain({"username": lead.caseworker.username, "password": PASSWORD})

    assert response.status_code == 401


def test_missing_password_is_400(lead):
    response = obtain({"username": lead.caseworker.username})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"password": ["This field is required."]}


def test_delete_revokes_the_callers_token(lead):
    token = body(obtain({"username": lead.caseworker.username, "password": PASSWORD}))["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    revoked = client.delete(f"{API}/auth/token/")
    after = client.get(f"{API}/me/")

    assert revoked.status_code == 204
    assert after.status_code == 401
    assert not Token.objects.filter(user=lead.caseworker).exists()


def test_revoking_needs_authentication():
    assert APIClient().delete(f"{API}/auth/token/").status_code == 401


def test_session_authentication_works_for_reads(lead):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(lead.caseworker)

    assert client.get(f"{API}/me/").status_code == 200


def test_session_writes_without_csrf_token_are_refused(lead):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(lead.caseworker)

    response = client.post(f"{API}/cases/", {"pseudonym": "A.B."}, format="json")

    assert response.status_code == 403
    assert error_of(response)["message"].startswith("CSRF Failed")


def test_session_writes_with_csrf_token_are_accepted(lead):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(lead.caseworker)
    client.get("/admin/login/")  # any page that sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value

    response = client.post(
        f"{API}/cases/", {"pseudonym": "A.B."}, format="json", headers={"X-CSRFToken": csrf}
    )

    assert response.status_code == 201
