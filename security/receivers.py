"""Sign-in events from Django and django-allauth, turned into lockout counts and audit records."""

from typing import Any

from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from agencies.models import User
from audit.models import Outcome
from audit.services import audit_record
from security.lockout import FailureReason, login_failure_register, login_success_register
from security.session import MFA_CONFIRMED, session_start


def _logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    session_start(request)
    login_success_register(user=user, method="session")


def _logged_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(event_type="logout", outcome=Outcome.SUCCESS, user=user)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    login_failure_register(username=str(credentials.get("username", "")), reason=FailureReason.PASSWORD)


def _second_factor_failed(sender: Any, user: User, **kwargs: Any) -> None:
    login_failure_register(username=user.get_username(), reason=FailureReason.SECOND_FACTOR)


def _authenticator_added(
    sender: Any, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any
) -> None:
    audit_record(event_type="mfa.added", user=user, detail={"type": authenticator.type})


def _authenticator_removed(
    sender: Any, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any
) -> None:
    # The enrolment check runs again on the next request.
    request.session.pop(MFA_CONFIRMED, None)
    audit_record(event_type="mfa.removed", user=user, detail={"type": authenticator.type})


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="security-logged-in")
    user_logged_out.connect(_logged_out, dispatch_uid="security-logged-out")
    user_login_failed.connect(_login_failed, dispatch_uid="security-login-failed")
    mfa_signals.authentication_failed.connect(_second_factor_failed, dispatch_uid="security-mfa-failed")
    mfa_signals.authenticator_added.connect(_authenticator_added, dispatch_uid="security-mfa-added")
    mfa_signals.authenticator_removed.connect(_authenticator_removed, dispatch_uid="security-mfa-removed")
