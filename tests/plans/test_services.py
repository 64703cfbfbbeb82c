from datetime import timedelta

import pytest
from django.utils import timezone

from casework.access import get_case_access, tasks_visible_to
from casework.closure import closure_blockers_from_participants, closure_participants_close
from casework.models import CaseEvent, Task, TaskStatus, TimelineEvent
from casework.sweep import deadlines_sweep
from common.errors import Conflict, PermissionDenied, StaleVersion, ValidationFailed
from notifications.models import EmailDelivery, Notification
from plans.models import ActionStatus, CasePlan, Decision, GoalDomain, GoalStatus, PlanStatus
from plans.selectors import goals_visible, plan_submissions_awaiting, submission_diff
from plans.services import (
    plan_action_update,
    plan_goal_add,
    plan_goal_update,
    plan_submission_approve,
    plan_submission_return,
    plan_submit,
)
from tests.plans.conftest import add_action, add_goal, plan_version, submit

pytestmark = pytest.mark.django_db


def test_the_lead_caseworker_starts_the_plan_with_a_goal(case, lead):
    goal = add_goal(case, lead.caseworker, domain=GoalDomain.HEALTH, description="Dental care")

    plan = CasePlan.objects.get(case=case)
    assert (plan.status, plan.version, goal.section) == (PlanStatus.DRAFT, 2, "health")
    line = TimelineEvent.objects.get(case=case, kind="plan_goal_changed")
    assert (line.section, line.summary) == ("health", "Case plan goal added (Health).")


def test_a_partner_agency_may_not_edit_the_plan(shared_case, partner):
    with pytest.raises(PermissionDenied, match="Only the lead agency's case team edits"):
        add_goal(shared_case, partner.supervisor)

    assert not CasePlan.objects.exists()


def test_an_edit_against_an_old_version_is_stale(case, lead):
    add_goal(case, lead.caseworker)

    with pytest.raises(StaleVersion):
        plan_goal_add(
            actor=lead.liaison,
            case=case,
            expected_version=1,
            domain=GoalDomain.FAMILY,
            description="Weekly visits",
            review_on=timezone.localdate(),
        )


def test_an_action_owner_must_read_the_goals_section(shared_case, lead, partner):
    goal = add_goal(shared_case, lead.caseworker, domain=GoalDomain.HEALTH)

    with pytest.raises(ValidationFailed) as raised:
        add_action(goal, lead.caseworker, owner=partner.agency)

    assert list(raised.value.fields) == ["owner_agency"]


def test_an_assignee_must_belong_to_the_owner_agency(shared_case, lead, partner):
    goal = add_goal(shared_case, lead.caseworker)

    with pytest.raises(ValidationFailed) as raised:
        add_action(goal, lead.caseworker, owner=lead.agency, assignee=partner.caseworker)

    assert list(raised.value.fields) == ["assignee"]


def test_submitting_creates_the_approval_task_for_the_chosen_supervisor(case, lead):
    add_goal(case, lead.caseworker)

    submission = submit(case, lead.caseworker, approver=lead.supervisor)

    task = submission.approval_task
    assert (task.title, task.owner_agency_id, task.assignee_id, task.section) == (
        f"Review case plan submission #1 for case {case.number}",
        lead.agency.pk,
        lead.supervisor.pk,
        "core",
    )
    assert timedelta(days=2, hours=23) < task.due_at - timezone.now() <= timedelta(days=3)
    assert CasePlan.objects.get(case=case).status == PlanStatus.SUBMITTED
    assert Notification.objects.filter(recipient=lead.supervisor, kind="plan_submitted").count() == 1


def test_the_only_other_supervisor_is_chosen_by_default(case, lead):
    add_goal(case, lead.caseworker)

    submission = plan_submit(actor=lead.caseworker, case=case, expected_version=plan_version(case))

    assert submission.approver == lead.supervisor


def test_a_submitted_plan_is_frozen_until_decided(case, lead):
    goal = add_goal(case, lead.caseworker)
    submit(case, lead.caseworker, approver=lead.supervisor)

    with pytest.raises(Conflict, match="awaits a supervisor's decision"):
        plan_goal_update(
            actor=lead.caseworker, goal=goal, expected_version=plan_version(case), description="Changed"
        )


def test_the_sweep_reminds_the_supervisor_and_escalates_an_undecided_plan(case, lead, second_supervisor):
    add_goal(case, lead.caseworker)
    submission = submit(case, lead.caseworker, approver=lead.supervisor)
    due_at = submission.approval_task.due_at

    deadlines_sweep(now=due_at - timedelta(hours=23))
    deadlines_sweep(now=due_at + timedelta(minutes=1))

    reminded = Notification.objects.filter(task=submission.approval_task, kind="task_upcoming")
    escalated = Notification.objects.filter(task=submission.approval_task, kind="task_overdue")
    assert [note.recipient for note in reminded] == [lead.supervisor]
    assert {note.recipient for note in escalated} == {lead.supervisor, second_supervisor}


def test_a_supervisor_may_not_approve_their_own_submission(case, lead, second_supervisor):
    add_goal(case, lead.supervisor)
    submission = submit(case, lead.supervisor, approver=second_supervisor)

    with pytest.raises(PermissionDenied, match="never decides on a case plan they submitted"):
        plan_submission_approve(actor=lead.supervisor, submission=submission)

    submission.refresh_from_db()
    assert submission.decision == Decision.PENDING


def test_a_liaison_may_not_approve(case, lead):
    add_goal(case, lead.caseworker)
    submission = submit(case, lead.caseworker, approver=lead.supervisor)

    with pytest.raises(PermissionDenied, match="Only a supervisor of the lead agency approves"):
        plan_submission_approve(actor=lead.liaison, submission=submission)


def test_a_supervisor_of_a_partner_agency_may_not_approve(shared_case, lead, partner):
    add_goal(shared_case, lead.caseworker)
    submission = submit(shared_case, lead.caseworker, approver=lead.supervisor)

    with pytest.raises(PermissionDenied, match="Only a supervisor of the lead agency approves"):
        plan_submission_approve(actor=partner.supervisor, submission=submission)


def test_returning_needs_comments(case, lead):
    add_goal(case, lead.caseworker)
    submission = submit(case, lead.caseworker, approver=lead.supervisor)

    with pytest.raises(ValidationFailed) as raised:
        plan_submission_return(actor=lead.supervisor, submission=submission, comments="  ")

    assert list(raised.value.fields) == ["comments"]


def test_returning_reopens_the_draft_and_tells_the_submitter(case, lead):
    goal = add_goal(case, lead.caseworker)
    submission = submit(case, lead.caseworker, approver=lead.supervisor)

    plan_submission_return(actor=lead.supervisor, submission=submission, comments="Add a school goal.")

    submission.refresh_from_db()
    submission.approval_task.refresh_from_db()
    assert (submission.decision, submission.comments) == ("returned", "Add a school goal.")
    assert (submission.approval_task.status, submission.approval_task.outcome) == (
        "done",
        "Returned with comments.",
    )
    assert Notification.objects.filter(recipient=lead.caseworker, kind="plan_decided").count() == 1
    plan_goal_update(actor=lead.caseworker, goal=goal, expected_version=plan_version(case), description="New")
    assert CasePlan.objects.get(case=case).status == PlanStatus.DRAFT


def test_approval_turns_actions_into_tasks_carrying_the_goals_section(shared_case, lead, partner):
    health = add_goal(shared_case, lead.caseworker, domain=GoalDomain.HEALTH, description="Therapy")
    action = add_action(health, lead.caseworker, owner=lead.agency, assignee=lead.caseworker)
    submission = submit(shared_case, lead.caseworker, approver=lead.supervisor)

    plan_submission_approve(actor=lead.supervisor, submission=submission)

    action.refresh_from_db()
    task = action.task
    assert (task.section, task.owner_agency_id, task.assignee_id, task.due_at) == (
        "health",
        lead.agency.pk,
        lead.caseworker.pk,
        action.due_at,
    )
    assert task.title == "Case plan: Weekly safety check-in"
    assert CasePlan.objects.get(case=shared_case).approved_submission == submission
    partner_tasks = tasks_visible_to(user=partner.supervisor)
    assert not partner_tasks.filter(pk=task.pk).exists()


def test_approval_of_a_change_updates_and_cancels_tasks(case, lead, second_supervisor):
    goal = add_goal(case, lead.caseworker)
    kept = add_action(goal, lead.caseworker, owner=lead.agency, description="Check in")
    dropped = add_action(goal, lead.caseworker, owner=lead.agency, description="Drop this")
    plan_submission_approve(
        actor=lead.supervisor, submission=submit(case, lead.caseworker, approver=lead.supervisor)
    )
    new_due = timezone.now() + timedelta(days=30)
    plan_action_update(
        actor=lead.caseworker, action=kept, expected_version=plan_version(case), due_at=new_due
    )
    plan_action_update(
        actor=lead.caseworker,
        action=dropped,
        expected_version=plan_version(case),
        status=ActionStatus.CANCELLED,
    )

    plan_submission_approve(
        actor=second_supervisor, submission=submit(case, lead.caseworker, approver=lead.supervisor)
    )

    kept.refresh_from_db()
    dropped.refresh_from_db()
    assert kept.task.due_at == new_due
    assert (dropped.task.status, dropped.task.cancel_reason) == (
        TaskStatus.CANCELLED,
        "Its case plan action ended with the plan approved as submission #2.",
    )


def test_approval_records_the_event_and_the_review_falls_due(case, lead):
    add_goal(case, lead.caseworker, days=200)
    submission = submit(case, lead.caseworker, approver=lead.supervisor)

    plan_submission_approve(actor=lead.supervisor, submission=submission)

    event = CaseEvent.objects.get(case=case, type="case_plan_approved")
    review = Task.objects.get(event=event)
    assert (review.title, review.section, review.owner_agency_id) == (
        "Case plan review",
        "core",
        lead.agency.pk,
    )
    assert timedelta(days=89) < review.due_at - event.occurred_at <= timedelta(days=90, hours=1)


def test_a_core_goal_reviewed_sooner_brings_the_review_forward(case, lead):
    goal = add_goal(case, lead.caseworker, days=30)

    plan_submission_approve(
        actor=lead.supervisor, submission=submit(case, lead.caseworker, approver=lead.supervisor)
    )

    review = Task.objects.get(event__type="case_plan_approved")
    assert timezone.localtime(review.due_at).date() == goal.review_on


def test_a_new_approval_supersedes_the_open_review(case, lead, second_supervisor):
    goal = add_goal(case, lead.caseworker, days=200)
    plan_submission_approve(
        actor=lead.supervisor, submission=submit(case, lead.caseworker, approver=lead.supervisor)
    )
    plan_goal_update(
        actor=lead.caseworker, goal=goal, expected_version=plan_version(case), description="Updated"
    )

    plan_submission_approve(
        actor=second_supervisor, submission=submit(case, lead.caseworker, approver=lead.supervisor)
    )

    reviews = Task.objects.filter(event__type="case_plan_approved").order_by("created_at")
    assert [task.status for task in reviews] == [TaskStatus.CANCELLED, TaskStatus.OPEN]


def test_a_reader_without_health_sees_no_health_goal(shared_case, lead, partner):
    add_goal(shared_case, lead.caseworker, domain=GoalDomain.HEALTH, description="MKHEALTHGOAL")
    add_goal(shared_case, lead.caseworker, domain=GoalDomain.EDUCATION, description="Enrol in school")
    submission = submit(shared_case, lead.caseworker, approver=lead.supervisor)

    access = get_case_access(user=partner.supervisor, case_id=shared_case.pk)

    assert [goal.domain for goal in goals_visible(access=access)] == ["education"]
    diff = submission_diff(submission=submission, approved=None, readable=access.readable)
    assert [change.goal["domain"] for change in diff] == ["education"]


def test_the_supervisor_queue_lists_submissions_awaiting_others(case, lead, second_supervisor):
    add_goal(case, lead.supervisor)
    submission = submit(case, lead.supervisor, approver=second_supervisor)

    assert list(plan_submissions_awaiting(user=second_supervisor)) == [submission]
    assert list(plan_submissions_awaiting(user=lead.supervisor)) == []
    assert list(plan_submissions_awaiting(user=lead.liaison)) == []


def test_a_discontinued_goal_cancels_its_open_tasks_on_approval(case, lead, second_supervisor):
    goal = add_goal(case, lead.caseworker)
    action = add_action(goal, lead.caseworker, owner=lead.agency)
    plan_submission_approve(
        actor=lead.supervisor, submission=submit(case, lead.caseworker, approver=lead.supervisor)
    )
    plan_goal_update(
        actor=lead.caseworker, goal=goal, expected_version=plan_version(case), status=GoalStatus.DISCONTINUED
    )

    plan_submission_approve(
        actor=second_supervisor, submission=submit(case, lead.caseworker, approver=lead.supervisor)
    )

    action.refresh_from_db()
    assert action.task.status == TaskStatus.CANCELLED


def test_submission_and_decision_lines_are_core_and_carry_no_goal_words(case, lead):
    add_goal(case, lead.caseworker, domain=GoalDomain.HEALTH, description="MKWORDS therapy")
    submission = submit(case, lead.caseworker, approver=lead.supervisor)
    plan_submission_approve(actor=lead.supervisor, submission=submission)

    lines = TimelineEvent.objects.filter(case=case, kind__in=["plan_submitted", "plan_approved"])
    notes = Notification.objects.filter(case=case, kind__in=["plan_submitted", "plan_decided"])
    assert sorted((line.section, line.summary) for line in lines) == [
        ("core", "Case plan approved (submission #1)."),
        ("core", "Case plan submitted for approval (submission #1)."),
    ]
    assert not TimelineEvent.objects.filter(case=case, summary__contains="MKWORDS").exists()
    assert sorted(note.message for note in notes) == [
        f"Case {case.number}: case plan submission #1 awaits your approval.",
        f"Case {case.number}: case plan submission #1 was approved.",
    ]


def test_a_cancelled_action_stays_cancelled(case, lead):
    goal = add_goal(case, lead.caseworker)
    action = add_action(goal, lead.caseworker, owner=lead.agency)
    plan_action_update(
        actor=lead.caseworker,
        action=action,
        expected_version=plan_version(case),
        status=ActionStatus.CANCELLED,
    )

    with pytest.raises(Conflict, match="stays cancelled"):
        plan_action_update(
            actor=lead.caseworker, action=action, expected_version=plan_version(case), description="Again"
        )


def test_an_approved_plan_with_nothing_changed_is_not_submitted_again(case, lead):
    add_goal(case, lead.caseworker)
    plan_submission_approve(
        actor=lead.supervisor, submission=submit(case, lead.caseworker, approver=lead.supervisor)
    )

    with pytest.raises(Conflict, match="Nothing changed"):
        submit(case, lead.caseworker, approver=lead.supervisor)


def test_a_pending_submission_keeps_the_case_from_closing(case, lead):
    add_goal(case, lead.caseworker)
    submission = submit(case, lead.caseworker, approver=lead.supervisor)

    blockers = closure_blockers_from_participants(case=case)

    assert [blocker.key for blocker in blockers] == [f"plan_submission:{submission.pk}"]


def test_closing_the_case_cancels_the_plan_review(case, lead):
    add_goal(case, lead.caseworker, days=200)
    plan_submission_approve(
        actor=lead.supervisor, submission=submit(case, lead.caseworker, approver=lead.supervisor)
    )

    assert closure_blockers_from_participants(case=case) == []
    closure_participants_close(
        case=case, actor=lead.supervisor, now=timezone.now(), reason="Reunified", justifications={}
    )

    review = Task.objects.get(event__type="case_plan_approved")
    assert (review.status, review.cancel_reason) == (TaskStatus.CANCELLED, "The case was closed.")


def test_the_supervisor_is_emailed_that_a_plan_awaits_approval(case, lead):
    add_goal(case, lead.caseworker)

    submit(case, lead.caseworker, approver=lead.supervisor)

    email = EmailDelivery.objects.get(recipient=lead.supervisor)
    assert "case plan awaiting your approval" in email.subject
