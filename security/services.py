"""Credentials that belong to the person alone: the links that let them set their own password, and
ending everything that signed in with an old one.

No administrator, platform or agency, ever chooses or sees a member's password. A new account
gets an unusable password and an emailed enrolment link; an administrator can only have a reset
link emailed to the person. Both are allauth's password-reset-from-key links (one use, valid for
BRIDGE_ENROLMENT_LINK_HOURS, tied to the current password hash and email address), so setting the
password goes through allauth's form and password validators, and the second factor is enrolled
at the first sign-in as for everyone.
"""

from enum import StrEnum
from functools import partial

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from agencies.models import User
from audit.services import audit_record
from common.i18n import in_language_of


class PasswordLinkPurpose(StrEnum):
    ENROLMENT = "enrolment"
    RESET = "reset"


def password_link_url(*, user: User) -> str:
    """The absolute address where `user` sets their own password. It stops working once the
    password or email address changes, and after BRIDGE_ENROLMENT_LINK_HOURS."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return settings.BRIDGE_BASE_URL.rstrip("/") + path


def password_link_send(*, user: User, purpose: PasswordLinkPurpose) -> None:
    """Email `user` a link to set their own password, after the caller's transaction commits (a
    rolled-back account gets no email). Precondition: the caller checked that the actor may do
    this and records the audit entry. The email names the person's username and Bridge, nothing
    about any case."""
    if not user.email:
        raise ValueError("A password link needs the person's email address.")
    context = {
        "username": user.username,
        "link": password_link_url(user=user),
        "hours": settings.BRIDGE_ENROLMENT_LINK_HOURS,
        "base_url": settings.BRIDGE_BASE_URL.rstrip("/"),
    }
    # In the person's language, whoever asked for the link.
    with in_language_of(user):
        subject = " ".join(render_to_string(f"security/email/{purpose}_subject.txt", context).split())
        body = render_to_string(f"security/email/{purpose}_body.txt", context).strip() + "\n"
    message = EmailMessage(
        subject=subject, body=body, to=[user.email], headers={"Auto-Submitted": "auto-generated"}
    )
    transaction.on_commit(partial(message.send, fail_silently=False))


def _session_keys_of(user: User) -> list[str]:
    """Keys of the unexpired database sessions signed in as `user`. Sessions store the user id
    inside their encoded data, so each live session is decoded; sessions last at most
    BRIDGE_SESSION_MAX_HOURS, so that is a day's sign-ins at most."""
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            keys.append(session.session_key)
    return keys


@transaction.atomic
def user_signed_out_everywhere(*, user: User, reason: str, keep_session_key: str | None = None) -> None:
    """End every browser session of `user` but `keep_session_key` (the session in which they
    changed their own password), and record it. Called whenever a password is changed, set or
    reset, so nothing signed in with the old password outlives it. API tokens end in the database
    itself, on any change of the password hash (the `password_change_ends_api_tokens` trigger on
    `agencies.User`), whichever path changed it."""
    keys = [key for key in _session_keys_of(user) if key != keep_session_key]
    sessions, _ = Session.objects.filter(session_key__in=keys).delete()
    audit_record(
        event_type="credentials.revoked",
        user=user,
        detail={
            "reason": reason,
            "sessions": sessions,
            "api_tokens_left": Token.objects.filter(user=user).count(),
        },
    )
