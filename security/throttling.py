"""API rate limits. Rates are read from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] on every request
rather than once at import (DRF's default), so a deployment's settings and the tests' overrides
take effect without a restart."""

import hashlib
from typing import TYPE_CHECKING, Any

from rest_framework import throttling
from rest_framework.request import Request
from rest_framework.settings import api_settings

from audit.context import client_address

if TYPE_CHECKING:
    # Only for the annotation: DRF imports this module while rest_framework.views is loading.
    from rest_framework.views import APIView


class _RateFromSettings:
    scope: str | None

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")
        return None if rate is None else str(rate)

    def get_ident(self, request: Request) -> str:
        """The client's address as the audit log records it: X-Forwarded-For is believed only as
        far as `BRIDGE_TRUSTED_PROXY_COUNT` proxies wrote it. DRF's own reading takes the whole
        header when `NUM_PROXIES` is unset, so a new forged header on each request escaped every
        per-address limit."""
        return client_address(request) or str(request.META.get("REMOTE_ADDR", ""))


class AnonymousRateThrottle(_RateFromSettings, throttling.AnonRateThrottle):
    """Unauthenticated requests, per client address."""


class UserRateThrottle(_RateFromSettings, throttling.UserRateThrottle):
    """Every request, per signed-in user (per address before sign-in)."""


class _SignInThrottle(_RateFromSettings, throttling.SimpleRateThrottle):
    """Counts token requests (POST) only, revoking a token is not a sign-in: per client address,
    and with `per_username` per address and the username tried."""

    per_username = False

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        if request.method != "POST":
            return None
        ident = self.get_ident(request)
        if self.per_username:
            username = request.data.get("username") if hasattr(request.data, "get") else None
            # Hashed: the cache key must not carry what a caller typed (any length, any characters).
            ident += ":" + hashlib.sha256(str(username or "").strip().lower().encode()).hexdigest()
        key: Any = self.cache_format % {"scope": self.scope, "ident": ident}
        return str(key)


class SignInRateThrottle(_SignInThrottle):
    """Token requests per client address and username: one person retrying, or a script hammering
    one account. The per-username lockout (5 failures in 10 minutes) stops guessing on top."""

    scope = "sign_in"
    per_username = True


class SignInAddressRateThrottle(_SignInThrottle):
    """Token requests per client address: guessing across many usernames. High enough for a county
    office behind one NAT address at 9 a.m., or an integrating server signing in its users."""

    scope = "sign_in_address"
