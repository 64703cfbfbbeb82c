"""Lockout after repeated failed sign-ins (CJIS: 5 consecutive failures, 10 minutes).

Every sign-in path counts here: the browser sign-in form (and through it the admin), its
second-factor step, and the API token endpoint. The count is per username as typed, so locking
an account needs no knowledge of whether it exists, and the answer is the same either way.
A failure while locked is recorded but does not extend the lock; a successful sign-in resets the
count. `LockoutBackend` (first in AUTHENTICATION_BACKENDS) refuses every password check of a
locked username, whichever code calls `authenticate`.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from agencies.models import User
from audit.models import Outcome
from audit.services import audit_record
from security.models import LoginGuard


class FailureReason:
    PASSWORD = "password"  # noqa: S105 - a reason, not a password
    SECOND_FACTOR = "second_factor"
    LOCKED = "locked"


def normalise_username(username: str) -> str:
    return username.strip().lower()[:150]


def locked_until(*, username: str) -> datetime | None:
    """When the lock on this username ends, or None when it is not locked."""
    key = normalise_username(username)
    if not key:
        return None
    until = LoginGuard.objects.filter(username=key).values_list("locked_until", flat=True).first()
    if until is not None and until > timezone.now():
        return until
    return None


def lockout_message() -> str:
    minutes = settings.BRIDGE_LOCKOUT_MINUTES
    return ngettext(
        "Too many failed sign-in attempts: this account is locked for %(minutes)s minute. "
        "Try again later or ask your agency administrator.",
        "Too many failed sign-in attempts: this account is locked for %(minutes)s minutes. "
        "Try again later or ask your agency administrator.",
        minutes,
    ) % {"minutes": minutes}


def _user_named(username: str) -> User | None:
    return User.objects.select_related("agency").filter(username__iexact=username.strip()).first()


@transaction.atomic
def login_failure_register(*, username: str, reason: str) -> bool:
    """Count a failed sign-in for `username` and audit it; lock the username at the limit (and
    audit the lockout). Returns whether the username is locked now."""
    key = normalise_username(username)
    user = _user_named(username)
    if not key:
        audit_record(event_type="login.failed", outcome=Outcome.FAILURE, detail={"reason": reason})
        return False
    guard, _ = LoginGuard.objects.select_for_update().get_or_create(username=key)
    now = timezone.now()
    if guard.locked_until is not None and guard.locked_until > now:
        audit_record(
            event_type="login.refused_locked",
            outcome=Outcome.DENIED,
            user=user,
            username=key,
            detail={"reason": reason, "locked_until": guard.locked_until.isoformat()},
        )
        return True
    guard.failures += 1
    guard.last_failure_at = now
    audit_record(
        event_type="login.failed",
        outcome=Outcome.FAILURE,
        user=user,
        username=key,
        detail={"reason": reason, "consecutive_failures": guard.failures},
    )
    locked = guard.failures >= settings.BRIDGE_LOGIN_FAILURE_LIMIT
    if locked:
        guard.locked_until = now + timedelta(minutes=settings.BRIDGE_LOCKOUT_MINUTES)
        guard.failures = 0
        audit_record(
            event_type="login.locked_out",
            outcome=Outcome.DENIED,
            user=user,
            username=key,
            detail={"locked_until": guard.locked_until.isoformat()},
        )
    guard.save(update_fields=["failures", "last_failure_at", "locked_until"])
    return locked


@transaction.atomic
def login_success_register(*, user: User, method: str) -> None:
    """A completed sign-in (with the second factor where one is enrolled): the failure count
    starts again, and the sign-in is audited."""
    LoginGuard.objects.filter(username=normalise_username(user.username)).update(failures=0)
    audit_record(event_type="login.succeeded", outcome=Outcome.SUCCESS, user=user, detail={"method": method})
