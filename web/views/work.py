"""Home, "My work" and the actions on a task: complete, claim, assign, hand off."""

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from agencies.models import Role
from audit.services import audit_task_read
from casework.access import (
    agencies_reached_without_approval,
    get_case_access,
    get_task_for_user,
    sees_case,
    works_on_cases,
)
from casework.models import HandoffStatus, TaskStatus
from casework.services.handoffs import handoff_create
from casework.services.tasks import task_complete, task_reopen, task_update
from common.errors import Conflict, PermissionDenied, ValidationFailed
from web.forms import AssignForm, TaskCompleteForm, TaskHandoffForm, TaskReopenForm
from web.http import WebRequest, case_work, next_url, redirect_after, signed_in
from web.selectors import colleagues, my_desk, other_agencies, task_for_page

ROLE_HOMES: dict[str, str] = {
    Role.CASEWORKER: "web:my-work",
    Role.LIAISON: "web:handoffs",
    Role.SUPERVISOR: "web:dashboard",
}


@signed_in
@require_GET
def home(request: WebRequest) -> HttpResponse:
    """Each role's own start page; roles without case work get a page saying where their work is."""
    if works_on_cases(request.user):
        return redirect(ROLE_HOMES[request.user.role])
    return render(request, "web/no_case_work.html")


@case_work
@require_GET
def my_work(request: WebRequest) -> HttpResponse:
    desk = my_desk(user=request.user, now=timezone.now())
    return render(request, "web/my_work.html", {"desk": desk, "page": "my-work"})


def _task_row(
    request: WebRequest, task_id: uuid.UUID, *, status: int = 200, notice: str = ""
) -> HttpResponse:
    item = task_for_page(user=request.user, task_id=task_id)
    context = {"item": item, "notice": notice, "show_case": request.POST.get("context") != "case"}
    return render(request, "web/partials/task_row.html", context, status=status)


@case_work
@require_GET
def task_page(request: WebRequest, task_id: uuid.UUID) -> HttpResponse:
    return _task_page(request, task_id)


def _task_page(
    request: WebRequest,
    task_id: uuid.UUID,
    *,
    assign_form: AssignForm | None = None,
    reopen_form: TaskReopenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The task page; a form posted from it and refused comes back bound, its errors by its fields."""
    item = task_for_page(user=request.user, task_id=task_id)
    audit_task_read(
        user=request.user, tasks_shown_whole=[item.task] if item.shows_detail else [], view="task"
    )
    if item.may_reassign and assign_form is None:
        assign_form = AssignForm(
            members=colleagues(user=request.user),
            initial={
                "assignee": str(item.task.assignee.public_id) if item.task.assignee else "",
                "version": item.task.version,
            },
        )
    if item.may_reopen and reopen_form is None:
        reopen_form = TaskReopenForm(auto_id="reopen-%s")
    context = {
        "item": item,
        # A task offered to the reader's agency is visible before the agency takes part in its case.
        "case_visible": sees_case(user=request.user, case_id=item.task.case_id),
        "assign_form": assign_form if item.may_reassign else None,
        "reopen_form": reopen_form if item.may_reopen else None,
    }
    return render(request, "web/task.html", context, status=status)


@case_work
@require_http_methods(["GET", "POST"])
def task_complete_view(request: WebRequest, task_id: uuid.UUID) -> HttpResponse:
    """Mark a task done with what was done. On a task row the form opens in place (htmx)."""
    item = task_for_page(user=request.user, task_id=task_id)
    if item.task.status == TaskStatus.DONE:
        raise Conflict(_("This task is already done."))
    if not item.may_work:
        raise PermissionDenied(_("Only the agency that holds this task marks it done."))
    form = TaskCompleteForm(
        request.POST if request.method == "POST" else None,
        statutory=item.task.template_id is not None,
        auto_id=f"complete-{task_id}-%s",
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                task_complete(actor=request.user, task=item.task, outcome=form.cleaned_data["outcome"])
            except ValidationFailed as error:
                form.add_service_errors(error.message, error.fields)
            else:
                if request.htmx:
                    return _task_row(request, task_id, notice=_("Done."))
                messages.success(request, _("Done: %(title)s.") % {"title": item.task.title})
                return redirect_after(request, reverse("web:task", args=[task_id]))
        status = 400
    # On a case's task list the row leaves out the case; the form carries that back to the row.
    row_context = request.POST.get("context") or request.GET.get("context", "")
    context = {"item": item, "form": form, "context": row_context}
    if not request.htmx:
        context["next"] = next_url(request, reverse("web:task", args=[task_id]))
        return render(request, "web/task_complete.html", context, status=status)
    response = render(request, "web/partials/task_complete_form.html", context, status=status)
    # Shown again with its errors, the form goes back where it was opened.
    return reswap(retarget(response, f"#task-{task_id}-complete"), "innerHTML")


@case_work
@require_POST
def task_reopen_view(request: WebRequest, task_id: uuid.UUID) -> HttpResponse:
    task = get_task_for_user(user=request.user, task_id=task_id)
    form = TaskReopenForm(request.POST, auto_id="reopen-%s")
    if form.is_valid():
        try:
            task_reopen(actor=request.user, task=task, reason=form.cleaned_data["reason"])
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, _("Reopened: %(title)s.") % {"title": task.title})
            return redirect("web:task", task_id=task_id)
    return _task_page(request, task_id, reopen_form=form, status=400)


@case_work
@require_POST
def task_claim(request: WebRequest, task_id: uuid.UUID) -> HttpResponse:
    task = get_task_for_user(user=request.user, task_id=task_id)
    version = _posted_version(request)
    task_update(actor=request.user, task=task, expected_version=version, assignee=request.user)
    if request.htmx:
        return _task_row(request, task_id, notice=_("It is yours now."))
    messages.success(request, _("You took on: %(title)s.") % {"title": task.title})
    return redirect_after(request, reverse("web:task", args=[task_id]))


@case_work
@require_POST
def task_assign(request: WebRequest, task_id: uuid.UUID) -> HttpResponse:
    task = get_task_for_user(user=request.user, task_id=task_id)
    form = AssignForm(request.POST, members=colleagues(user=request.user))
    if form.is_valid():
        try:
            task_update(
                actor=request.user,
                task=task,
                expected_version=form.cleaned_data["version"],
                assignee=form.chosen_assignee(),
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, _("Assignment saved."))
            return redirect("web:task", task_id=task_id)
    return _task_page(request, task_id, assign_form=form, status=400)


def _posted_version(request: WebRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError as error:
        raise ValidationFailed(
            _("Reload the page and try again."), fields={"version": [_("Missing.")]}
        ) from error


@case_work
@require_http_methods(["GET", "POST"])
def task_handoff(request: WebRequest, task_id: uuid.UUID) -> HttpResponse:
    """Offer a task to another agency. On the "My work" page the form opens in place of the row."""
    item = task_for_page(user=request.user, task_id=task_id)
    # Only the owning agency hands a task off (the service checks again); for it, the form tells
    # which agencies a handoff would first take to the lead agency for approval.
    reached = (
        agencies_reached_without_approval(
            access=get_case_access(user=request.user, case_id=item.task.case.pk)
        )
        if item.may_work
        else None
    )
    form = TaskHandoffForm(
        request.POST or None,
        agencies=other_agencies(user=request.user),
        reached=reached,
        lead_agency=item.task.case.lead_agency,
        auto_id=f"handoff-{task_id}-%s",
        initial={"urgent": False},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                handoff = handoff_create(
                    actor=request.user,
                    task=item.task,
                    to_agency=form.chosen_agency(),
                    note=form.cleaned_data["note"],
                    urgent=form.cleaned_data["urgent"],
                )
            except ValidationFailed as error:
                form.add_service_errors(error.message, error.fields)
            else:
                receiver = form.chosen_agency().name
                if handoff.status == HandoffStatus.AWAITING_APPROVAL:
                    notice = _(
                        "Sent to %(lead)s for approval first; %(receiver)s is asked to answer once it "
                        "is approved."
                    ) % {"lead": handoff.case.lead_agency.name, "receiver": receiver}
                else:
                    notice = _("Offered to %(receiver)s; they are asked to answer.") % {"receiver": receiver}
                if request.htmx:
                    return _task_row(request, task_id, notice=notice)
                messages.success(request, notice)
                return redirect_after(request, reverse("web:task", args=[task_id]))
        status = 400
    if not request.htmx:
        context = {"item": item, "form": form, "next": next_url(request, reverse("web:task", args=[task_id]))}
        return render(request, "web/task_handoff.html", context, status=status)
    response = render(
        request, "web/partials/task_handoff_form.html", {"item": item, "form": form}, status=status
    )
    # The form posts to replace the task's row when it succeeds; shown again with its errors, it
    # goes back where it was opened.
    return reswap(retarget(response, f"#task-{task_id}-handoff"), "innerHTML")
