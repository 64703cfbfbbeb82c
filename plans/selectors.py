"""Reads of the case plan, scoped by the case policy: a reader sees the goals (and their
actions) of the sections they read, in the draft, in every submission's snapshot and in the diff,
and nothing of the others, not even that they exist."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from agencies.models import Role, User
from casework.access import Action, CaseAccess, case_visibility_filter, works_on_cases
from plans.models import (
    CasePlan,
    Decision,
    GoalDomain,
    PlanAction,
    PlanGoal,
    PlanStatus,
    PlanSubmission,
)

AWAITING_LIST_LIMIT = 50


def plan_for(*, access: CaseAccess) -> CasePlan | None:
    return CasePlan.objects.filter(case_id=access.case.pk).select_related("approved_submission").first()


def plan_status_shown(*, access: CaseAccess, plan: CasePlan | None) -> str:
    """The plan's status as this reader may know it. The lead agency's case team, who edit the
    draft, see it as it is; anyone else sees where the last submission stands (`submitted`,
    `approved`, `returned`, or `none` before any), so an edit of a goal in a section they do not
    read moves nothing they see."""
    if plan is None:
        return "none"
    if plan.status != PlanStatus.DRAFT or access.may(Action.EDIT_PLAN):
        return plan.status
    latest = (
        PlanSubmission.objects.filter(plan=plan)
        .order_by("-number")
        .values_list("decision", flat=True)
        .first()
    )
    return "none" if latest is None else (latest or PlanStatus.SUBMITTED)


def goals_visible(*, access: CaseAccess) -> QuerySet[PlanGoal]:
    """The draft's goals in sections the reader reads, with their actions and the actions' tasks."""
    actions = PlanAction.objects.select_related("owner_agency", "assignee", "task").order_by("due_at", "pk")
    return (
        PlanGoal.objects.filter(case_id=access.case.pk, section__in=access.readable)
        .prefetch_related(Prefetch("actions", queryset=actions))
        .order_by("created_at", "pk")
    )


def submissions_visible(*, access: CaseAccess) -> QuerySet[PlanSubmission]:
    return PlanSubmission.objects.filter(case_id=access.case.pk).select_related(
        "submitted_by", "decided_by", "approver"
    )


def snapshot_goals(snapshot: dict[str, Any], *, readable: Iterable[str]) -> list[dict[str, Any]]:
    """The goals of a snapshot in the sections the reader reads."""
    sections = set(readable)
    return [goal for goal in snapshot.get("goals", []) if goal.get("section") in sections]


@dataclass
class GoalChange:
    """One goal as submitted, against the plan in force: `added`, `changed` (with what) or
    unchanged; its actions likewise."""

    goal: dict[str, Any]
    domain_label: str
    change: str
    fields: list[str] = field(default_factory=list)
    actions: list[tuple[dict[str, Any], str, list[str]]] = field(default_factory=list)


def _compare(
    before: dict[str, Any] | None, after: dict[str, Any], names: Iterable[str]
) -> tuple[str, list[str]]:
    if before is None:
        return "added", []
    changed = [name for name in names if before.get(name) != after.get(name)]
    return ("changed" if changed else "unchanged"), changed


def submission_diff(
    *, submission: PlanSubmission, approved: PlanSubmission | None, readable: Iterable[str]
) -> list[GoalChange]:
    """What `submission` changes in the plan approved before it (`approved`), goal by goal, in
    the sections the reader reads."""
    sections = set(readable)
    previous = {
        goal["id"]: goal
        for goal in (snapshot_goals(approved.snapshot, readable=sections) if approved else [])
    }
    changes = []
    for goal in snapshot_goals(submission.snapshot, readable=sections):
        before = previous.get(goal["id"])
        change, fields = _compare(before, goal, ("description", "status", "review_on"))
        earlier_actions = {action["id"]: action for action in (before or {}).get("actions", [])}
        actions = []
        for action in goal["actions"]:
            action_change, action_fields = _compare(
                earlier_actions.get(action["id"]),
                action,
                ("description", "owner_agency", "assignee", "due_at", "status"),
            )
            actions.append((action, action_change, action_fields))
        if change == "unchanged" and any(entry[1] != "unchanged" for entry in actions):
            change = "changed"
        changes.append(
            GoalChange(
                goal=goal,
                domain_label=str(GoalDomain(goal["domain"]).label),
                change=change,
                fields=fields,
                actions=actions,
            )
        )
    return changes


def approved_before(submission: PlanSubmission) -> PlanSubmission | None:
    """The plan in force when `submission` was made: the latest approval before it."""
    return (
        PlanSubmission.objects.filter(
            plan_id=submission.plan_id, decision=Decision.APPROVED, number__lt=submission.number
        )
        .order_by("-number")
        .first()
    )


def plan_submissions_awaiting(*, user: User) -> QuerySet[PlanSubmission]:
    """For a supervisor: submissions on cases their agency leads that await a decision they may
    make (not their own), oldest first."""
    if not works_on_cases(user) or user.role != Role.SUPERVISOR:
        return PlanSubmission.objects.none()
    return (
        PlanSubmission.objects.filter(
            case_visibility_filter(user=user, case_ref="case_id"),
            decision=Decision.PENDING,
            case__lead_agency_id=user.agency_id,
        )
        .exclude(submitted_by=user)
        .select_related("case", "submitted_by", "approver")
        .order_by("submitted_at", "pk")
    )
