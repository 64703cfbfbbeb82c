"""The plan's page and endpoint cost the same number of queries for 3 goals as for 21, each with
its actions: goals, actions, their agencies, assignees and tasks are read in a fixed few queries.
(The page's forms ask once per section shown which agencies may own an action: both sizes show
the same three sections.)"""

import pytest

from plans.models import GoalDomain
from plans.services import plan_submission_approve
from tests.api.conftest import Api
from tests.plans.conftest import add_action, add_goal, submit
from tests.web.conftest import Browser

pytestmark = pytest.mark.django_db


def build(case, lead, goals):
    for number in range(goals):
        domain = (GoalDomain.SAFETY, GoalDomain.HEALTH, GoalDomain.PLACEMENT_STABILITY)[number % 3]
        goal = add_goal(case, lead.caseworker, domain=domain, description=f"Goal {number}")
        add_action(goal, lead.caseworker, owner=lead.agency, assignee=lead.caseworker)
        add_action(goal, lead.caseworker, owner=lead.agency)
    plan_submission_approve(
        actor=lead.supervisor, submission=submit(case, lead.caseworker, approver=lead.supervisor)
    )


@pytest.mark.parametrize("goals", [3, 21])
def test_the_plan_endpoint_costs_the_same_for_any_number_of_goals(
    case, lead, django_assert_num_queries, goals
):
    build(case, lead, goals)
    api = Api(lead.caseworker)

    with django_assert_num_queries(6):
        response = api.get(f"cases/{case.pk}/plan/")

    assert response.status_code == 200


@pytest.mark.parametrize("goals", [3, 21])
def test_the_plan_page_costs_the_same_for_any_number_of_goals(case, lead, django_assert_num_queries, goals):
    build(case, lead, goals)
    browser = Browser(lead.caseworker)

    with django_assert_num_queries(18):
        response = browser.get(f"/cases/{case.pk}/plan/")

    assert response.status_code == 200
