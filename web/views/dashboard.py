"""The supervisor's home: the agency dashboard over a chosen period, and each figure as CSV."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from casework import dashboard as dashboard_module
from casework.access import may_view_dashboard
from casework.dashboard import default_period, period_bounds
from casework.dashboard_figures import agency_dashboard
from common.errors import PermissionDenied, ValidationFailed
from plans.selectors import AWAITING_LIST_LIMIT, plan_submissions_awaiting
from referrals.selectors import referral_dashboard
from relief.selectors import WATCH_DAYS, relief_birthday_watch
from screening.selectors import screening_overview, stored_screening_overview
from web.dashboard import TABLES, csv_file, dashboard_charts, period_presets, period_query
from web.forms import DashboardPeriodForm, form_errors
from web.http import WebRequest, case_work


def _period_form(request: WebRequest) -> DashboardPeriodForm:
    if not may_view_dashboard(user=request.user):
        raise PermissionDenied(_("The dashboard is for supervisors."))
    since, until = default_period()
    # A query naming no period (only `fresh=1`, say) asks for the default one.
    chosen = "since" in request.GET or "until" in request.GET
    return DashboardPeriodForm(request.GET if chosen else {"since": since, "until": until})


@case_work
@require_GET
def dashboard(request: WebRequest) -> HttpResponse:
    """The figures over the chosen period. A period that is not valid is explained on its fields
    and the page shows the default period meanwhile, so a slip of the date picker never empties it.
    `fresh=1` ("Refresh now") sums the figures up for this request instead of serving stored ones."""
    form = _period_form(request)
    valid = form.is_valid()
    since, until = (form.cleaned_data["since"], form.cleaned_data["until"]) if valid else default_period()
    start, end = form.bounds if valid else period_bounds(since=since, until=until)
    assert request.user.agency is not None
    summary = agency_dashboard(
        agency=request.user.agency, since=start, until=end, fresh=request.GET.get("fresh") == "1"
    )
    context = {
        "form": form,
        "period_valid": valid,
        "since": since,
        "until": until,
        "presets": period_presets(today=timezone.localdate(), shown=(since, until) if valid else None),
        "summary": summary,
        "screening": stored_screening_overview(summary.panels) or screening_overview(user=request.user),
        "charts": dashboard_charts(summary),
        "relief_birthdays": relief_birthday_watch(user=request.user),
        "relief_watch_days": WATCH_DAYS,
        "referrals": referral_dashboard(user=request.user, agency=request.user.agency),
        "plans_awaiting": list(plan_submissions_awaiting(user=request.user)[:AWAITING_LIST_LIMIT]),
        "period": period_query(since, until),
        "page": "dashboard",
        "pending_list_limit": dashboard_module.PENDING_LIST_LIMIT,
        "max_age_minutes": max(settings.BRIDGE_DASHBOARD_MAX_AGE_SECONDS // 60, 1),
    }
    return render(request, "web/dashboard.html", context, status=200 if valid else 400)


@case_work
@require_GET
def dashboard_csv(request: WebRequest, table: str) -> HttpResponse:
    if table not in TABLES:
        raise Http404
    form = _period_form(request)
    if not form.is_valid():
        raise ValidationFailed(_("Choose a valid period."), fields=form_errors(form))
    start, end = form.bounds
    assert request.user.agency is not None
    data = TABLES[table](agency_dashboard(agency=request.user.agency, since=start, until=end))
    first, last = form.cleaned_data["since"], form.cleaned_data["until"]
    response = HttpResponse(csv_file(data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="bridge-{data.filename}-{first:%Y-%m-%d}-to-{last:%Y-%m-%d}.csv"'
    )
    return response
