"""Trafficking screening: instruments as data, screenings recorded on a case, and the history of a
case's trafficking status.

The status itself is core (`Case.trafficking_status`: every agency on the case acts on it). What a
screening found (answers, score, suggestion, the worker's reason) and why a status was set are
`health` data (`SCREENING_SECTION`): stewarded by child welfare and victim services, shared beyond
them only on a recorded consent, exactly like the rest of the health section."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from audit.models import track_case_record
from casework.models import Case, TraffickingStatus
from casework.sections import Section

SCREENING_SECTION = Section.HEALTH

# Statuses a decision or a threshold may name: "not screened" is only where every case starts.
DECIDABLE_STATUSES = tuple(s for s in TraffickingStatus.values if s != TraffickingStatus.NOT_SCREENED)
DECIDABLE_STATUS_CHOICES = [(s, TraffickingStatus(s).label) for s in DECIDABLE_STATUSES]


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", _("Yes or no")
    CHOICE = "choice", _("One of the listed choices")
    NUMBER = "number", _("A whole number (recorded, not scored)")
    TEXT = "text", _("Free text (recorded, not scored)")


class ScoringRule(models.TextChoices):
    SUM = "sum", _("Sum of the answers' points")
    COUNT = "count", _("Number of answers that score any points")


class Instrument(models.Model):
    """A screening instrument at one version. A screening names the version it used, so a changed
    instrument is a new row (same key, next version), never an edit of one already used."""

    key = models.SlugField(max_length=64)
    version = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text=_("Who wrote it, its licence, how to use it."))
    scoring_rule = models.CharField(max_length=8, choices=ScoringRule.choices, default=ScoringRule.SUM)
    active = models.BooleanField(default=True, help_text=_("Offered for new screenings."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="instrument_key_version_unique"),
            models.CheckConstraint(
                condition=Q(scoring_rule__in=ScoringRule.values), name="instrument_scoring_rule_is_known"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="instrument_name_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class InstrumentQuestion(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=64, help_text=_("The answer's name in a screening's answers."))
    text = models.TextField()
    answer_type = models.CharField(max_length=8, choices=AnswerType.choices)
    points_if_yes = models.IntegerField(default=0, help_text=_("For a yes-or-no question."))
    choices = models.JSONField(
        default=list,
        blank=True,
        help_text=_('For a choice question: [{"value": "often", "label": "Often", "points": 2}, ...].'),
    )
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["instrument", "position"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "key"], name="question_key_unique_in_instrument"),
            models.UniqueConstraint(
                fields=["instrument", "position"], name="question_position_unique_in_instrument"
            ),
            models.CheckConstraint(
                condition=Q(answer_type__in=AnswerType.values), name="question_answer_type_is_known"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="question_text_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.key}"


class InstrumentThreshold(models.Model):
    """A score from which the instrument suggests a status; the highest threshold reached wins,
    and a score below every threshold suggests "screened, no indicators"."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="thresholds")
    min_score = models.IntegerField()
    suggests = models.CharField(max_length=24, choices=DECIDABLE_STATUS_CHOICES)

    class Meta:
        ordering = ["instrument", "min_score"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "min_score"], name="threshold_score_unique"),
            models.CheckConstraint(
                condition=Q(suggests__in=DECIDABLE_STATUSES), name="threshold_suggests_decidable_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.min_score}+ suggests {self.suggests}"


class Screening(models.Model):
    """One screening of the child with one instrument version. Everything but the case, who
    recorded it and when is `section` data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screenings")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="screenings")
    section = models.CharField(max_length=16, choices=Section.choices, default=SCREENING_SECTION)
    screened_on = models.DateField()
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)
    score = models.IntegerField()
    suggested_status = models.CharField(max_length=24, choices=TraffickingStatus.choices)
    # The case's status when the screening was recorded, and the worker's decision.
    previous_status = models.CharField(max_length=24, choices=TraffickingStatus.choices)
    decided_status = models.CharField(max_length=24, choices=TraffickingStatus.choices)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-screened_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(section=SCREENING_SECTION), name="screening_section_is_screening_section"
            ),
            models.CheckConstraint(
                condition=Q(suggested_status__in=DECIDABLE_STATUSES, decided_status__in=DECIDABLE_STATUSES),
                name="screening_statuses_are_decidable",
            ),
            models.CheckConstraint(
                condition=Q(suggested_status=models.F("decided_status")) | ~Q(decision_reason=""),
                name="screening_overruled_suggestion_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["case", "-screened_on"])]

    def __str__(self) -> str:
        # Never the answers or the result.
        return f"screening {self.pk}"


class TraffickingStatusChange(models.Model):
    """One change of a case's trafficking status. The status, who and when are core; the reason
    (and the screening behind it) are `section` data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="trafficking_status_changes")
    status = models.CharField(max_length=24, choices=TraffickingStatus.choices)
    previous_status = models.CharField(max_length=24, choices=TraffickingStatus.choices)
    section = models.CharField(max_length=16, choices=Section.choices, default=SCREENING_SECTION)
    reason = models.TextField()
    screening = models.ForeignKey(
        Screening, on_delete=models.PROTECT, null=True, blank=True, related_name="status_changes"
    )
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DECIDABLE_STATUSES), name="status_change_is_decidable"
            ),
            models.CheckConstraint(
                condition=~Q(status=models.F("previous_status")), name="status_change_changes_status"
            ),
            models.CheckConstraint(
                condition=Q(section=SCREENING_SECTION), name="status_change_section_is_screening_section"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="status_change_has_reason"),
        ]
        indexes = [models.Index(fields=["case", "-changed_at"])]

    def __str__(self) -> str:
        return f"{self.previous_status} → {self.status}"


# Every change of a screening or a status change, in the audit log with its section.
ScreeningHistory = track_case_record(Screening, object_type="screening", app_label="screening")
TraffickingStatusChangeHistory = track_case_record(
    TraffickingStatusChange, object_type="trafficking_status_change", app_label="screening"
)
