"""Reads of a user's own notifications and preferences, and the outbox figures operators watch."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, QuerySet

from agencies.models import User
from notifications.models import DeliveryStatus, EmailDelivery, Notification, NotificationPreference


def notifications_for(*, user: User, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's inbox, newest first. `unread=True` keeps unread entries, `False` read ones.
    Each row carries its case number and the ids of its task and handoff without extra queries."""
    queryset = (
        Notification.objects.filter(recipient_id=user.pk)
        .select_related("case")
        .only(
            "id",
            "kind",
            "case__id",
            "case__number",
            "task_id",
            "handoff_id",
            "message",
            "created_at",
            "read_at",
            "recipient_id",
        )
        .order_by("-created_at", "-id")
    )
    if unread is True:
        queryset = queryset.filter(read_at__isnull=True)
    elif unread is False:
        queryset = queryset.filter(read_at__isnull=False)
    return queryset


def notification_preferences_for(*, user: User) -> NotificationPreference:
    """The user's email choices; defaults (immediate email) when never changed."""
    return NotificationPreference.objects.filter(user_id=user.pk).first() or NotificationPreference(user=user)


@dataclass(frozen=True)
class OutboxFigures:
    pending: int
    oldest_pending_seconds: float
    failed: int


def outbox_figures(*, now: datetime) -> OutboxFigures:
    """How the email outbox stands, for the operators' metrics: emails waiting to be sent, how
    long the oldest has waited, and emails given up on. Counts only."""
    # Two queries, each on its partial index: sent emails, nearly every row, are never read.
    pending = EmailDelivery.objects.filter(status=DeliveryStatus.PENDING).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    failed = EmailDelivery.objects.filter(status=DeliveryStatus.FAILED).count()
    oldest = pending["oldest"]
    return OutboxFigures(
        pending=pending["count"],
        oldest_pending_seconds=max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0,
        failed=failed,
    )
