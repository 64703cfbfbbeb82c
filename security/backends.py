from typing import Any

from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from agencies.models import User
from security.lockout import locked_until, lockout_message


class LockoutBackend(BaseBackend):
    """Refuses every password check of a locked-out username. Raising PermissionDenied makes
    Django stop at this backend and report the attempt as a failed sign-in
    (`user_login_failed`), which `security.receivers` records.

    Being first, it is also the backend `force_login` records in sessions (tests, the shell), so
    it loads users exactly as ModelBackend does."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if username and locked_until(username=username) is not None:
            raise PermissionDenied(lockout_message())
        return None

    def get_user(self, user_id: Any) -> User | None:
        user = ModelBackend().get_user(user_id)
        return user if isinstance(user, User) else None
