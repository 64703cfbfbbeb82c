"""Court records of a case, in two sections (ARCHITECTURE.md, "Court"):

* dependency-court hearings (`DependencyHearing`) are `core`: DOMAIN.md puts court findings, case
  reviews and permanency hearings there, the lead child-welfare agency writes them, and every
  participant needs the date and type to attend;
* the criminal case against the exploiter(s) (`CriminalCase` and everything under it: defendants,
  charges, proceedings, custody events, restitution orders and payments) is `investigation`, which
  law enforcement and immigration steward and a prosecution agency writes only here
  (`Action.WRITE_CRIMINAL_CASE`).

No court record is put in `legal`: that section never leaves legal-advocate agencies, and a
hearing's date must reach child welfare. Every row carries `case` so the case policy scopes it
with one filter and its history rows name the case."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency
from audit.models import track_case_record
from casework.models import Case
from casework.sections import Section

TEXT_MAX_LENGTH = 200
DETAILS_MAX_LENGTH = 2_000
MONEY_MAX_DIGITS = 12


class HearingType(models.TextChoices):
    SHELTER = "shelter", _("Shelter / detention hearing")
    ADJUDICATION = "adjudication", _("Adjudication")
    DISPOSITION = "disposition", pgettext_lazy("hearing type", "Disposition")
    REVIEW = "review", _("Review hearing")
    PERMANENCY = "permanency", _("Permanency hearing")
    OTHER = "other", _("Other")


class HearingOutcome(models.TextChoices):
    PENDING = "pending", _("Not yet held")
    HELD = "held", _("Held")
    CONTINUED = "continued", _("Continued to a later date")
    VACATED = "vacated", _("Vacated")


class DependencyHearing(models.Model):
    """A hearing of the dependency (child welfare) court. Scheduling it records the
    `court_hearing_scheduled` case event whose templates remind the agencies taking part."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="dependency_hearings")
    type = models.CharField(max_length=16, choices=HearingType.choices)
    scheduled_at = models.DateTimeField()
    court = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True)
    outcome = models.CharField(max_length=16, choices=HearingOutcome.choices, default=HearingOutcome.PENDING)
    outcome_notes = models.TextField(blank=True)
    # The case event that started the reminders: corrected when the hearing moves.
    event = models.ForeignKey(
        "casework.CaseEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheduled_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(type__in=HearingType.values), name="hearing_type_is_known"),
            models.CheckConstraint(
                condition=Q(outcome__in=HearingOutcome.values), name="hearing_outcome_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"dependency hearing {self.pk}"


class CriminalCaseStatus(models.TextChoices):
    INVESTIGATING = "investigating", _("Investigating")
    CHARGED = "charged", _("Charged")
    TRIAL = "trial", _("At trial")
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")
    DISMISSED = "dismissed", _("Dismissed")
    SENTENCED = "sentenced", _("Sentenced")
    APPEAL = "appeal", _("On appeal")
    CLOSED = "closed", _("Closed")


class CriminalCase(models.Model):
    """A prosecution of the child's exploiter(s) (investigation)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="criminal_cases")
    court = models.CharField(max_length=TEXT_MAX_LENGTH)
    docket_number = models.CharField(max_length=64, blank=True)
    prosecuting_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=CriminalCaseStatus.choices, default=CriminalCaseStatus.INVESTIGATING
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CriminalCaseStatus.values), name="criminal_case_status_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"criminal case {self.pk}"


class CustodyStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    IN_CUSTODY = "in_custody", _("In custody")
    RELEASED = "released", _("Released")
    ESCAPED = "escaped", _("Escaped")


class Defendant(models.Model):
    """A person charged in the criminal case, with the custody status the last custody event set
    and, once sentenced, the sentence."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    criminal_case = models.ForeignKey(CriminalCase, on_delete=models.CASCADE, related_name="defendants")
    defendant_name = models.CharField(max_length=TEXT_MAX_LENGTH)
    alias = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True)
    custody_status = models.CharField(
        max_length=16, choices=CustodyStatus.choices, default=CustodyStatus.UNKNOWN
    )
    custody_since = models.DateTimeField(null=True, blank=True)
    sentence = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True)
    sentenced_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(custody_status__in=CustodyStatus.values), name="defendant_custody_is_known"
            ),
        ]

    def __str__(self) -> str:
        # Never the name: admin lists and logs may show this.
        return f"defendant {self.pk}"


class ChargeDisposition(models.TextChoices):
    PENDING = "pending", _("Pending")
    DISMISSED = "dismissed", _("Dismissed")
    PLEADED = "pleaded", _("Pleaded guilty")
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")


class Charge(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    defendant = models.ForeignKey(Defendant, on_delete=models.CASCADE, related_name="charges")
    statute = models.CharField(max_length=64)
    description = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True)
    filed_on = models.DateField()
    disposition = models.CharField(
        max_length=16, choices=ChargeDisposition.choices, default=ChargeDisposition.PENDING
    )
    disposed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["filed_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(disposition__in=ChargeDisposition.values), name="charge_disposition_is_known"
            ),
            models.CheckConstraint(
                condition=Q(disposed_on__isnull=True) | Q(disposed_on__gte=models.F("filed_on")),
                name="charge_disposed_after_filed",
            ),
        ]

    def __str__(self) -> str:
        return f"charge {self.pk}"


class ProceedingType(models.TextChoices):
    INITIAL_APPEARANCE = "initial_appearance", _("Initial appearance")
    DETENTION = "detention", _("Detention hearing")
    PLEA = "plea", _("Plea hearing")
    TRIAL = "trial", _("Trial")
    VERDICT = "verdict", _("Verdict")
    SENTENCING = "sentencing", _("Sentencing")
    APPEAL = "appeal", _("Appeal")
    RESTITUTION = "restitution", _("Restitution hearing")
    OTHER = "other", _("Other")


class CriminalProceeding(models.Model):
    """A proceeding in the criminal case. A public one records `criminal_proceeding_scheduled`,
    whose template asks the victim-witness coordinator to notify the victim before it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    criminal_case = models.ForeignKey(CriminalCase, on_delete=models.CASCADE, related_name="proceedings")
    type = models.CharField(max_length=24, choices=ProceedingType.choices)
    scheduled_at = models.DateTimeField()
    public = models.BooleanField(default=True)
    held = models.BooleanField(default=False)
    outcome = models.TextField(blank=True)
    event = models.ForeignKey(
        "casework.CaseEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scheduled_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(type__in=ProceedingType.values), name="proceeding_type_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"criminal proceeding {self.pk}"


class CustodyEventKind(models.TextChoices):
    TAKEN_INTO_CUSTODY = "taken_into_custody", _("Taken into custody")
    RELEASED = "released", _("Released")
    ESCAPED = "escaped", _("Escaped")
    RECAPTURED = "recaptured", _("Recaptured")


# The custody status each event leaves the defendant in.
CUSTODY_AFTER: dict[str, str] = {
    CustodyEventKind.TAKEN_INTO_CUSTODY: CustodyStatus.IN_CUSTODY,
    CustodyEventKind.RELEASED: CustodyStatus.RELEASED,
    CustodyEventKind.ESCAPED: CustodyStatus.ESCAPED,
    CustodyEventKind.RECAPTURED: CustodyStatus.IN_CUSTODY,
}


class CustodyEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    defendant = models.ForeignKey(Defendant, on_delete=models.CASCADE, related_name="custody_events")
    kind = models.CharField(max_length=24, choices=CustodyEventKind.choices)
    occurred_at = models.DateTimeField()
    details = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True)
    event = models.ForeignKey(
        "casework.CaseEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CustodyEventKind.values), name="custody_event_kind_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"custody event {self.pk}"


class RestitutionOrder(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    defendant = models.ForeignKey(Defendant, on_delete=models.CASCADE, related_name="restitution_orders")
    amount = models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=2)
    monthly_amount = models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=2, null=True, blank=True)
    schedule = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True)
    ordered_on = models.DateField()
    legal_basis = models.CharField(max_length=TEXT_MAX_LENGTH, default="18 U.S.C. 1593")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ordered_on", "created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=Decimal(0)), name="restitution_amount_positive"),
            models.CheckConstraint(
                condition=Q(monthly_amount__isnull=True) | Q(monthly_amount__gt=Decimal(0)),
                name="restitution_monthly_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"restitution order {self.pk}"


class RestitutionPayment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(RestitutionOrder, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=2)
    paid_on = models.DateField()
    reference = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=Decimal(0)), name="restitution_payment_positive"),
        ]

    def __str__(self) -> str:
        return f"restitution payment {self.pk}"


def _tracked(model: type[models.Model], object_type: str, section: str) -> type[models.Model]:
    return track_case_record(model, object_type=object_type, section=section, app_label="court")


DependencyHearingHistory = _tracked(DependencyHearing, "dependency_hearing", Section.CORE)
CriminalCaseHistory = _tracked(CriminalCase, "criminal_case", Section.INVESTIGATION)
DefendantHistory = _tracked(Defendant, "defendant", Section.INVESTIGATION)
ChargeHistory = _tracked(Charge, "charge", Section.INVESTIGATION)
CriminalProceedingHistory = _tracked(CriminalProceeding, "criminal_proceeding", Section.INVESTIGATION)
CustodyEventHistory = _tracked(CustodyEvent, "custody_event", Section.INVESTIGATION)
RestitutionOrderHistory = _tracked(RestitutionOrder, "restitution_order", Section.INVESTIGATION)
RestitutionPaymentHistory = _tracked(RestitutionPayment, "restitution_payment", Section.INVESTIGATION)
