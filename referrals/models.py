"""Service referrals: a request to a provider agency for a service for the child (shelter, medical
care, counselling, legal representation, ...), its answer, the sessions given and the outcome.

A referral rides on a task handoff (`casework.services.handoffs`): the response window, reminders,
escalation, expiry, the invitation rule and accept/decline/withdraw are the handoff's. The
referral's state while waiting for an answer is the handoff's status, never a copy of it; once
the handoff is accepted, the referral's `outcome` says where the service stands.

What protects what: the referral's headline (service type, provider, state, dates, outcome) is
core coordination data of the sending agency, the provider and the lead agency; its details
(session notes and the outcome reason) belong to the section its service type names."""

import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from audit.models import track_case_record
from casework.models import Case, Consent, Handoff, HandoffStatus
from casework.sections import CONSENT_SECTIONS, Section

SERVICE_TYPE_KEY_MAX_LENGTH = 40
SERVICE_TYPE_NAME_MAX_LENGTH = 100
# A service type's details live in core or in a section shared on consent: never in a section
# that only a steward's grant opens (investigation, legal), which a provider could not be given.
SERVICE_SECTIONS: tuple[str, ...] = (Section.CORE, *sorted(CONSENT_SECTIONS))


class ServiceType(models.Model):
    """What can be asked of a provider. Data, edited by platform staff in the admin."""

    key = models.SlugField(max_length=SERVICE_TYPE_KEY_MAX_LENGTH, unique=True)
    name = models.CharField(max_length=SERVICE_TYPE_NAME_MAX_LENGTH)
    section = models.CharField(
        max_length=16,
        choices=[(section, Section(section).label) for section in SERVICE_SECTIONS],
        help_text=_("The case section that protects a referral's session notes and outcome reason."),
    )
    active = models.BooleanField(default=True)
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordering", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(section__in=SERVICE_SECTIONS), name="service_type_section_shareable"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReferralOutcome(models.TextChoices):
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    CHILD_DECLINED = "child_declined", _("Child declined")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    NOT_AVAILABLE = "not_available", _("Service not available")


# Outcomes that end the service; each needs a reason.
ENDED_OUTCOMES = tuple(value for value in ReferralOutcome.values if value != ReferralOutcome.ONGOING)
# Ended without the child getting what was asked: the dashboard looks for a successor of these.
ENDED_UNSERVED_OUTCOMES = tuple(value for value in ENDED_OUTCOMES if value != ReferralOutcome.COMPLETED)

# The states a referral shows: the handoff's while it waits or if it was never accepted, the
# outcome once it was.
REFERRAL_STATES: tuple[str, ...] = (
    *(status for status in HandoffStatus.values if status != HandoffStatus.ACCEPTED),
    *ReferralOutcome.values,
)
# Labels stay lazy: a page reads them in its reader's language.
REFERRAL_STATE_CHOICES: list[tuple[str, str | Promise]] = [
    *((value, label) for value, label in HandoffStatus.choices if value != HandoffStatus.ACCEPTED),
    *((value, label) for value, label in ReferralOutcome.choices),
]


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="referrals")
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals_sent")
    provider = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals_received")
    # The consent naming the provider and the sections it needs; the provider's grants rest on it.
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sections_needed = ArrayField(models.CharField(max_length=16), default=list, blank=True)
    # The service type's section when the referral was sent: what protects its details, frozen so
    # that an administrator's later edit of the type never widens who reads them.
    section = models.CharField(max_length=16, choices=Section.choices)
    handoff = models.OneToOneField(Handoff, on_delete=models.PROTECT, related_name="referral")
    follows = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="successors"
    )
    outcome = models.CharField(
        max_length=16, choices=ReferralOutcome.choices, default=ReferralOutcome.ONGOING
    )
    outcome_reason = models.TextField(blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    # Kept exact with the sessions, in the transaction that records one (the dashboard's clock).
    first_service_at = models.DateTimeField(null=True, blank=True)
    handover_note = models.TextField(blank=True)
    closed_with_case_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=ReferralOutcome.values), name="referral_outcome_is_known"
            ),
            models.CheckConstraint(
                condition=Q(outcome=ReferralOutcome.ONGOING, outcome_at__isnull=True)
                | (Q(outcome__in=ENDED_OUTCOMES, outcome_at__isnull=False) & ~Q(outcome_reason="")),
                name="referral_ended_outcome_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(provider=models.F("from_agency")), name="referral_to_another_agency"
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "-created_at"], name="referral_by_provider"),
            models.Index(fields=["from_agency", "-created_at"], name="referral_by_sender"),
        ]

    def __str__(self) -> str:
        # Never the notes or reasons: admin lists and logs may show this.
        return f"referral {self.pk}"

    @property
    def accepted(self) -> bool:
        return self.handoff.status == HandoffStatus.ACCEPTED

    @property
    def state(self) -> str:
        """The handoff's status until it is accepted, then the outcome."""
        return self.outcome if self.accepted else self.handoff.status

    @property
    def state_label(self) -> str:
        return str(
            ReferralOutcome(self.outcome).label if self.accepted else HandoffStatus(self.handoff.status).label
        )

    @property
    def accepted_at(self) -> datetime | None:
        return self.handoff.responded_at if self.accepted else None


class SessionKind(models.TextChoices):
    SESSION = "session", _("Session")
    CONTACT = "contact", _("Contact")
    ATTEMPT = "attempt", _("Attempted contact")


class ReferralSession(models.Model):
    """A session given, a contact, or an attempt to reach the child, recorded by the provider."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="sessions")
    # Copied from the referral so its history rows name the case and the section of the note.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    section = models.CharField(max_length=16, choices=Section.choices)
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=8, choices=SessionKind.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SessionKind.values), name="referral_session_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"referral session {self.pk}"


# Each history row carries the section of the referral's details (its `section` column).
ReferralHistory = track_case_record(Referral, object_type="referral", app_label="referrals")
ReferralSessionHistory = track_case_record(
    ReferralSession, object_type="referral_session", app_label="referrals"
)
