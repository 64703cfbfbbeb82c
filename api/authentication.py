"""Signing in for API clients: token authentication and the second-factor step of obtaining a token.

A user who has enrolled a second factor (`security.mfa`) sends the current code of their
authenticator app, or one of their recovery codes, as `otp` with the password. Tokens last
BRIDGE_TOKEN_MAX_HOURS from issue, like a browser session, and are then issued anew with both
factors.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from agencies.models import User
from security.mfa import has_second_factor, second_factor_valid
from security.mfa import mfa_enabled as user_has_second_factor


def mfa_enabled(user: User) -> bool:
    """Whether the user has enrolled a second factor."""
    return user_has_second_factor(user)


def second_factor_satisfied(*, user: User, otp: str) -> bool:
    """Whether `otp` satisfies the user's second factor; true for a user who has none."""
    if not mfa_enabled(user):
        return True
    return second_factor_valid(user=user, code=otp)


def token_expired(token: Token) -> bool:
    return token.created <= timezone.now() - timedelta(hours=settings.BRIDGE_TOKEN_MAX_HOURS)


class AccountLocked(exceptions.APIException):
    """429 while the username is locked out after repeated failures; Retry-After says how long."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "account_locked"

    def __init__(self, *, detail: str, wait: int) -> None:
        super().__init__(detail=detail)
        self.wait = wait


class MfaEnrolmentRequired(exceptions.PermissionDenied):
    """403 for a user who must enrol a second factor (in the browser) before using the API, with
    the code the browser session gets too."""

    default_code = "mfa_enrolment_required"
    default_detail = _("Set up multi-factor authentication in the browser before using the API.")


class BridgeTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, loading the user's agency (and, while BRIDGE_MFA_REQUIRED,
    whether they have a second factor) with the token: nearly every endpoint asks for the agency,
    so that is one query per request instead of two or three.

    While BRIDGE_MFA_REQUIRED, a token of a user without a second factor is refused with the
    browser's `mfa_enrolment_required`, however the token came to exist (issued before the
    requirement was switched on, or by an administrator in older versions)."""

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        tokens = Token.objects.select_related("user", "user__agency").filter(key=key)
        if settings.BRIDGE_MFA_REQUIRED:
            tokens = tokens.annotate(user_has_second_factor=has_second_factor("user_id"))
        token = tokens.first()
        if token is None:
            raise AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        if token_expired(token):
            token.delete()
            raise AuthenticationFailed("Token expired; obtain a new one.")
        if settings.BRIDGE_MFA_REQUIRED and not token.user_has_second_factor:  # type: ignore[attr-defined]
            raise MfaEnrolmentRequired()
        return token.user, token
