"""Sending outbox emails through a real SMTP server (in this process), the relay and the digest."""

import json
from datetime import datetime, time, timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from common.times import format_when
from notifications.digests import digests_build
from notifications.models import DeliveryKind, DeliveryStatus, EmailDelivery, Notification
from notifications.services import (
    delivery_send,
    email_deliveries_retry,
    notification_mark_read,
    notification_preferences_update,
    notify,
    outbox_relay,
)
from tests.notifications.conftest import free_port
from tests.notifications.queued import delivery_ids

pytestmark = pytest.mark.django_db


def _notify(case, user, message="Something happened."):
    [notification] = notify(recipients=[user], kind="handoff_created", case=case, message=message)
    return notification


@pytest.fixture
def delivery(case, lead):
    return _notify(case, lead.liaison).email_delivery


@pytest.fixture
def broker():
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


def test_pending_email_is_sent_once_and_marked_sent(smtp_backend, delivery, lead):
    assert delivery_send(delivery_id=delivery.pk) == "sent"
    assert delivery_send(delivery_id=delivery.pk) == "skipped"

    [email] = smtp_backend.messages()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 1, "")
    assert email.to == [lead.liaison.email]
    assert email.subject == delivery.subject
    assert email.message_id == f"<{delivery.pk}@localhost>"


def test_unreachable_mail_server_leaves_the_email_pending_with_backoff(settings, delivery):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    now = timezone.now()

    outcome = delivery_send(delivery_id=delivery.pk, now=now)

    delivery.refresh_from_db()
    assert outcome == "retry"
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.last_error.startswith("ConnectionRefusedError")
    assert delivery.next_attempt_at == now + timedelta(seconds=60)


def test_backoff_doubles_with_each_failed_attempt(settings, delivery):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    now = timezone.now()

    for _ in range(3):
        delivery_send(delivery_id=delivery.pk, now=now)

    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.next_attempt_at) == (3, now + timedelta(seconds=240))


def test_email_fails_for_good_after_the_last_attempt(settings, delivery):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.BRIDGE_EMAIL_MAX_ATTEMPTS = 2

    outcomes = [delivery_send(delivery_id=delivery.pk) for _ in range(3)]

    delivery.refresh_from_db()
    assert outcomes == ["retry", "failed", "skipped"]
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 2)


def test_a_refused_recipient_fails_at_once(smtp_backend, delivery, lead):
    smtp_backend.refused.add(lead.liaison.email)

    outcome = delivery_send(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (outcome, delivery.status, delivery.attempts) == ("failed", DeliveryStatus.FAILED, 1)
    assert delivery.last_error.startswith("SMTPRecipientsRefused")


def test_email_to_a_deactivated_user_is_cancelled(smtp_backend, delivery, lead):
    lead.liaison.is_active = False
    lead.liaison.save(update_fields=["is_active"])

    assert delivery_send(delivery_id=delivery.pk) == "cancelled"
    assert smtp_backend.messages() == []


def test_operator_retry_requeues_only_failed_emails(smtp_backend, case, lead, broker):
    failed = _notify(case, lead.liaison).email_delivery
    sent = _notify(case, lead.supervisor).email_delivery
    EmailDelivery.objects.filter(pk=failed.pk).update(status=DeliveryStatus.FAILED, attempts=8)
    delivery_send(delivery_id=sent.pk)

    assert email_deliveries_retry(deliveries=[failed, sent]) == 1

    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (DeliveryStatus.PENDING, 0)
    assert delivery_send(delivery_id=failed.pk) == "sent"
    assert len(smtp_backend.messages()) == 2


# --- relay ----------------------------------------------------------------------------------


def test_relay_republishes_pending_emails_whose_time_has_come(
    case, lead, broker, django_capture_on_commit_callbacks
):
    delivery = _notify(case, lead.liaison).email_delivery
    later = delivery.next_attempt_at + timedelta(seconds=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_relay(now=delivery.next_attempt_at - timedelta(seconds=1)) == 0
        assert outbox_relay(now=later) == 1

    [raw] = broker.lrange("celery", 0, -1)
    assert delivery_ids(raw) == [str(delivery.pk)]
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == later + timedelta(seconds=settings.BRIDGE_OUTBOX_RELAY_AFTER_SECONDS)


def test_a_published_message_names_how_many_emails_it_carries_not_which(
    case, lead, broker, django_capture_on_commit_callbacks
):
    delivery = _notify(case, lead.liaison).email_delivery

    with django_capture_on_commit_callbacks(execute=True):
        outbox_relay(now=delivery.next_attempt_at + timedelta(seconds=1))

    [raw] = broker.lrange("celery", 0, -1)
    assert json.loads(raw)["headers"]["argsrepr"] == "(delivery ids: 1)"


def test_relay_does_not_republish_a_row_it_just_published(
    case, lead, broker, django_capture_on_commit_callbacks
):
    delivery = _notify(case, lead.liaison).email_delivery
    later = delivery.next_attempt_at + timedelta(seconds=1)

    with django_capture_on_commit_callbacks(execute=True):
        outbox_relay(now=later)
        second = outbox_relay(now=later + timedelta(seconds=1))

    assert (second, broker.llen("celery")) == (0, 1)


def test_relay_leaves_sent_emails_alone(smtp_backend, delivery, broker):
    delivery_send(delivery_id=delivery.pk)

    assert outbox_relay(now=timezone.now() + timedelta(days=1)) == 0


# --- daily digest ---------------------------------------------------------------------------


def at_local(hour, *, days=0):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 5)))


@pytest.fixture
def digest_reader(lead):
    notification_preferences_update(user=lead.liaison, email_digest=True)
    return lead.liaison


def test_no_digest_before_the_digest_hour(case, digest_reader):
    _notify(case, digest_reader)

    assert digests_build(now=at_local(settings.BRIDGE_DIGEST_HOUR - 1, days=1)) == 0
    assert EmailDelivery.objects.count() == 0


def test_digest_gathers_unread_notifications_into_one_email(case, digest_reader):
    first = _notify(case, digest_reader, "First thing.")
    second = _notify(case, digest_reader, "Second thing.")
    read = _notify(case, digest_reader, "Already seen.")
    notification_mark_read(user=digest_reader, notification=read)

    assert digests_build(now=at_local(settings.BRIDGE_DIGEST_HOUR, days=1)) == 1

    digest = EmailDelivery.objects.get()
    assert (digest.kind, digest.recipient, digest.digest_date) == (
        DeliveryKind.DIGEST,
        digest_reader,
        timezone.localdate() + timedelta(days=1),
    )
    assert digest.subject == "[Bridge] Your daily summary: 2 notifications"
    link = f"{settings.BRIDGE_BASE_URL}/cases/{case.pk}/"
    assert digest.body == (
        "Bridge notifications since your last summary:\n\n"
        f"- {format_when(first.created_at)} | {case.number} | First thing.\n  {link}\n\n"
        f"- {format_when(second.created_at)} | {case.number} | Second thing.\n  {link}\n\n"
        "Times are America/Chicago time.\n"
        "This email leaves out case details on purpose. Sign in to Bridge to see them.\n"
    )
    assert Notification.objects.filter(awaits_digest=True).count() == 0


def test_a_digest_lists_a_notice_about_accounts_without_a_case_number(digest_reader):
    notice = _notify(None, digest_reader, "A new account.")

    digests_build(now=at_local(settings.BRIDGE_DIGEST_HOUR, days=1))

    inbox = f"{settings.BRIDGE_BASE_URL}/notifications/"
    assert EmailDelivery.objects.get().body == (
        "Bridge notifications since your last summary:\n\n"
        f"- {format_when(notice.created_at)} | A new account.\n  {inbox}\n\n"
        "Times are America/Chicago time.\n"
        "This email leaves out case details on purpose. Sign in to Bridge to see them.\n"
    )


def test_one_digest_a_day(case, digest_reader):
    _notify(case, digest_reader)
    digests_build(now=at_local(settings.BRIDGE_DIGEST_HOUR, days=1))
    _notify(case, digest_reader)

    assert digests_build(now=at_local(settings.BRIDGE_DIGEST_HOUR + 1, days=1)) == 0
    assert digests_build(now=at_local(settings.BRIDGE_DIGEST_HOUR, days=2)) == 1
    assert EmailDelivery.objects.count() == 2


def test_no_digest_when_everything_was_read(case, digest_reader):
    notification_mark_read(user=digest_reader, notification=_notify(case, digest_reader))

    assert digests_build(now=at_local(settings.BRIDGE_DIGEST_HOUR, days=1)) == 0
    assert EmailDelivery.objects.count() == 0
    assert Notification.objects.filter(awaits_digest=True).count() == 0
