"""Where things live in the browser."""

from django.urls import reverse

from notifications.models import Notification


def notification_url(notification: Notification) -> str:
    """Where a notification leads: the handoff, else the task, else the case (each page checks
    access again); a notice about no case stays in the inbox."""
    if notification.handoff_id is not None:
        return reverse("web:handoff", args=[notification.handoff_id])
    if notification.task_id is not None:
        return reverse("web:task", args=[notification.task_id])
    if notification.case_id is None:
        return reverse("web:inbox")
    return reverse("web:case", args=[notification.case_id])
