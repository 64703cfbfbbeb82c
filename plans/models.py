"""The lead agency's case plan: goals by domain, each with actions that become tasks once a
supervisor of the lead agency approves the plan.

The live goals and actions are the draft. A caseworker, liaison or supervisor of the lead agency
edits it and submits it (`PlanSubmission`, with a snapshot of what was submitted); a supervisor of
the lead agency other than the submitter approves it or returns it with comments. Nothing is
deleted: a goal is discontinued, an action cancelled, and every change is a history row.

Each goal's domain maps to the section that protects it (`DOMAIN_SECTIONS`): a goal, its actions,
the tasks made from them and their timeline lines are seen only by readers of that section."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from audit.models import track_case_record
from casework.models import Case, Task
from casework.sections import Section

GOAL_DESCRIPTION_MAX_LENGTH = 2_000
ACTION_DESCRIPTION_MAX_LENGTH = 2_000
SUMMARY_MAX_LENGTH = 2_000
COMMENTS_MAX_LENGTH = 4_000


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned with comments")


class GoalDomain(models.TextChoices):
    SAFETY = "safety", _("Safety")
    PLACEMENT_STABILITY = "placement_stability", _("Placement stability")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    LEGAL_STATUS = "legal_status", _("Legal status")
    FAMILY = "family", _("Family")
    OTHER = "other", _("Other")


# The section whose readers may see a goal of each domain: health goals speak of treatment, a
# placement goal of where the child lives, a legal status goal of immigration relief.
DOMAIN_SECTIONS: dict[str, str] = {
    GoalDomain.SAFETY: Section.CORE,
    GoalDomain.PLACEMENT_STABILITY: Section.LOCATION,
    GoalDomain.HEALTH: Section.HEALTH,
    GoalDomain.EDUCATION: Section.CORE,
    GoalDomain.LEGAL_STATUS: Section.IMMIGRATION,
    GoalDomain.FAMILY: Section.CORE,
    GoalDomain.OTHER: Section.CORE,
}


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ACHIEVED = "achieved", _("Achieved")
    DISCONTINUED = "discontinued", _("Discontinued")


class ActionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CANCELLED = "cancelled", _("Cancelled")


class Decision(models.TextChoices):
    PENDING = "", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned with comments")


class CasePlan(models.Model):
    """One per case. `version` moves with every edit of the draft (optimistic concurrency);
    `approved_submission` is the submission whose snapshot is the plan in force."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    approved_submission = models.ForeignKey(
        "PlanSubmission", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="plan_status_is_known"),
        ]

    def __str__(self) -> str:
        return f"case plan {self.pk}"


class PlanGoal(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="goals")
    # The plan's case and the domain's section, kept on the row so reads filter by section and
    # history rows carry the section's protection.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    domain = models.CharField(max_length=24, choices=GoalDomain.choices)
    section = models.CharField(max_length=16, choices=Section.choices)
    description = models.TextField()
    status = models.CharField(max_length=16, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    review_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(domain__in=GoalDomain.values), name="plan_goal_domain_is_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=GoalStatus.values), name="plan_goal_status_is_known"
            ),
            models.CheckConstraint(
                condition=Q(section__in=Section.values), name="plan_goal_section_is_known"
            ),
            models.CheckConstraint(condition=~Q(description=""), name="plan_goal_description_not_blank"),
        ]

    def __str__(self) -> str:
        # Never the description: admin lists and logs may show this.
        return f"plan goal {self.pk}"


class PlanAction(models.Model):
    """A step toward a goal, done by an agency on the case; it becomes that agency's task, in the
    goal's section, when the plan is approved."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="actions")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    section = models.CharField(max_length=16, choices=Section.choices)
    description = models.TextField()
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=ActionStatus.choices, default=ActionStatus.ACTIVE)
    task = models.ForeignKey(Task, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="plan_action_status_is_known"
            ),
            models.CheckConstraint(
                condition=Q(section__in=Section.values), name="plan_action_section_is_known"
            ),
            models.CheckConstraint(condition=~Q(description=""), name="plan_action_description_not_blank"),
        ]

    def __str__(self) -> str:
        return f"plan action {self.pk}"


class PlanSubmission(models.Model):
    """The draft as submitted (`snapshot`: every goal and action with its section, filtered by
    section whenever it is shown), and the supervisor's decision on it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="submissions")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    summary = models.TextField(blank=True, help_text=_("What changed, in the submitter's words."))
    snapshot = models.JSONField()
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The supervisor asked to decide (any other supervisor of the lead agency may)."),
    )
    approval_task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comments = models.TextField(blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_submission_number_unique"),
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="plan_submission_decision_is_known"
            ),
            models.CheckConstraint(
                condition=Q(decision="", decided_at__isnull=True, decided_by__isnull=True)
                | ~Q(decision="") & Q(decided_at__isnull=False, decided_by__isnull=False),
                name="plan_submission_decided_iff_decision",
            ),
            models.CheckConstraint(
                condition=~Q(decision=Decision.RETURNED) | ~Q(comments=""),
                name="plan_submission_returned_with_comments",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("submitted_by")),
                name="plan_submission_not_self_approved",
            ),
            # One submission awaits a decision at a time.
            models.UniqueConstraint(
                fields=["plan"], condition=Q(decision=""), name="plan_one_pending_submission"
            ),
        ]
        indexes = [
            models.Index(fields=["approver"], condition=Q(decision=""), name="plan_submission_awaiting"),
        ]

    def __str__(self) -> str:
        return f"plan submission {self.pk}"


CasePlanHistory = track_case_record(
    CasePlan, object_type="case_plan", section=Section.CORE, app_label="plans"
)
PlanGoalHistory = track_case_record(PlanGoal, object_type="plan_goal", app_label="plans")
PlanActionHistory = track_case_record(PlanAction, object_type="plan_action", app_label="plans")
# The snapshot holds goals of every section under one row: it is never copied into a history row
# labelled with a single section (it never changes after submission anyway).
PlanSubmissionHistory = track_case_record(
    PlanSubmission,
    object_type="plan_submission",
    section=Section.CORE,
    app_label="plans",
    exclude=("snapshot",),
)
