"""The second factor, as the API and the middleware ask about it. Enrolment, the browser's
second-factor step and recovery codes are django-allauth's (`allauth.mfa`)."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.db.models import Exists, OuterRef

from agencies.models import User


def mfa_enabled(user: User) -> bool:
    """Whether the user has enrolled a second factor (an authenticator app or a security key)."""
    return bool(is_mfa_enabled(user))


def has_second_factor(user_column: str) -> Exists:
    """`mfa_enabled` as SQL, for the user a row points at through `user_column` (allauth counts
    any authenticator), so a lookup can answer it in the same query."""
    return Exists(Authenticator.objects.filter(user_id=OuterRef(user_column)))


def second_factor_valid(*, user: User, code: str) -> bool:
    """Whether `code` is a current one-time code of the user's authenticator app or one of their
    unused recovery codes (which it then uses up). Security keys cannot answer a typed code."""
    code = code.strip()
    if not code:
        return False
    for authenticator in Authenticator.objects.filter(user=user).exclude(type=Authenticator.Type.WEBAUTHN):
        if authenticator.wrap().validate_code(code):
            return True
    return False
