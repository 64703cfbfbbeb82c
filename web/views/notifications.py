"""The inbox, the small fragment the navigation polls for the unread count, and the email
settings page."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.access import works_on_cases
from common.errors import NotFound, ValidationFailed
from notifications.models import Notification
from notifications.selectors import notification_preferences_for, notifications_for
from notifications.services import (
    notification_mark_read,
    notification_preferences_update,
    notifications_mark_all_read,
)
from web.forms import EmailSettingsForm, form_errors
from web.http import WebRequest, case_work, signed_in
from web.links import notification_url

PAGE_SIZE = 50


@case_work
@require_GET
def inbox(request: WebRequest) -> HttpResponse:
    show = request.GET.get("show", "all")
    unread = True if show == "unread" else None
    paginator = Paginator(notifications_for(user=request.user, unread=unread), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [(notification, notification_url(notification)) for notification in page.object_list]
    context = {
        "page_obj": page,
        "rows": rows,
        "show": "unread" if unread else "all",
        "unread_count": notifications_for(user=request.user, unread=True).count(),
        "page": "inbox",
    }
    return render(request, "web/inbox.html", context)


@require_GET
@never_cache
def badge(request: HttpRequest) -> HttpResponse:
    """The unread count of the navigation's inbox link; htmx replaces the count with it every
    30 seconds. Once the session has ended, the page reloads, which takes the person to sign in
    and takes the case off the screen."""
    if not request.user.is_authenticated:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    unread = notifications_for(user=request.user, unread=True).count() if works_on_cases(request.user) else 0
    return render(request, "web/partials/inbox_badge.html", {"unread": unread})


def _own_notification(request: WebRequest, notification_id: uuid.UUID) -> Notification:
    notification = notifications_for(user=request.user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound()
    return notification


@case_work
@require_POST
def read(request: WebRequest, notification_id: uuid.UUID) -> HttpResponse:
    notification = notification_mark_read(
        user=request.user, notification=_own_notification(request, notification_id)
    )
    if request.htmx:
        notification = _own_notification(request, notification_id)
        context = {"notification": notification, "url": notification_url(notification)}
        response = render(request, "web/partials/notification_row.html", context)
        # The navigation's count follows at once instead of at the next poll.
        response["HX-Trigger"] = "inbox-changed"
        return response
    # "Open" marks the notification read on the way to what it is about.
    if request.POST.get("go") == "open":
        return redirect(notification_url(notification))
    return redirect("web:inbox")


@case_work
@require_POST
def read_all(request: WebRequest) -> HttpResponse:
    notifications_mark_all_read(user=request.user)
    return redirect("web:inbox")


@signed_in
@require_http_methods(["GET", "POST"])
def email_settings(request: WebRequest) -> HttpResponse:
    """The signed-in person's own email choice; every signed-in user has one, as in the API."""
    if request.method == "POST":
        form = EmailSettingsForm(request.POST)
        # The choices are radio buttons: anything else was not sent by this page.
        if not form.is_valid():
            raise ValidationFailed(_("Choose how Bridge emails you."), fields=form_errors(form))
        notification_preferences_update(user=request.user, **form.switches())
        messages.success(request, form.saved_message())
        return redirect("web:email-settings")
    preference = notification_preferences_for(user=request.user)
    context = {
        "form": EmailSettingsForm(initial={"email": EmailSettingsForm.choice_for(preference)}),
        "has_inbox": works_on_cases(request.user),
        "digest_hour": settings.BRIDGE_DIGEST_HOUR,
        "page": "email-settings",
    }
    return render(request, "web/email_settings.html", context)
