"""Sign-in events from Django and django-allauth, turned into lockout counts, audit records and,
when a password changes, the end of everything signed in with the old one."""

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from agencies.models import User
from audit.models import Outcome
from audit.services import audit_record
from security.lockout import FailureReason, login_failure_register, login_success_register
from security.services import user_signed_out_everywhere
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


def _password_changed_by_the_person(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    # A change or first setting made while signed in keeps the session that made it.
    user_signed_out_everywhere(
        user=user, reason="password_changed", keep_session_key=request.session.session_key
    )


def _password_reset(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    # Through an emailed link (enrolment or reset): nobody was signed in as the person here.
    user_signed_out_everywhere(user=user, reason="password_reset")


def connect() -> None:
    account_signals.password_changed.connect(
        _password_changed_by_the_person, dispatch_uid="security-password-changed"
    )
    account_signals.password_set.connect(
        _password_changed_by_the_person, dispatch_uid="security-password-set"
    )
    account_signals.password_reset.connect(_password_reset, dispatch_uid="security-password-reset")
    user_logged_in.connect(_logged_in, dispatch_uid="security-logged-in")
    user_logged_out.connect(_logged_out, dispatch_uid="security-logged-out")
    user_login_failed.connect(_login_failed, dispatch_uid="security-login-failed")
    mfa_signals.authentication_failed.connect(_second_factor_failed, dispatch_uid="security-mfa-failed")
    mfa_signals.authenticator_added.connect(_authenticator_added, dispatch_uid="security-mfa-added")
    mfa_signals.authenticator_removed.connect(_authenticator_removed, dispatch_uid="security-mfa-removed")
