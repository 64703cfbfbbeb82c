"""Immigration relief as tracked records: one row per pathway step (Continued Presence, a T visa and
its law enforcement declaration, a U visa and its certification, the SIJS predicate order and
petition, the HHS eligibility letter), each with its status, dates and receipt number.

Every record belongs to the `immigration` section (8 U.S.C. 1367): only agencies that read it on
the case see the record, and its changes are history rows and timeline lines of that section."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency, AgencyKind
from audit.models import track_case_record
from casework.models import Case, Task
from casework.sections import Section

RECEIPT_NUMBER_MAX_LENGTH = 20
DETAILS_MAX_LENGTH = 2_000


class ReliefKind(models.TextChoices):
    CONTINUED_PRESENCE = "continued_presence", _("Continued Presence")
    T_VISA = "t_visa", _("T visa (Form I-914)")
    T_VISA_DECLARATION = (
        "t_visa_declaration",
        _("T visa: law enforcement declaration (Form I-914 Supplement B)"),
    )
    U_VISA = "u_visa", _("U visa (Form I-918)")
    U_VISA_CERTIFICATION = "u_visa_certification", _("U visa: certification (Form I-918 Supplement B)")
    SIJS_PREDICATE_ORDER = "sijs_predicate_order", _("SIJS: state court predicate order")
    SIJS_PETITION = "sijs_petition", _("SIJS: petition (Form I-360)")
    HHS_ELIGIBILITY_LETTER = "hhs_eligibility_letter", _("HHS eligibility letter for a minor")


class ReliefStatus(models.TextChoices):
    CONSIDERING = "considering", _("Considering")
    REQUESTED = "requested", _("Requested")
    FILED = "filed", _("Filed")
    GRANTED = "granted", _("Granted")
    DENIED = "denied", _("Denied")
    EXPIRED = "expired", pgettext_lazy("relief status", "Expired")


# Not yet filed: what the supervisor's birthday watch lists, and at most one per kind per case.
RELIEF_UNFILED_STATUSES = (ReliefStatus.CONSIDERING, ReliefStatus.REQUESTED)
RELIEF_OPEN_STATUSES = (*RELIEF_UNFILED_STATUSES, ReliefStatus.FILED)
RELIEF_DECIDED_STATUSES = (ReliefStatus.GRANTED, ReliefStatus.DENIED)

# Steps that are asked of another agency (a signature or a request it makes itself), and the kinds
# of agency that can give them: a declaration or certification is signed by law enforcement or a
# federal investigating agency (8 CFR 214.11(a) and 214.14(a)(2), citations not verified here);
# Continued Presence is requested by federal law enforcement (22 U.S.C. 7105(c)(3), checked against
# DHS's Continued Presence page; 28 CFR 1100.35 not verified).
ASKED_OF_KINDS: dict[str, tuple[str, ...]] = {
    ReliefKind.T_VISA_DECLARATION: (AgencyKind.LAW_ENFORCEMENT, AgencyKind.IMMIGRATION),
    ReliefKind.U_VISA_CERTIFICATION: (AgencyKind.LAW_ENFORCEMENT, AgencyKind.IMMIGRATION),
    ReliefKind.CONTINUED_PRESENCE: (AgencyKind.IMMIGRATION, AgencyKind.LAW_ENFORCEMENT),
}


class ReliefRecord(models.Model):
    """One step of a relief pathway on a case. `requested_of` and `request_task` are set when the
    step was asked of another agency: the task (in `core`, titled with the form and the case number
    only) was handed off to that agency, which sees the request and nothing of this record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="relief_records")
    kind = models.CharField(max_length=32, choices=ReliefKind.choices)
    status = models.CharField(max_length=16, choices=ReliefStatus.choices, default=ReliefStatus.CONSIDERING)
    requested_on = models.DateField(null=True, blank=True)
    filed_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(
        null=True, blank=True, help_text=_("When granted relief or a signature lapses.")
    )
    receipt_number = models.CharField(max_length=RECEIPT_NUMBER_MAX_LENGTH, blank=True)
    details = models.TextField(blank=True)
    requested_of = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    request_task = models.ForeignKey(Task, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ReliefKind.values), name="relief_kind_is_known"),
            models.CheckConstraint(
                condition=Q(status__in=ReliefStatus.values), name="relief_status_is_known"
            ),
            models.CheckConstraint(
                condition=Q(filed_on__isnull=True)
                | Q(requested_on__isnull=True)
                | Q(filed_on__gte=models.F("requested_on")),
                name="relief_filed_after_requested",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(decided_on__isnull=True)
                | Q(expires_on__gt=models.F("decided_on")),
                name="relief_expires_after_decision",
            ),
            models.CheckConstraint(
                condition=Q(request_task__isnull=True) | Q(requested_of__isnull=False),
                name="relief_request_names_agency",
            ),
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(status__in=RELIEF_OPEN_STATUSES),
                name="relief_one_open_record_per_kind",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "case"],
                condition=Q(status__in=RELIEF_UNFILED_STATUSES),
                name="relief_unfiled",
            ),
        ]

    def __str__(self) -> str:
        # Never the details or receipt number: admin lists and logs may show this.
        return f"relief record {self.pk}"


ReliefRecordHistory = track_case_record(
    ReliefRecord, object_type="relief_record", section=Section.IMMIGRATION, app_label="relief"
)
