"""Reads of a user's own notifications and preferences."""

from django.db.models import QuerySet

from agencies.models import User
from notifications.models import Notification, NotificationPreference


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
