"""A case led by child welfare (which reads health, location and immigration by default) with law
enforcement taking part (which reads none of them), and a second supervisor of the lead agency
so that one may decide on the other's submission."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import Role, User
from plans.models import GoalDomain, PlanSubmission
from plans.services import plan_action_add, plan_goal_add, plan_submit
from tests.conftest import Staff
from tests.factories import UserFactory


@pytest.fixture
def second_supervisor(lead: Staff) -> User:
    return UserFactory(agency=lead.agency, role=Role.SUPERVISOR)


def plan_version(case) -> int:
    from plans.models import CasePlan

    plan = CasePlan.objects.filter(case=case).first()
    return plan.version if plan else 0


def add_goal(case, actor, *, domain=GoalDomain.SAFETY, description="Stay in a safe placement", days=60):
    return plan_goal_add(
        actor=actor,
        case=case,
        expected_version=plan_version(case),
        domain=domain,
        description=description,
        review_on=timezone.localdate() + timedelta(days=days),
    )


def add_action(goal, actor, *, owner, description="Weekly safety check-in", assignee=None, days=14):
    return plan_action_add(
        actor=actor,
        goal=goal,
        expected_version=plan_version(goal.case),
        description=description,
        owner_agency=owner,
        assignee=assignee,
        due_at=timezone.now() + timedelta(days=days),
    )


def submit(case, actor, *, approver) -> PlanSubmission:
    return plan_submit(
        actor=actor, case=case, expected_version=plan_version(case), summary="First plan", approver=approver
    )
