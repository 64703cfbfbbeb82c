"""What Bridge tells people and how it gets to them.

* `Reminder`: one row per reminder that has fired. Its unique constraint on (subject, kind, step,
  deadline) is what makes a reminder happen once, however many sweeps or workers run.
* `Notification`: one in-app inbox entry per recipient. Writing the row *is* the in-app delivery.
* `EmailDelivery`: the outbox. One row per email to send (an immediate notification or a daily
  digest), written in the same transaction as the notification, sent later by a worker.

No text stored here may carry a child's name or section content: case number, what, when, link.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.models import Case, Consent, Handoff, Task
from common.ids import time_ordered_id


class NotificationKind(models.TextChoices):
    TASK_UPCOMING = "task_upcoming", _("Task due soon")
    TASK_DUE = "task_due", _("Task due now")
    TASK_OVERDUE = "task_overdue", _("Overdue task escalated")
    CONSENT_EXPIRING = "consent_expiring", _("Consent expiring")
    HANDOFF_PENDING = "handoff_pending", _("Handoff awaiting an answer")
    HANDOFF_OVERDUE = "handoff_overdue", _("Unanswered handoff escalated")
    HANDOFF_APPROVAL_PENDING = "handoff_approval_pending", _("Handoff awaiting the lead agency's approval")
    HANDOFF_APPROVAL_OVERDUE = "handoff_approval_overdue", _("Unapproved handoff escalated")


class Reminder(models.Model):
    """A reminder that fired for one deadline of one subject (a task, consent or handoff).

    `due_at` is the subject's deadline when the reminder fired, so moving a task's due time
    starts a fresh series and reminders of the old deadline never repeat. `step` tells reminders
    of one kind apart: hours before the deadline for `task_upcoming`, the escalation number for
    `task_overdue`, days before expiry for `consent_expiring`."""

    id = models.UUIDField(primary_key=True, default=time_ordered_id, editable=False)
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    step = models.IntegerField(default=0)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    # No index of their own on the subjects: each unique constraint below starts with its subject.
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders", db_index=False
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders", db_index=False
    )
    handoff = models.ForeignKey(
        Handoff, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders", db_index=False
    )
    due_at = models.DateTimeField()
    fire_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fire_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="reminder_kind_is_known"
            ),
            models.CheckConstraint(
                condition=Q(task__isnull=False, consent__isnull=True, handoff__isnull=True)
                | Q(task__isnull=True, consent__isnull=False, handoff__isnull=True)
                | Q(task__isnull=True, consent__isnull=True, handoff__isnull=False),
                name="reminder_has_one_subject",
            ),
            models.UniqueConstraint(
                fields=["task", "kind", "step", "due_at"],
                condition=Q(task__isnull=False),
                name="one_reminder_per_task_kind_step_due",
            ),
            models.UniqueConstraint(
                fields=["consent", "kind", "step", "due_at"],
                condition=Q(consent__isnull=False),
                name="one_reminder_per_consent_kind_step_due",
            ),
            models.UniqueConstraint(
                fields=["handoff", "kind", "step", "due_at"],
                condition=Q(handoff__isnull=False),
                name="one_reminder_per_handoff_kind_step_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.step} due {self.due_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """An entry in one user's in-app inbox. `message` is plain text without names or section
    content; the case, task or handoff it is about is linked so the app shows details under access
    control. Notices about the agency's accounts (a member given a case role) have no case."""

    id = models.UUIDField(primary_key=True, default=time_ordered_id, editable=False)
    # Indexes on the recipient and the reminder come from the indexes and the unique constraint
    # below that start with them; the mostly empty handoff and digest links have partial ones.
    # Every index costs each of the sweep's hundred thousand inserts (docs/performance.md).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(max_length=40)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    handoff = models.ForeignKey(
        Handoff, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    reminder = models.ForeignKey(
        Reminder,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        db_index=False,
    )
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set for recipients who take a daily digest; cleared when the digest is built.
    awaits_digest = models.BooleanField(default=False)
    digest = models.ForeignKey(
        "EmailDelivery",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digest_notifications",
        db_index=False,
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind=""), name="notification_kind_not_blank"),
            models.CheckConstraint(condition=~Q(message=""), name="notification_message_not_blank"),
            models.UniqueConstraint(
                fields=["reminder", "recipient"],
                condition=Q(reminder__isnull=False),
                name="one_notification_per_reminder_per_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["recipient"], condition=Q(awaits_digest=True), name="notification_awaits_digest"
            ),
            models.Index(fields=["handoff"], condition=Q(handoff__isnull=False), name="notification_handoff"),
            models.Index(fields=["digest"], condition=Q(digest__isnull=False), name="notification_digest"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.recipient_id}"


class NotificationPreference(models.Model):
    """A user's email choices. The in-app inbox is always on. No row means the defaults:
    immediate email."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    email_enabled = models.BooleanField(default=True)
    email_digest = models.BooleanField(
        default=False, help_text=_("One email a day instead of one per notification.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Email preferences of user {self.user_id}"


class DeliveryKind(models.TextChoices):
    IMMEDIATE = "immediate", _("One notification")
    DIGEST = "digest", _("Daily digest")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("email delivery status", "Pending")
    SENT = "sent", pgettext_lazy("email delivery status", "Sent")
    FAILED = "failed", pgettext_lazy("email delivery status", "Failed")
    CANCELLED = "cancelled", pgettext_lazy("email delivery status", "Cancelled")


class EmailDelivery(models.Model):
    """The outbox: an email to send, written in the transaction that decided to send it.

    A worker claims a pending row with SELECT ... FOR UPDATE SKIP LOCKED, talks to the mail server
    while holding the lock, and marks the row sent in the same transaction. `next_attempt_at` is
    when the relay should (re)publish the row if no worker has finished it by then."""

    id = models.UUIDField(primary_key=True, default=time_ordered_id, editable=False)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=DeliveryKind.choices)
    notification = models.OneToOneField(
        Notification, on_delete=models.CASCADE, null=True, blank=True, related_name="email_delivery"
    )
    digest_date = models.DateField(null=True, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    next_attempt_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = _("email deliveries")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DeliveryKind.values), name="delivery_kind_is_known"),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_is_known"
            ),
            models.CheckConstraint(
                condition=Q(kind=DeliveryKind.IMMEDIATE, notification__isnull=False, digest_date__isnull=True)
                | Q(kind=DeliveryKind.DIGEST, notification__isnull=True, digest_date__isnull=False),
                name="delivery_kind_matches_subject",
            ),
            models.CheckConstraint(
                condition=Q(status=DeliveryStatus.SENT, sent_at__isnull=False)
                | ~Q(status=DeliveryStatus.SENT),
                name="sent_delivery_has_sent_at",
            ),
            models.UniqueConstraint(
                fields=["recipient", "digest_date"],
                condition=Q(kind=DeliveryKind.DIGEST),
                name="one_digest_per_recipient_per_day",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status=DeliveryStatus.PENDING),
                name="delivery_pending_due",
            ),
            # The operators' "email failures" figure counts these without reading sent emails.
            models.Index(
                fields=["created_at"], condition=Q(status=DeliveryStatus.FAILED), name="delivery_failed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} email {self.pk} ({self.status})"
