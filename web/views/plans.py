"""The case plan tab: the draft's goals (in sections the reader reads) grouped by domain with
their actions and tasks, the plan in force, the submissions; for the lead agency's case team the
forms to edit and submit the draft, and for its supervisors the submission page's decision."""

import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.models import Agency, Role
from agencies.selectors import agency_members
from audit.services import audit_case_read
from casework.access import Action, CaseAccess, agencies_reading, get_case_access
from common.errors import NotFound, ValidationFailed
from plans.models import DOMAIN_SECTIONS, ActionStatus, GoalDomain, PlanGoal, PlanStatus
from plans.selectors import (
    approved_before,
    goals_visible,
    plan_for,
    plan_status_shown,
    submission_diff,
    submissions_visible,
)
from plans.services import (
    get_plan_action,
    get_plan_goal,
    plan_action_add,
    plan_action_update,
    plan_goal_add,
    plan_goal_update,
    plan_submission_approve,
    plan_submission_return,
    plan_submit,
)
from web.http import WebRequest, case_work
from web.plans_forms import (
    PlanActionAddForm,
    PlanDecisionForm,
    PlanGoalAddForm,
    PlanGoalEditForm,
    PlanSubmitForm,
    PlanVersionForm,
)
from web.views.cases import case_context


def _version(access: CaseAccess) -> int:
    plan = plan_for(access=access)
    return plan.version if plan is not None else 0


def _domains(access: CaseAccess) -> list[tuple[str, str]]:
    return [
        (domain, label)
        for domain, label in GoalDomain.choices
        if access.may(Action.EDIT_PLAN, section=DOMAIN_SECTIONS[domain])
    ]


def _owners(access: CaseAccess, section: str) -> list[Agency]:
    return list(
        Agency.objects.filter(pk__in=agencies_reading(case=access.case, section=section)).order_by("name")
    )


def _supervisors(access: CaseAccess) -> list[Any]:
    return list(
        agency_members(agency=access.case.lead_agency).filter(role=Role.SUPERVISOR).exclude(pk=access.user.pk)
    )


def _goals(access: CaseAccess, *, version: int, bound: tuple[uuid.UUID, Any] | None) -> list[PlanGoal]:
    goals: list[Any] = list(goals_visible(access=access))
    editor = access.may(Action.EDIT_PLAN)
    owners: dict[str, list[Agency]] = {}
    for goal in goals:
        goal.edit_form = goal.action_form = None
        if not editor:
            continue
        goal.edit_form = PlanGoalEditForm(
            prefix=f"goal-{goal.pk.hex[:12]}",
            initial={
                "description": goal.description,
                "status": goal.status,
                "review_on": goal.review_on,
                "version": version,
            },
        )
        if goal.section not in owners:
            owners[goal.section] = _owners(access, goal.section)
        goal.action_form = PlanActionAddForm(
            prefix=f"action-{goal.pk.hex[:12]}", agencies=owners[goal.section], initial={"version": version}
        )
        for action in goal.actions.all():
            action.edit_form = None
            if action.status != ActionStatus.ACTIVE:
                continue
            action.edit_form = PlanActionAddForm(
                prefix=f"edit-{action.pk.hex[:12]}",
                agencies=owners[goal.section],
                initial={
                    "description": action.description,
                    "owner_agency": action.owner_agency_id,
                    "due_at": timezone.localtime(action.due_at),
                    "version": version,
                },
            )
            if bound is not None and bound[0] == action.pk:
                action.edit_form = bound[1]
        if bound is not None and bound[0] == goal.pk:
            name = "edit_form" if isinstance(bound[1], PlanGoalEditForm) else "action_form"
            setattr(goal, name, bound[1])
    return goals


def _page(
    request: WebRequest,
    access: CaseAccess,
    *,
    add_form: PlanGoalAddForm | None = None,
    submit_form: PlanSubmitForm | None = None,
    bound: tuple[uuid.UUID, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    plan = plan_for(access=access)
    version = plan.version if plan is not None else 0
    shown = plan_status_shown(access=access, plan=plan)
    goals = _goals(access, version=version, bound=bound)
    audit_case_read(access=access, sections={goal.section for goal in goals}, view="plan")
    editor = access.may(Action.EDIT_PLAN)
    by_domain = [
        (label, [goal for goal in goals if goal.domain == domain])
        for domain, label in GoalDomain.choices
        if any(goal.domain == domain for goal in goals)
    ]
    context = case_context(
        access,
        tab="plan",
        plan=plan,
        plan_status="" if shown == "none" else PlanStatus(shown).label,
        by_domain=by_domain,
        submissions=list(submissions_visible(access=access)),
        editor=editor,
        version=version,
        add_form=(add_form or PlanGoalAddForm(domains=_domains(access), initial={"version": version}))
        if editor
        else None,
        submit_form=(
            submit_form or PlanSubmitForm(supervisors=_supervisors(access), initial={"version": version})
        )
        if editor and goals
        else None,
    )
    return render(request, "web/case_plan.html", context, status=status)


@case_work
@require_http_methods(["GET", "POST"])
def case_plan(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    """The plan; a POST adds a goal."""
    access = get_case_access(user=request.user, case_id=case_id)
    if request.method == "GET":
        return _page(request, access)
    access.require(Action.EDIT_PLAN)
    form = PlanGoalAddForm(request.POST, domains=_domains(access))
    if form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        try:
            plan_goal_add(actor=request.user, case=access.case, expected_version=version, **values)
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, _("Goal added to the draft."))
            return redirect("web:case-plan", case_id=case_id)
    return _page(request, access, add_form=form, status=400)


@case_work
@require_POST
def case_plan_goal(request: WebRequest, case_id: uuid.UUID, goal_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    goal = get_plan_goal(access=access, goal_id=goal_id)
    form = PlanGoalEditForm(request.POST, prefix=f"goal-{goal.pk.hex[:12]}")
    if form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        try:
            plan_goal_update(actor=request.user, goal=goal, expected_version=version, **values)
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, _("Goal saved."))
            return redirect("web:case-plan", case_id=case_id)
    return _page(request, access, bound=(goal.pk, form), status=400)


@case_work
@require_POST
def case_plan_action_add(request: WebRequest, case_id: uuid.UUID, goal_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    goal = get_plan_goal(access=access, goal_id=goal_id)
    form = PlanActionAddForm(
        request.POST, prefix=f"action-{goal.pk.hex[:12]}", agencies=_owners(access, goal.section)
    )
    save = partial(plan_action_add, goal=goal)
    return _action_saved(
        request, access, form, save=save, bound_to=goal.pk, success=_("Action added to the draft.")
    )


@case_work
@require_POST
def case_plan_action(request: WebRequest, case_id: uuid.UUID, action_id: uuid.UUID) -> HttpResponse:
    """Change an action's words, agency or due time in the draft."""
    access = get_case_access(user=request.user, case_id=case_id)
    action = get_plan_action(access=access, action_id=action_id)
    form = PlanActionAddForm(
        request.POST, prefix=f"edit-{action.pk.hex[:12]}", agencies=_owners(access, action.section)
    )
    save = partial(plan_action_update, action=action)
    return _action_saved(
        request, access, form, save=save, bound_to=action.pk, success=_("Action saved in the draft.")
    )


def _action_saved(
    request: WebRequest,
    access: CaseAccess,
    form: PlanActionAddForm,
    *,
    save: Callable[..., object],
    bound_to: uuid.UUID,
    success: str,
) -> HttpResponse:
    """Add or change an action from its form: the same fields either way."""
    if form.is_valid():
        values = form.cleaned_data
        try:
            save(
                actor=request.user,
                expected_version=values["version"],
                description=values["description"],
                owner_agency=form.chosen_agency(),
                due_at=values["due_at"],
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, success)
            return redirect("web:case-plan", case_id=access.case.pk)
    return _page(request, access, bound=(bound_to, form), status=400)


@case_work
@require_POST
def case_plan_action_cancel(request: WebRequest, case_id: uuid.UUID, action_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    action = get_plan_action(access=access, action_id=action_id)
    form = PlanVersionForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(_("Reload the page and try again."), fields={"version": [_("Missing.")]})
    plan_action_update(
        actor=request.user,
        action=action,
        expected_version=form.cleaned_data["version"],
        status=ActionStatus.CANCELLED,
    )
    messages.success(request, _("Action cancelled in the draft."))
    return redirect("web:case-plan", case_id=case_id)


@case_work
@require_POST
def case_plan_submit(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    access.require(Action.EDIT_PLAN)
    form = PlanSubmitForm(request.POST, supervisors=_supervisors(access))
    if form.is_valid():
        try:
            submission = plan_submit(
                actor=request.user,
                case=access.case,
                expected_version=form.cleaned_data["version"],
                summary=form.cleaned_data["summary"],
                approver=form.chosen_approver(),
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(
                request,
                _("Plan submitted for approval (submission #%(number)s).") % {"number": submission.number},
            )
            return redirect("web:case-plan", case_id=case_id)
    return _page(request, access, submit_form=form, status=400)


def _submission_page(
    request: WebRequest,
    access: CaseAccess,
    submission_id: uuid.UUID,
    *,
    form: PlanDecisionForm | None,
    status: int,
) -> HttpResponse:
    submission = submissions_visible(access=access).filter(pk=submission_id).first()
    if submission is None:
        raise NotFound()
    changes = submission_diff(
        submission=submission, approved=approved_before(submission), readable=access.readable
    )
    audit_case_read(
        access=access, sections={change.goal["section"] for change in changes}, view="plan_submission"
    )
    decides = not submission.decision and access.may(
        Action.APPROVE_PLAN, submitted_by_id=submission.submitted_by_id
    )
    context = case_context(
        access,
        tab="plan",
        submission=submission,
        changes=changes,
        sees_comments=access.may(Action.EDIT_PLAN),
        decision_form=(form or PlanDecisionForm()) if decides else None,
    )
    return render(request, "web/case_plan_submission.html", context, status=status)


@case_work
@require_GET
def case_plan_submission(request: WebRequest, case_id: uuid.UUID, submission_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    return _submission_page(request, access, submission_id, form=None, status=200)


@case_work
@require_POST
def case_plan_decide(request: WebRequest, case_id: uuid.UUID, submission_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    submission = submissions_visible(access=access).filter(pk=submission_id).first()
    if submission is None:
        raise NotFound()
    form = PlanDecisionForm(request.POST)
    decision = request.POST.get("decision")
    if decision not in ("approve", "return"):
        raise ValidationFailed(
            _("Approve or return the plan."), fields={"decision": [_("Choose approve or return.")]}
        )
    if form.is_valid():
        comments = form.cleaned_data["comments"]
        try:
            if decision == "approve":
                plan_submission_approve(actor=request.user, submission=submission, comments=comments)
            else:
                plan_submission_return(actor=request.user, submission=submission, comments=comments)
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            if decision == "approve":
                done = _("Case plan submission #%(number)s approved.")
            else:
                done = _("Case plan submission #%(number)s returned with comments.")
            messages.success(request, done % {"number": submission.number})
            return redirect("web:case-plan", case_id=case_id)
    return _submission_page(request, access, submission_id, form=form, status=400)
