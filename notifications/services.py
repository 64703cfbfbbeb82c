"""Notifications: the in-app inbox, email preferences and the email outbox.

`notify` is what other apps call. It writes inbox rows and outbox rows in the caller's
transaction and publishes the outbox rows to the broker only after commit, so a rolled-back
change tells nobody and a broker outage loses nothing: the outbox relay republishes later.
Notifications decide nothing about cases: the caller names the recipients (`casework.access.audience`),
and the two questions the worker asks before sending are answered by casework
(`notifications.policy`). The deadline sweep (`casework.sweep`) sends through `notify_many`.
"""

import logging
import re
import smtplib
import uuid
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from agencies.models import User
from audit.services import audit_record
from casework.models import Case, Handoff, Task
from common.copy import copy_insert, row_maker
from common.errors import NotFound, ValidationFailed
from common.i18n import Message
from notifications.models import (
    DeliveryKind,
    DeliveryStatus,
    EmailDelivery,
    Notification,
    NotificationPreference,
    Reminder,
)
from notifications.policy import may_receive, stale_reason

logger = logging.getLogger(__name__)

DELIVER_TASK = "notifications.tasks.deliver"


def link_for(*, case: Case | None, task: Task | None = None, handoff: Handoff | None = None) -> str:
    """The absolute address a notification points at. It names ids only; a notice about no case
    points at the inbox."""
    base = settings.BRIDGE_BASE_URL.rstrip("/")
    if handoff is not None:
        return f"{base}/handoffs/{handoff.pk}/"
    if task is not None:
        return f"{base}/tasks/{task.pk}/"
    if case is None:
        return f"{base}/notifications/"
    return f"{base}/cases/{case.pk}/"


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    case: Case | None,
    message: str | Message,
    task: Task | None = None,
    handoff: Handoff | None = None,
    reminder: Reminder | None = None,
) -> list[Notification]:
    """Tell `recipients` something about `case` (or, with `case=None`, about their agency's
    accounts): one inbox entry each, and an email (now or in the daily digest) for those whose
    preferences ask for it. A reminder's entries link to the `reminder` that caused them.

    Precondition: `message` holds no child's name and no section content; say what happened, to
    which case number, and when. A `Message` is written in each recipient's language; a `str` is
    stored as it is for everyone. Recipients who are inactive or hold no case role are skipped.
    Runs in the caller's transaction; emails are published to the broker after it commits."""
    notice = Notice(
        recipients=list(recipients),
        kind=kind,
        case=case,
        message=message,
        task=task,
        handoff=handoff,
        reminder=reminder,
    )
    return notify_many(notices=[notice])[0]


@dataclass(frozen=True)
class Notice:
    """One thing to tell some people, as `notify` takes it."""

    recipients: list[User]
    kind: str
    case: Case | None
    message: str | Message
    task: Task | None = None
    handoff: Handoff | None = None
    reminder: Reminder | None = None


def notify_many(*, notices: Sequence[Notice]) -> list[list[Notification]]:
    """`notify` for many notices at once, as the deadline sweep sends them: one query for the
    languages and preferences of everyone concerned, one insert of every inbox row and one of
    every email, all published after the caller's transaction commits. Each notice is written
    once per language among its recipients, not once per person. Returns each notice's entries."""
    # Written in the deployment's language unless a reader has another: one switch for the batch
    # rather than two a notice (switching costs more than writing a message).
    with translation.override(settings.LANGUAGE_CODE):
        checked = [_check_notice(notice) for notice in notices]
        people_of = [_receivers(notice.recipients) for notice in notices]
        everyone = {person.pk for people in people_of for person in people}
        if not everyone:
            return [[] for _ in notices]
        rows = _Rows(readers=_readers(everyone))
        notifications_of = [
            rows.add(notice=notice, people=people, message_in_default=message)
            for notice, people, message in zip(notices, people_of, checked, strict=True)
        ]
    with transaction.atomic():
        copy_insert([n for notifications in notifications_of for n in notifications])
        copy_insert(rows.deliveries)
        publish_after_commit([delivery.pk for delivery in rows.deliveries])
    return notifications_of


MESSAGE_MAX_LENGTH = 500


def _check_notice(notice: Notice) -> str:
    """The notice's message in the deployment's language, checked; readers of that language get
    this very text (a message's values, dates among them, cost more to write than the rest).
    Called with the deployment's language active."""
    if not notice.kind.strip() or len(notice.kind) > 40:
        raise ValueError("A notification kind is a short non-empty name.")
    message = str(notice.message)
    if not message.strip() or len(message) > MESSAGE_MAX_LENGTH:
        raise ValueError("A notification message is non-empty and at most 500 characters.")
    return message


def _receivers(recipients: Iterable[User]) -> list[User]:
    """Each recipient once, in id order, leaving out those who may hear nothing about cases."""
    unique: dict[int, User] = {}
    for user in recipients:
        if may_receive(user):
            unique.setdefault(user.pk, user)
    return [unique[pk] for pk in sorted(unique)]


@dataclass(frozen=True)
class _Reader:
    """What writing to one person needs beyond their id: their language and email choices."""

    language: str
    email_enabled: bool
    email_digest: bool


def _readers(user_ids: Iterable[int]) -> dict[int, _Reader]:
    """Each person's language and email choices, in one query. Read here rather than from the
    recipients handed in, which callers may have loaded without the language (the sweep loads
    only the columns it needs)."""
    default = NotificationPreference()
    rows = User.objects.filter(pk__in=user_ids).values_list(
        "pk", "language", "notification_preference__email_enabled", "notification_preference__email_digest"
    )
    return {
        pk: _Reader(
            language=language or settings.LANGUAGE_CODE,
            email_enabled=default.email_enabled if email_enabled is None else email_enabled,
            email_digest=default.email_digest if email_digest is None else email_digest,
        )
        for pk, language, email_enabled, email_digest in rows
    }


@dataclass(frozen=True)
class _Text:
    """A notice as one language reads it: the inbox message and the email's subject and body."""

    message: str
    subject: str
    body: str


class _Rows:
    """The inbox and outbox rows of a batch of notices, built in memory for one `COPY` each."""

    def __init__(self, *, readers: dict[int, _Reader]) -> None:
        self.readers = readers
        self.retry_at = timezone.now() + timedelta(seconds=settings.BRIDGE_OUTBOX_RELAY_AFTER_SECONDS)
        self.email = EmailTemplates()
        self.deliveries: list[EmailDelivery] = []
        self._new_notification = row_maker(Notification)
        self._new_delivery = row_maker(EmailDelivery)
        self._subject_abouts: dict[tuple[str, str], str] = {}

    def add(self, *, notice: Notice, people: list[User], message_in_default: str) -> list[Notification]:
        """One inbox row per person, and an email for those who want one now, each in the
        person's language. `message_in_default`: the message as `_check_notice` wrote it."""
        if not people:
            return []
        # The sweep builds these by the hundred thousand: ids, not objects, looked up once a
        # notice, and no model constructor (`row_maker`).
        about = {
            "kind": notice.kind,
            "case_id": notice.case.pk if notice.case is not None else None,
            "task_id": notice.task.pk if notice.task is not None else None,
            "handoff_id": notice.handoff.pk if notice.handoff is not None else None,
            "reminder_id": notice.reminder.pk if notice.reminder is not None else None,
        }
        texts: dict[str, _Text] = {}
        notifications = []
        for person in people:
            person_id = person.pk
            reader = self.readers[person_id]
            text = texts.get(reader.language)
            if text is None:
                text = texts[reader.language] = self._text(
                    notice=notice, language=reader.language, message_in_default=message_in_default
                )
            wants_email = reader.email_enabled and bool(person.email)
            notification = self._new_notification(
                recipient_id=person_id,
                message=text.message,
                awaits_digest=wants_email and reader.email_digest,
                **about,
            )
            notifications.append(notification)
            if wants_email and not reader.email_digest:
                self.deliveries.append(
                    self._new_delivery(
                        recipient_id=person_id,
                        kind=DeliveryKind.IMMEDIATE,
                        notification_id=notification.pk,
                        subject=text.subject,
                        body=text.body,
                        next_attempt_at=self.retry_at,
                    )
                )
        return notifications

    def _text(self, *, notice: Notice, language: str, message_in_default: str) -> _Text:
        case = notice.case
        case_number = case.number if case is not None else ""
        link = link_for(case=case, task=notice.task, handoff=notice.handoff)
        in_default = language == settings.LANGUAGE_CODE
        # The deployment's language is active already (`notify_many`).
        with nullcontext() if in_default else translation.override(language):
            written = message_in_default if in_default else str(notice.message)
            # A translation may run longer than the English the caller checked; the inbox column
            # holds 500 characters.
            message = _fit(written.strip(), MESSAGE_MAX_LENGTH)
            about = self._subject_abouts.get((notice.kind, language))
            if about is None:
                about = str(SUBJECTS.get(notice.kind, _("update")))
                self._subject_abouts[notice.kind, language] = about
            subject = self.email.subject(language=language, about=about, case_number=case_number)
            body = self.email.body(language=language, message=message, case_number=case_number, link=link)
        return _Text(message=message, subject=_fit(subject, SUBJECT_MAX_LENGTH), body=body)


def _fit(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


SUBJECT_MAX_LENGTH = 200


# What an email's subject says about each kind of notification; the body carries the message.
SUBJECTS = {
    "task_upcoming": _("task due soon"),
    "task_due": _("task due now"),
    "task_overdue": _("overdue task"),
    "consent_expiring": _("consent expiring"),
    "handoff_pending": _("handoff awaiting your answer"),
    "handoff_overdue": _("unanswered handoff"),
    "handoff_approval_pending": _("handoff awaiting your approval"),
    "handoff_approval_overdue": _("unapproved handoff"),
    "handoff_approval_requested": _("handoff to approve"),
    "handoff_approved": _("handoff approved"),
    "handoff_created": _("handoff request"),
    "handoff_accepted": _("handoff accepted"),
    "handoff_declined": _("handoff declined"),
    "handoff_withdrawn": _("handoff withdrawn"),
    "handoff_expired": _("handoff expired"),
    "break_glass_opened": _("break-glass access"),
    "case_role_granted": _("a member of your agency now works on cases"),
    "task_waiting": _("an agency to invite"),
    "task_given": _("work for your agency"),
    "court_hearing": _("court hearing scheduled"),
    "plan_submitted": _("case plan awaiting your approval"),
    "plan_decided": _("case plan decision"),
}


class EmailTemplates:
    """A notification email's subject and body, for one batch of notices, written in one time zone:
    each template is looked up once (a lookup costs three times the rendering) and rendered once
    per language and shape (which values are empty), with a placeholder for each value that each
    notice's email then fills in. The templates insert their values as they are (autoescape off,
    no filters), so filling in writes what rendering would, for a hundredth of the time
    (tests/notifications/test_services_notify.py compares the two)."""

    def __init__(self) -> None:
        self._templates = {
            part: get_template(f"notifications/email/notification_{part}.txt") for part in ("subject", "body")
        }
        self._frames: dict[tuple[object, ...], list[str]] = {}

    def subject(self, *, language: str, about: str, case_number: str) -> str:
        return " ".join(self._fill("subject", language, about=about, case_number=case_number).split())

    def body(self, *, language: str, message: str, case_number: str, link: str) -> str:
        return (
            self._fill("body", language, message=message, case_number=case_number, link=link).strip() + "\n"
        )

    def _fill(self, part: str, language: str, /, **values: str) -> str:
        shape = tuple((name, bool(value)) for name, value in values.items())
        key = (part, language, shape)
        frame = self._frames.get(key)
        if frame is None:
            context = {name: _placeholder(name) if value else "" for name, value in values.items()}
            with translation.override(language):
                rendered = self._templates[part].render(context)
            # Text, then a value's name, then text, ...: the names sit at the odd positions.
            frame = self._frames[key] = _PLACEHOLDER.split(rendered)
        parts = frame.copy()
        for index in range(1, len(parts), 2):
            parts[index] = values[parts[index]]
        return "".join(parts)


# NUL characters appear in no template or translation, and a value filled in is never read again.
_PLACEHOLDER = re.compile("\x00([a-z_]+)\x00")


def _placeholder(name: str) -> str:
    return f"\x00{name}\x00"


# Outbox rows per broker message: a sweep queues emails by the hundred thousand, and a message
# each would cost more than writing them (docs/performance.md, change 5).
PUBLISH_BATCH = 200


def publish_after_commit(delivery_ids: list[uuid.UUID]) -> None:
    """Hand outbox rows to the broker once the surrounding transaction commits."""
    if delivery_ids:
        transaction.on_commit(partial(_publish, delivery_ids))


def _publish(delivery_ids: list[uuid.UUID]) -> None:
    # A broker outage must not fail, or stall, the request that already committed its change:
    # one connection attempt without retries, and the rows wait in the outbox for the relay.
    try:
        with current_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=0)
            for start in range(0, len(delivery_ids), PUBLISH_BATCH):
                batch = [str(delivery_id) for delivery_id in delivery_ids[start : start + PUBLISH_BATCH]]
                # Celery would write its own repr of the two hundred ids for monitoring, in Python,
                # a quarter of the cost of publishing them; the count says as much.
                current_app.send_task(
                    DELIVER_TASK,
                    args=batch,
                    argsrepr=f"(delivery ids: {len(batch)})",
                    connection=connection,
                    retry=False,
                )
    except (KombuError, RedisError, OSError) as error:
        logger.warning(
            "Broker unavailable; %s email(s) stay in the outbox for the relay: %s", len(delivery_ids), error
        )


# --- sending --------------------------------------------------------------------------------


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(60 * 2 ** (attempts - 1), 3600))


def _is_permanent(error: Exception) -> bool:
    """A 5xx answer about this message or recipient will not change on retry."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500 and not isinstance(error, smtplib.SMTPAuthenticationError)
    return False


def delivery_send(*, delivery_id: uuid.UUID | str, now: datetime | None = None) -> str:
    """Send one outbox email if it is still pending, and record the outcome. Safe to call any
    number of times, concurrently: the row is claimed with FOR UPDATE SKIP LOCKED and marked sent
    in the same transaction that held the claim while the mail server accepted the message.

    At-least-once: if the process dies after the mail server accepted the message and before the
    commit, the row is still pending and the relay sends it again. Every copy carries the same
    Message-ID (the delivery id) so mail systems that deduplicate on it show one."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            EmailDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient", "notification__reminder", "notification__task")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None:
            return "skipped"
        reason = _undeliverable_reason(delivery)
        if reason:
            delivery.status = DeliveryStatus.CANCELLED
            delivery.last_error = reason
            delivery.save(update_fields=["status", "last_error", "updated_at"])
            return "cancelled"
        delivery.attempts += 1
        try:
            _send(delivery)
        except (smtplib.SMTPException, OSError) as error:
            delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
            if _is_permanent(error) or delivery.attempts >= settings.BRIDGE_EMAIL_MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
            else:
                delivery.next_attempt_at = now + _backoff(delivery.attempts)
            delivery.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "updated_at"])
            logger.warning("Email delivery %s attempt %s failed: %s", delivery.pk, delivery.attempts, error)
            return "failed" if delivery.status == DeliveryStatus.FAILED else "retry"
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
        delivery.save(update_fields=["status", "attempts", "last_error", "sent_at", "updated_at"])
        return "sent"


def _undeliverable_reason(delivery: EmailDelivery) -> str:
    recipient = delivery.recipient
    if not may_receive(recipient):
        return "The recipient no longer works on cases."
    if not recipient.email:
        return "The recipient has no email address."
    if delivery.notification is not None:
        return stale_reason(delivery.notification)
    return ""


def _send(delivery: EmailDelivery) -> None:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "bridge.invalid"
    message = EmailMessage(
        subject=delivery.subject,
        body=delivery.body,
        to=[delivery.recipient.email],
        headers={"Message-ID": f"<{delivery.pk}@{domain}>", "Auto-Submitted": "auto-generated"},
    )
    message.send(fail_silently=False)


@transaction.atomic
def outbox_relay(*, now: datetime | None = None, limit: int = 500) -> int:
    """Republish pending outbox rows whose publish was lost (broker down, worker killed) or whose
    retry time has come. Claimed with SKIP LOCKED and pushed forward, so two relays do not
    publish the same row twice in one round; `delivery_send` is idempotent either way."""
    now = now or timezone.now()
    due = list(
        EmailDelivery.objects.select_for_update(skip_locked=True)
        .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    if due:
        EmailDelivery.objects.filter(pk__in=due).update(
            next_attempt_at=now + timedelta(seconds=settings.BRIDGE_OUTBOX_RELAY_AFTER_SECONDS),
            updated_at=now,
        )
        publish_after_commit(due)
    return len(due)


# --- inbox ----------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the user's own notifications read. Someone else's is `NotFound`. Reading
    again keeps the first time it was read."""
    row = Notification.objects.select_for_update().filter(pk=notification.pk, recipient_id=user.pk).first()
    if row is None:
        raise NotFound()
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at"])
    return row


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- preferences ----------------------------------------------------------------------------


@transaction.atomic
def notification_preferences_update(
    *, user: User, email_enabled: bool | None = None, email_digest: bool | None = None
) -> NotificationPreference:
    """Change a user's own email choices. The in-app inbox cannot be turned off. A change is an
    audit record (`notification_preferences.changed`, with the values that changed)."""
    errors: dict[str, list[str]] = {}
    changes: dict[str, bool] = {}
    for name, value in (("email_enabled", email_enabled), ("email_digest", email_digest)):
        if value is None:
            continue
        if not isinstance(value, bool):
            errors[name] = [gettext("Must be true or false.")]
        else:
            changes[name] = value
    if errors:
        raise ValidationFailed(gettext("The preferences could not be saved."), fields=errors)
    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    changed = {name: value for name, value in changes.items() if getattr(preference, name) != value}
    for name, value in changed.items():
        setattr(preference, name, value)
    if changed:
        preference.save(update_fields=[*changed, "updated_at"])
        audit_record(
            event_type="notification_preferences.changed",
            user=user,
            object_type="user",
            object_id=str(user.public_id),
            detail=changed,
        )
    return preference


@transaction.atomic
def email_deliveries_retry(*, deliveries: Iterable[EmailDelivery]) -> int:
    """Put failed emails back in the outbox, after an operator fixed what made them fail (mail
    server settings, an address). Only failed rows change; sent ones are never sent again."""
    ids = [delivery.pk for delivery in deliveries]
    retry = list(
        EmailDelivery.objects.select_for_update()
        .filter(pk__in=ids, status=DeliveryStatus.FAILED)
        .values_list("pk", flat=True)
    )
    EmailDelivery.objects.filter(pk__in=retry).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), updated_at=timezone.now()
    )
    publish_after_commit(retry)
    return len(retry)
