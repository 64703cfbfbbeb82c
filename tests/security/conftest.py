"""Helpers for the sign-in security tests: enrolling a real authenticator and signing in through
the real sign-in page."""

import time
from dataclasses import dataclass

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache
from django.test import Client

from agencies.models import User
from tests.factories import PASSWORD

LOGIN_URL = "/accounts/login/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Throttles, allauth's rate limits and used one-time codes live in this run's Redis
    database; each test starts without the previous tests' counts."""
    cache.clear()


@dataclass
class Enrolment:
    user: User
    secret: str
    recovery_codes: list[str]

    def code(self, *, offset_periods: int = 0) -> str:
        """The authenticator app's code for now (or `offset_periods` of 30 s later)."""
        return format_hotp_value(hotp_value(self.secret, int(time.time()) // 30 + offset_periods))


def enrol(user: User) -> Enrolment:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).generate_codes()
    assert Authenticator.objects.filter(user=user).count() == 2
    return Enrolment(user=user, secret=secret, recovery_codes=codes)


def sign_in(client: Client, username: str, password: str = PASSWORD) -> object:
    return client.post(LOGIN_URL, {"login": username, "password": password})


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")
