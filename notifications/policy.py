"""The two questions notifications ask of the case policy, answered by casework.

Notifications are infrastructure below casework: casework's services call `notify`, so
notifications must not import casework's rules back (the layer contract in `pyproject.toml`
forbids it). Yet the worker must ask, just before an email goes out, whether the person may still
hear about cases and whether the reminder still holds (the task done, moved or reassigned). The
rules stay in casework and casework hands them down when its app is ready
(`casework.apps.CaseworkConfig.ready`), so the import points one way and the rules are written once.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from agencies.models import User
from notifications.models import Notification


@dataclass(frozen=True)
class DeliveryPolicy:
    # Whether this person may be told anything about cases (active, in a case role).
    may_receive: Callable[[User], bool]
    # Why a reminder's notification no longer holds, or "" when it does.
    stale_reason: Callable[[Notification], str]


_registered: list[DeliveryPolicy] = []


def delivery_policy_register(policy: DeliveryPolicy) -> None:
    """Called once, by the app that owns the rules; registering again replaces the rules."""
    _registered[:] = [policy]


def _policy() -> DeliveryPolicy:
    if not _registered:
        raise ImproperlyConfigured("No delivery policy is registered: is casework in INSTALLED_APPS?")
    return _registered[0]


def may_receive(user: User) -> bool:
    return _policy().may_receive(user)


def stale_reason(notification: Notification) -> str:
    """Why a notification's email should no longer be sent, or "" when it still holds."""
    return _policy().stale_reason(notification)
