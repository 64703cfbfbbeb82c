"""Session timestamps: when the user signed in and when they were last active."""

import time

from django.http import HttpRequest

SIGNED_IN_AT = "bridge.signed_in_at"
LAST_ACTIVE_AT = "bridge.last_active_at"
# Set once the user's second factor has been seen, so the enrolment check is not a query per request.
MFA_CONFIRMED = "bridge.mfa_confirmed"


def session_start(request: HttpRequest) -> None:
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_ACTIVE_AT] = now
