"""The daily digest: once a day, each reader who asked for one gets their waiting notifications
in one email."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone

from agencies.models import User
from common.i18n import in_language_of
from common.times import format_when
from notifications.models import DeliveryKind, EmailDelivery, Notification, NotificationPreference
from notifications.policy import stale_reason
from notifications.services import link_for, publish_after_commit


def digests_build(*, now: datetime | None = None) -> int:
    """Once a day, after BRIDGE_DIGEST_HOUR local time, put each digest reader's waiting
    notifications into one email. One digest per user per day (unique constraint); anything
    arriving after today's digest waits for tomorrow's."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.BRIDGE_DIGEST_HOUR:
        return 0
    today = local.date()
    built_today = EmailDelivery.objects.filter(
        recipient=OuterRef("recipient"), kind=DeliveryKind.DIGEST, digest_date=today
    )
    waiting = (
        Notification.objects.filter(awaits_digest=True)
        .filter(~Exists(built_today))
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return sum(_build_digest(user_id=user_id, today=today, now=now) for user_id in list(waiting))


def _build_digest(*, user_id: int, today: date, now: datetime) -> int:
    with transaction.atomic():
        items = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient", "case", "task", "handoff", "reminder")
            .filter(recipient_id=user_id, awaits_digest=True)
            .order_by("created_at")
        )
        if not items:
            return 0
        recipient = items[0].recipient
        preference = NotificationPreference.objects.filter(user=recipient).first() or NotificationPreference()
        wanted = [item for item in items if item.read_at is None and not stale_reason(item)]
        delivery = None
        if wanted and preference.email_enabled and recipient.email:
            delivery = _create_digest(recipient=recipient, items=wanted, today=today, now=now)
            if delivery is None:
                return 0
        Notification.objects.filter(pk__in=[item.pk for item in items]).update(
            awaits_digest=False, digest=delivery
        )
        if delivery is None:
            return 0
        publish_after_commit([delivery.pk])
        return 1


def _create_digest(
    *, recipient: User, items: list[Notification], today: date, now: datetime
) -> EmailDelivery | None:
    # Written in the reader's language: the dates, the email's own words and its subject. The
    # messages themselves were written in it when they were stored.
    with in_language_of(recipient):
        context = {
            "count": len(items),
            "items": [
                {
                    "when": format_when(item.created_at),
                    "case_number": item.case.number if item.case is not None else "",
                    "message": item.message,
                    "link": link_for(case=item.case, task=item.task, handoff=item.handoff),
                }
                for item in items
            ],
        }
        subject = " ".join(render_to_string("notifications/email/digest_subject.txt", context).split())
        body = render_to_string("notifications/email/digest_body.txt", context).strip() + "\n"
    try:
        with transaction.atomic():
            return EmailDelivery.objects.create(
                recipient=recipient,
                kind=DeliveryKind.DIGEST,
                digest_date=today,
                subject=subject,
                body=body,
                next_attempt_at=now + timedelta(seconds=settings.BRIDGE_OUTBOX_RELAY_AFTER_SECONDS),
            )
    except IntegrityError:
        return None
