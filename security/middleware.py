"""Session rules that hold for every signed-in browser request: idle and absolute timeouts, and
multi-factor enrolment before anything else."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext

from agencies.models import User
from audit.models import Outcome
from audit.services import audit_record
from common.http import api_error_response, is_api_request
from security.mfa import mfa_enabled
from security.redirects import sign_in_response
from security.session import LAST_ACTIVE_AT, MFA_CONFIRMED, SIGNED_IN_AT

# Requests a page makes on its own (polling the inbox) say so with this header; they do not count
# as activity, or an open tab would keep a session alive forever.
BACKGROUND_HEADER = "X-Bridge-Background"
# Writing the session on every request would be a database write per request; once a minute
# is precise enough for a 30-minute rule.
ACTIVITY_RESOLUTION_SECONDS = 60


def _login_response(request: HttpRequest, *, code: str, message: str) -> HttpResponse:
    if is_api_request(request):
        return api_error_response(status_code=401, code=code, message=message)
    return sign_in_response(request)


class SessionTimeoutMiddleware:
    """Ends a session after BRIDGE_SESSION_IDLE_MINUTES without activity and, regardless of
    activity, BRIDGE_SESSION_MAX_HOURS after sign-in (CJIS session lock and re-authentication)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        session = request.session
        signed_in_at = session.get(SIGNED_IN_AT)
        last_active_at = session.get(LAST_ACTIVE_AT)
        if signed_in_at is None or last_active_at is None:
            # A session from before these rules: it cannot prove its age, so it ends.
            return self._end(request, reason="unknown_age")
        if now - last_active_at > settings.BRIDGE_SESSION_IDLE_MINUTES * 60:
            return self._end(request, reason="idle")
        if now - signed_in_at > settings.BRIDGE_SESSION_MAX_HOURS * 3600:
            return self._end(request, reason="max_age")
        background = request.headers.get(BACKGROUND_HEADER) == "1"
        if not background and now - last_active_at >= ACTIVITY_RESOLUTION_SECONDS:
            session[LAST_ACTIVE_AT] = now
        return self.get_response(request)

    def _end(self, request: HttpRequest, *, reason: str) -> HttpResponse:
        audit_record(
            event_type="session.expired",
            outcome=Outcome.SUCCESS,
            user=request.user if isinstance(request.user, User) else None,
            detail={"reason": reason},
        )
        logout(request)
        return _login_response(
            request, code="session_expired", message=gettext("Your session has ended; sign in again.")
        )


class MfaEnrolmentMiddleware:
    """While BRIDGE_MFA_REQUIRED, a signed-in user without a second factor can do nothing but
    enrol one (and sign out): pages redirect to enrolment, the API answers 403."""

    EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.BRIDGE_MFA_REQUIRED or request.path.startswith(self.EXEMPT_PREFIXES):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated or request.session.get(MFA_CONFIRMED):
            return self.get_response(request)
        if mfa_enabled(user):
            request.session[MFA_CONFIRMED] = True
            return self.get_response(request)
        if is_api_request(request):
            return api_error_response(
                status_code=403,
                code="mfa_enrolment_required",
                message=gettext("Set up multi-factor authentication before using Bridge."),
            )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
