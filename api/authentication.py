"""Signing in for API clients: token authentication and the second-factor step of obtaining a token.

Multi-factor enrolment arrives with the security issue. Until then no account has a second factor,
so an `otp` sent with a token request is accepted and ignored. The token view asks
`second_factor_satisfied` after the password check; enrolment makes these two functions consult
the user's authenticators, and nothing else in the API changes.
"""

from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from agencies.models import User


def mfa_enabled(user: User) -> bool:
    """Whether the user has enrolled a second factor. No enrolment exists yet."""
    return False


def second_factor_satisfied(*, user: User, otp: str) -> bool:
    """Whether `otp` satisfies the user's second factor; true for a user who has none."""
    return not mfa_enabled(user)


class BridgeTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, loading the user's agency with the token: nearly every
    endpoint asks for it, so that is one query per request instead of two."""

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        token = Token.objects.select_related("user", "user__agency").filter(key=key).first()
        if token is None:
            raise AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        return token.user, token
