"""The case's Plan tab, the submission page and the supervisor's dashboard panel."""

from datetime import timedelta

import pytest
from django.utils import timezone

from plans.models import CasePlan, Decision, GoalDomain, PlanGoal, PlanSubmission
from plans.services import plan_submission_approve
from tests.plans.conftest import add_action, add_goal, plan_version, submit
from tests.web.conftest import Browser

pytestmark = pytest.mark.django_db


def plan_url(case, suffix=""):
    return f"/cases/{case.pk}/plan/{suffix}"


def test_every_participant_has_the_tab(shared_case, partner):
    overview = Browser(partner.liaison).get(f"/cases/{shared_case.pk}/").content.decode()

    assert f'href="{plan_url(shared_case)}"' in overview


def test_the_page_groups_goals_by_domain_with_their_actions(case, lead):
    goal = add_goal(case, lead.caseworker, domain=GoalDomain.EDUCATION, description="Enrol in Lee High")
    add_action(goal, lead.caseworker, owner=lead.agency, description="Meet the counselor")

    page = Browser(lead.caseworker).get(plan_url(case))

    html = page.content.decode()
    assert page.status_code == 200
    assert "<h3>Education</h3>" in html
    assert "Enrol in Lee High" in html
    assert "Meet the counselor" in html
    assert "Submit the plan for approval" in html


def test_a_reader_without_health_sees_no_health_goal_on_the_page(shared_case, lead, partner):
    add_goal(shared_case, lead.caseworker, domain=GoalDomain.HEALTH, description="MKHEALTHGOAL therapy")
    add_goal(shared_case, lead.caseworker, domain=GoalDomain.SAFETY, description="Safe placement")
    submission = submit(shared_case, lead.caseworker, approver=lead.supervisor)
    browser = Browser(partner.liaison)

    plan = browser.get(plan_url(shared_case)).content.decode()
    detail = browser.get(plan_url(shared_case, f"submissions/{submission.pk}/")).content.decode()

    assert "MKHEALTHGOAL" not in plan + detail
    assert "Safe placement" in plan
    assert "Add a goal" not in plan
    assert "MKHEALTHGOAL" in Browser(lead.caseworker).get(plan_url(shared_case)).content.decode()


def test_a_caseworker_adds_a_goal_from_the_page(case, lead):
    response = Browser(lead.caseworker).post(
        plan_url(case),
        {
            "domain": "family",
            "description": "Weekly visits with grandmother",
            "review_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "version": "0",
        },
    )

    assert response.status_code == 302
    assert PlanGoal.objects.get().description == "Weekly visits with grandmother"


def test_a_partner_posting_a_goal_is_refused(shared_case, partner):
    response = Browser(partner.liaison).post(
        plan_url(shared_case),
        {"domain": "family", "description": "x", "review_on": "2027-01-01", "version": "0"},
    )

    assert response.status_code == 403
    assert not CasePlan.objects.exists()


def test_the_supervisor_approves_from_the_submission_page_which_shows_the_diff(case, lead, second_supervisor):
    goal = add_goal(case, lead.caseworker, description="Safe placement")
    plan_submission_approve(
        actor=lead.supervisor, submission=submit(case, lead.caseworker, approver=lead.supervisor)
    )
    add_action(goal, lead.caseworker, owner=lead.agency, description="Visit the new home")
    submission = submit(case, lead.caseworker, approver=second_supervisor)
    browser = Browser(second_supervisor)

    page = browser.get(plan_url(case, f"submissions/{submission.pk}/")).content.decode()
    decided = browser.post(plan_url(case, f"submissions/{submission.pk}/decide/"), {"decision": "approve"})

    assert "Safety: changed" in page
    assert "Visit the new home" in page
    assert ": new" in page
    assert decided.status_code == 302
    submission.refresh_from_db()
    assert submission.decision == Decision.APPROVED


def test_the_submitter_sees_no_decision_form_and_a_post_is_refused(case, lead, second_supervisor):
    add_goal(case, lead.supervisor)
    submission = submit(case, lead.supervisor, approver=second_supervisor)
    browser = Browser(lead.supervisor)

    page = browser.get(plan_url(case, f"submissions/{submission.pk}/")).content.decode()
    refused = browser.post(plan_url(case, f"submissions/{submission.pk}/decide/"), {"decision": "approve"})

    assert "Return with comments" not in page
    assert refused.status_code == 403
    assert PlanSubmission.objects.get().decision == ""


def test_returning_without_comments_shows_the_form_again(case, lead):
    add_goal(case, lead.caseworker)
    submission = submit(case, lead.caseworker, approver=lead.supervisor)

    response = Browser(lead.supervisor).post(
        plan_url(case, f"submissions/{submission.pk}/decide/"), {"decision": "return", "comments": ""}
    )

    assert response.status_code == 400
    assert PlanSubmission.objects.get().decision == ""


def test_the_dashboard_lists_plans_awaiting_the_supervisor(case, lead):
    add_goal(case, lead.caseworker)
    submission = submit(case, lead.caseworker, approver=lead.supervisor)

    html = Browser(lead.supervisor).get("/dashboard/").content.decode()

    assert "Plans awaiting my approval" in html
    assert plan_url(case, f"submissions/{submission.pk}/") in html


def test_a_stale_version_on_the_page_is_412(case, lead):
    add_goal(case, lead.caseworker)

    response = Browser(lead.caseworker).post(
        plan_url(case),
        {
            "domain": "family",
            "description": "x",
            "review_on": "2027-01-01",
            "version": str(plan_version(case) - 1),
        },
    )

    assert response.status_code == 412


def test_a_caseworker_moves_an_actions_due_time_from_the_page(case, lead):
    goal = add_goal(case, lead.caseworker)
    action = add_action(goal, lead.caseworker, owner=lead.agency, description="Check in")
    prefix = f"edit-{action.pk.hex[:12]}"

    response = Browser(lead.caseworker).post(
        plan_url(case, f"actions/{action.pk}/"),
        {
            f"{prefix}-description": "Check in twice",
            f"{prefix}-owner_agency": str(lead.agency.pk),
            f"{prefix}-due_at": "2027-03-01T10:00",
            f"{prefix}-version": str(plan_version(case)),
        },
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.description == "Check in twice"
    assert timezone.localtime(action.due_at).strftime("%Y-%m-%d %H:%M") == "2027-03-01 10:00"
