from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext

from audit.context import client_address
from security.lockout import locked_until, lockout_message
from security.mfa import mfa_enabled


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # One reading of the client address for allauth's rate limits, the API's throttles and the
        # audit log: X-Forwarded-For only as far as BRIDGE_TRUSTED_PROXY_COUNT proxies wrote it.
        address = client_address(request)
        if address is None:
            raise PermissionDenied(gettext("Unable to determine the client address."))
        return address

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Agency administrators and platform administrators create accounts; nobody signs up.
        return False

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        # The failure was counted already (`user_login_failed`); say so when it locked the account.
        if locked_until(username=str(credentials.get("username", ""))) is not None:
            raise forms.ValidationError(lockout_message(), code="locked_out")

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # Enrolling the first second factor follows the sign-in it completes; asking for the
        # password again there would only be friction. Changing an enrolled factor still asks.
        user = getattr(context.request, "user", None)
        if app == "allauth.mfa" and user is not None and user.is_authenticated and not mfa_enabled(user):
            return False
        required: bool = super().is_reauthentication_required(app=app, **kwargs)
        return required
