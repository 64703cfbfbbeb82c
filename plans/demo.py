"""The demo county's case plans, loaded through the real services after casework's demo cases
(`settings.BRIDGE_DEMO_EXTENSIONS`): J.T.'s plan approved, its actions now tasks of child welfare
and the advocacy center; A.N.'s plan returned once with comments and submitted again, awaiting
the child-welfare supervisor (`cps-supervisor`)."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from agencies.models import Agency, Role, User
from casework.demo import DEMO_AGENCIES
from casework.models import Case
from plans.models import CasePlan, GoalDomain, PlanGoal
from plans.services import (
    plan_action_add,
    plan_goal_add,
    plan_submission_approve,
    plan_submission_return,
    plan_submit,
)


def _case(pseudonym: str) -> Case:
    return Case.objects.get(
        pseudonym=pseudonym, lead_agency__name__in=[name for name, _, _ in DEMO_AGENCIES.values()]
    )


def _version(case: Case) -> int:
    return CasePlan.objects.filter(case=case).values_list("version", flat=True).first() or 0


def _goal(*, actor: User, case: Case, domain: str, description: str, review_on: date) -> PlanGoal:
    return plan_goal_add(
        actor=actor,
        case=case,
        expected_version=_version(case),
        domain=domain,
        description=description,
        review_on=review_on,
    )


def _action(
    *, actor: User, goal: PlanGoal, description: str, owner: Agency, due: date, assignee: User | None = None
) -> None:
    plan_action_add(
        actor=actor,
        goal=goal,
        expected_version=_version(goal.case),
        description=description,
        owner_agency=owner,
        assignee=assignee,
        due_at=timezone.make_aware(datetime.combine(due, time(10))),
    )


def plans_demo_load(*, people: dict[tuple[str, str], User]) -> None:
    liaison = people["cps", Role.LIAISON]
    supervisor = people["cps", Role.SUPERVISOR]
    cps = Agency.objects.get(name=DEMO_AGENCIES["cps"][0])
    center = Agency.objects.get(name=DEMO_AGENCIES["center"][0])
    today = timezone.localdate()

    # J.T.: an approved plan; its actions became tasks in their goals' sections.
    jt = _case("J.T.")
    safety = _goal(
        actor=liaison,
        case=jt,
        domain=GoalDomain.SAFETY,
        description="Demo: no contact with the people who exploited him; a safety plan he helped write.",
        review_on=today + timedelta(days=45),
    )
    _action(
        actor=liaison,
        goal=safety,
        description="Demo: review the safety plan with him weekly",
        owner=cps,
        due=today + timedelta(days=7),
        assignee=liaison,
    )
    health = _goal(
        actor=liaison,
        case=jt,
        domain=GoalDomain.HEALTH,
        description="Demo: trauma-focused therapy, weekly.",
        review_on=today + timedelta(days=60),
    )
    _action(
        actor=liaison,
        goal=health,
        description="Demo: arrange the first therapy appointment",
        owner=cps,
        due=today + timedelta(days=10),
    )
    education = _goal(
        actor=liaison,
        case=jt,
        domain=GoalDomain.EDUCATION,
        description="Demo: back in school this semester.",
        review_on=today + timedelta(days=75),
    )
    _action(
        actor=liaison,
        goal=education,
        description="Demo: enrolment meeting with the school",
        owner=center,
        due=today + timedelta(days=14),
    )
    submission = plan_submit(
        actor=liaison,
        case=jt,
        expected_version=_version(jt),
        summary="Demo: first plan.",
        approver=supervisor,
    )
    plan_submission_approve(actor=supervisor, submission=submission)

    # A.N.: returned once with comments, revised and submitted again, awaiting the supervisor.
    an = _case("A.N.")
    _goal(
        actor=liaison,
        case=an,
        domain=GoalDomain.PLACEMENT_STABILITY,
        description="Demo: stay in her current foster home through the school year.",
        review_on=today + timedelta(days=30),
    )
    first = plan_submit(
        actor=liaison,
        case=an,
        expected_version=_version(an),
        summary="Demo: first plan.",
        approver=supervisor,
    )
    plan_submission_return(
        actor=supervisor,
        submission=first,
        comments="Demo: add a goal on her legal status with the legal advocate.",
    )
    _goal(
        actor=liaison,
        case=an,
        domain=GoalDomain.LEGAL_STATUS,
        description="Demo: SIJS petition filed with the legal advocate's help.",
        review_on=today + timedelta(days=60),
    )
    plan_submit(
        actor=liaison,
        case=an,
        expected_version=_version(an),
        summary="Demo: legal status goal added, as asked.",
        approver=supervisor,
    )
