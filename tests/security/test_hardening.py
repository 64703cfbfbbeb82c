"""Headers, the Content Security Policy, cookies, throttling, the system-use notice and the
production settings (`check --deploy`)."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.api.conftest import API, Api, error_of
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "bridge.example.org",
    "DATABASE_URL": "postgres://bridge@db.invalid:5432/bridge",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "BRIDGE_DOCUMENT_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
}


def production(*args: str) -> subprocess.CompletedProcess[str]:
    """Runs manage.py under the production settings with only the required variables set (no
    .env, nothing from the test settings)."""
    env = {"PATH": os.environ["PATH"], "HOME": str(ROOT), **PRODUCTION_ENV}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_sign_in_page_shows_the_system_use_notice():
    page = Client().get("/accounts/login/").content.decode()

    assert "System use notice" in page
    assert "monitored, recorded and subject to audit" in page
    assert page.index("System use notice") < page.index('name="password"')


def test_the_sign_in_page_has_no_password_hint_or_security_question():
    page = Client().get("/accounts/login/").content.decode().lower()

    assert "hint" not in page
    assert "security question" not in page


def test_pages_carry_a_strict_content_security_policy():
    response = Client().get("/accounts/login/")

    directives = dict(
        part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert directives == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


def test_pages_may_not_be_framed_or_sniffed():
    response = Client().get("/accounts/login/")

    assert (
        response.headers["X-Frame-Options"],
        response.headers["X-Content-Type-Options"],
        response.headers["Referrer-Policy"],
        response.headers["Cross-Origin-Opener-Policy"],
    ) == ("DENY", "nosniff", "same-origin", "same-origin")


def test_the_api_docs_page_runs_no_inline_script(lead):
    client = Client()
    client.force_login(lead.caseworker)

    page = client.get(f"{API}/docs/").content.decode()

    assert "<script>" not in page
    assert '<script src="' in page


def test_session_cookies_are_http_only_and_same_site(lead):
    client = Client()

    client.post("/accounts/login/", {"login": lead.caseworker.username, "password": PASSWORD})

    cookie = client.cookies["sessionid"]
    assert (cookie["httponly"], cookie["samesite"], cookie["max-age"]) == (True, "Lax", "")


@pytest.fixture
def agency_staff_of_forty(lead):
    return [UserFactory(agency=lead.agency, role="caseworker") for _ in range(40)]


# Two token requests a minute from one address, however many usernames it tries.
GUESSING_ACROSS_USERNAMES = {
    "anon": "100/min",
    "user": "100/min",
    "sign_in": "100/min",
    "sign_in_address": "2/min",
}


def test_the_api_throttles_a_signed_in_user(lead, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "100/min",
            "user": "3/min",
            "sign_in": "100/min",
            "sign_in_address": "100/min",
        },
    }
    api = Api(lead.caseworker)

    answers = [api.get("me/").status_code for _ in range(4)]
    refused = api.get("me/")

    assert answers == [200, 200, 200, 429]
    assert error_of(refused)["code"] == "throttled"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_the_token_endpoint_throttles_guessing_from_one_address(lead, partner, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": GUESSING_ACROSS_USERNAMES,
    }
    client = APIClient()

    answers = [
        client.post(
            f"{API}/auth/token/", {"username": user.username, "password": "guess-123456"}, format="json"
        ).status_code
        for user in (lead.caseworker, partner.caseworker, lead.liaison)
    ]

    assert answers == [401, 401, 429]


def test_a_forged_forwarded_for_header_does_not_escape_the_address_throttle(lead, partner, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": GUESSING_ACROSS_USERNAMES,
    }
    client = APIClient()

    answers = [
        client.post(
            f"{API}/auth/token/",
            {"username": user.username, "password": "guess-123456"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        ).status_code
        for number, user in enumerate((lead.caseworker, partner.caseworker, lead.liaison))
    ]

    assert answers == [401, 401, 429]


def test_behind_a_trusted_proxy_the_address_it_saw_is_throttled(lead, partner, settings):
    settings.BRIDGE_TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": GUESSING_ACROSS_USERNAMES,
    }
    client = APIClient()

    def attempt(user, forwarded_for):
        return client.post(
            f"{API}/auth/token/",
            {"username": user.username, "password": "guess-123456"},
            format="json",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        ).status_code

    # The client's own claims (left of the proxy's entry) change; the proxy's entry does not.
    same_client = [
        attempt(user, f"10.9.9.{n}, 203.0.113.7")
        for n, user in enumerate((lead.caseworker, partner.caseworker, lead.liaison))
    ]
    other_client = attempt(partner.liaison, "203.0.113.8")

    assert same_client == [401, 401, 429]
    assert other_client == 401


def test_one_username_retried_from_one_address_is_throttled(lead, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "100/min",
            "user": "100/min",
            "sign_in": "2/min",
            "sign_in_address": "100/min",
        },
    }
    client = APIClient()

    def attempt():
        return client.post(
            f"{API}/auth/token/",
            {"username": lead.caseworker.username, "password": "guess-123456"},
            format="json",
        ).status_code

    answers = [attempt() for _ in range(3)]

    assert answers == [401, 401, 429]


def test_an_office_behind_one_address_signs_in_through_the_api(agency_staff_of_forty, settings):
    """The shipped rates (10 a minute per address and username, 300 per address): forty people of
    one county office, all behind one NAT address, get their tokens in the same minute."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "60/min",
            "user": "600/min",
            "sign_in": "10/min",
            "sign_in_address": "300/min",
        },
    }
    client = APIClient()

    answers = {
        client.post(
            f"{API}/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
        ).status_code
        for user in agency_staff_of_forty
    }

    assert answers == {200}


def test_an_office_behind_one_address_signs_in_through_the_pages(agency_staff_of_forty):
    """Fifteen typos from one address in a minute (each a different person) do not lock the
    office out: the page's per-address limit is set for an office, the lockout is per username."""
    for user in agency_staff_of_forty[:15]:
        Client().post("/accounts/login/", {"login": user.username, "password": "typo-123456789"})
    client = Client()

    response = client.post(
        "/accounts/login/", {"login": agency_staff_of_forty[15].username, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_production_settings_pass_the_deployment_checks():
    result = production("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_require_mfa_secure_cookies_and_hsts():
    result = production(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.BRIDGE_MFA_REQUIRED, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.DEBUG)",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "31536000", "True", "False"]


@pytest.mark.parametrize(("keys", "says"), [(None, "BRIDGE_DOCUMENT_KEYS"), ("k1:c2hvcnQ=", "not 32 bytes")])
def test_production_refuses_to_start_without_usable_document_keys(keys: str | None, says: str) -> None:
    env_backup = dict(PRODUCTION_ENV)
    if keys is None:
        del PRODUCTION_ENV["BRIDGE_DOCUMENT_KEYS"]
    else:
        PRODUCTION_ENV["BRIDGE_DOCUMENT_KEYS"] = keys
    try:
        result = production("check")
    finally:
        PRODUCTION_ENV.clear()
        PRODUCTION_ENV.update(env_backup)

    assert result.returncode != 0
    assert says in result.stderr


def test_production_ignores_an_attempt_to_switch_mfa_off():
    env_backup = dict(PRODUCTION_ENV)
    PRODUCTION_ENV["BRIDGE_MFA_REQUIRED"] = "false"
    try:
        result = production(
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; print(settings.BRIDGE_MFA_REQUIRED)",
        )
    finally:
        PRODUCTION_ENV.clear()
        PRODUCTION_ENV.update(env_backup)

    assert result.stdout.strip() == "True"


def test_local_settings_switch_mfa_off_for_the_demo():
    env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; print(settings.BRIDGE_MFA_REQUIRED)",
        ],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "HOME": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.stdout.strip() == "False"


def test_the_demo_shows_bridges_own_error_pages_not_debug_pages():
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.local"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "HOME": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.stdout.strip() == "False", result.stderr
