from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditRecord
from plans.models import GoalDomain, PlanSubmission
from plans.services import plan_goal_update, plan_submission_approve
from tests.api.conftest import Api, body, error_of
from tests.plans.conftest import add_action, add_goal, plan_version, submit

pytestmark = pytest.mark.django_db


def plan_url(case, suffix=""):
    return f"cases/{case.pk}/plan/{suffix}"


def if_match(case):
    return {"If-Match": f'"{plan_version(case)}"'}


def test_the_lead_caseworker_adds_a_goal_and_an_action(shared_case, lead):
    api = Api(lead.caseworker)
    review_on = (timezone.localdate() + timedelta(days=60)).isoformat()

    goal = api.post(
        plan_url(shared_case, "goals/"),
        {"domain": "education", "description": "Enrol in school", "review_on": review_on},
        **{"If-Match": '"0"'},
    )
    action = api.post(
        plan_url(shared_case, f"goals/{body(goal)['id']}/actions/"),
        {
            "description": "Meet the school counselor",
            "owner_agency": lead.agency.pk,
            "assignee": str(lead.caseworker.public_id),
            "due_at": (timezone.now() + timedelta(days=7)).isoformat(),
        },
        **if_match(shared_case),
    )

    assert (goal.status_code, goal["ETag"]) == (201, '"2"')
    assert (action.status_code, action["ETag"]) == (201, '"3"')
    assert (body(action)["owner_agency"], body(action)["assignee"]) == (
        lead.agency.pk,
        str(lead.caseworker.public_id),
    )


def test_an_edit_without_if_match_is_428_and_a_stale_one_412(case, lead):
    add_goal(case, lead.caseworker)
    api = Api(lead.caseworker)
    payload = {"domain": "family", "description": "Visits", "review_on": timezone.localdate().isoformat()}

    missing = api.post(plan_url(case, "goals/"), payload)
    stale = api.post(plan_url(case, "goals/"), payload, **{"If-Match": '"1"'})

    assert (missing.status_code, stale.status_code) == (428, 412)


def test_a_bad_domain_is_a_400_on_its_field(case, lead):
    response = Api(lead.caseworker).post(
        plan_url(case, "goals/"),
        {"domain": "astrology", "description": "x", "review_on": "2027-01-01"},
        **{"If-Match": '"0"'},
    )

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["domain"]


def test_a_reader_without_health_sees_no_health_goal(shared_case, lead, partner):
    add_goal(shared_case, lead.caseworker, domain=GoalDomain.HEALTH, description="MKHEALTHGOAL therapy")
    health = add_goal(
        shared_case, lead.caseworker, domain=GoalDomain.HEALTH, description="Second health goal"
    )
    add_goal(shared_case, lead.caseworker, domain=GoalDomain.EDUCATION, description="Enrol in school")
    submit(shared_case, lead.caseworker, approver=lead.supervisor)
    api = Api(partner.liaison)

    plan = api.get(plan_url(shared_case))
    submissions = api.get(plan_url(shared_case, "submissions/"))
    patch = api.patch(
        plan_url(shared_case, f"goals/{health.pk}/"), {"description": "x"}, **{"If-Match": '"1"'}
    )

    assert plan.status_code == submissions.status_code == 200
    assert b"MKHEALTHGOAL" not in plan.content + submissions.content
    assert [goal["domain"] for goal in body(plan)["goals"]] == ["education"]
    assert body(plan)["version"] is None
    assert patch.status_code == 404
    assert b"MKHEALTHGOAL" in Api(lead.caseworker).get(plan_url(shared_case)).content


def test_a_partner_may_not_add_a_goal(shared_case, partner):
    response = Api(partner.liaison).post(
        plan_url(shared_case, "goals/"),
        {"domain": "safety", "description": "x", "review_on": "2027-01-01"},
        **{"If-Match": '"0"'},
    )

    assert response.status_code == 403
    assert "Only the lead agency's case team" in error_of(response)["message"]


def test_submit_then_the_supervisor_approves_from_the_queue(case, lead):
    goal = add_goal(case, lead.caseworker)
    add_action(goal, lead.caseworker, owner=lead.agency)
    api = Api(lead.caseworker)

    submitted = api.post(plan_url(case, "submit/"), {"summary": "First plan"}, **if_match(case))
    queue = Api(lead.supervisor).get("plan-submissions/", {"awaiting": "me"})
    approved = Api(lead.supervisor).post(f"plan-submissions/{body(submitted)['id']}/approve/", {})

    assert submitted.status_code == 201
    assert [row["number"] for row in body(queue)["results"]] == [1]
    assert approved.status_code == 200
    assert body(approved)["decision"] == "approved"
    plan = body(api.get(plan_url(case)))
    assert (plan["status"], plan["approved_submission"]) == ("approved", 1)
    assert plan["goals"][0]["actions"][0]["task_status"] == "open"


def test_the_submitter_may_not_approve_through_the_api(case, lead, second_supervisor):
    add_goal(case, lead.supervisor)
    submission = submit(case, lead.supervisor, approver=second_supervisor)

    response = Api(lead.supervisor).post(f"plan-submissions/{submission.pk}/approve/", {})

    assert response.status_code == 403
    assert "never decides on a case plan they submitted" in error_of(response)["message"]


def test_returning_without_comments_is_a_400(case, lead):
    add_goal(case, lead.caseworker)
    submission = submit(case, lead.caseworker, approver=lead.supervisor)

    response = Api(lead.supervisor).post(f"plan-submissions/{submission.pk}/return/", {"comments": " "})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["comments"]
    assert PlanSubmission.objects.get().decision == ""


def test_an_unrelated_agency_gets_404_everywhere(case, lead, unrelated):
    add_goal(case, lead.caseworker)
    submission = submit(case, lead.caseworker, approver=lead.supervisor)
    api = Api(unrelated.supervisor)

    statuses = [
        api.get(plan_url(case)).status_code,
        api.get(plan_url(case, "submissions/")).status_code,
        api.post(f"plan-submissions/{submission.pk}/approve/", {}).status_code,
        api.post(f"plan-submissions/{submission.pk}/return/", {"comments": "no"}).status_code,
    ]

    assert statuses == [404, 404, 404, 404]
    assert body(api.get("plan-submissions/"))["results"] == []


def test_an_unknown_awaiting_filter_is_a_400(lead):
    response = Api(lead.supervisor).get("plan-submissions/", {"awaiting": "everyone"})

    assert response.status_code == 400


def test_a_partner_sees_where_the_last_submission_stands_not_the_draft(shared_case, lead, partner):
    health = add_goal(shared_case, lead.caseworker, domain=GoalDomain.HEALTH, description="Therapy")
    plan_submission_approve(
        actor=lead.supervisor, submission=submit(shared_case, lead.caseworker, approver=lead.supervisor)
    )
    plan_goal_update(
        actor=lead.caseworker,
        goal=health,
        expected_version=plan_version(shared_case),
        description="More therapy",
    )

    assert body(Api(partner.liaison).get(plan_url(shared_case)))["status"] == "approved"
    assert body(Api(lead.caseworker).get(plan_url(shared_case)))["status"] == "draft"


def test_a_draft_never_submitted_is_no_plan_to_a_partner(shared_case, lead, partner):
    add_goal(shared_case, lead.caseworker, domain=GoalDomain.HEALTH)

    assert body(Api(partner.liaison).get(plan_url(shared_case)))["status"] == "none"


def test_reading_a_health_goal_is_in_the_audit_log(case, lead):
    add_goal(case, lead.caseworker, domain=GoalDomain.HEALTH)

    Api(lead.caseworker).get(plan_url(case))

    reads = AuditRecord.objects.filter(
        event_type__in=["case.read", "section.read"], user=lead.caseworker, case=case
    )
    assert sorted(reads.values_list("section", flat=True)) == ["core", "health"]
    assert {record.detail["view"] for record in reads} == {"plan"}
