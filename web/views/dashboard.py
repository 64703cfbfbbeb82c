"""The supervisor's home: the agency dashboard over a chosen period, and each figure as CSV."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from casework.access import may_view_dashboard
from casework.dashboard import DashboardSummary, dashboard_summary, default_period
from common.errors import PermissionDenied, ValidationFailed
from web.dashboard import TABLES, csv_text, dashboard_charts
from web.forms import DashboardPeriodForm, form_errors
from web.http import WebRequest, case_work


def _period_form(request: WebRequest) -> DashboardPeriodForm:
    if not may_view_dashboard(user=request.user):
        raise PermissionDenied("The dashboard is for supervisors.")
    since, until = default_period()
    return DashboardPeriodForm(request.GET or {"since": since, "until": until})


def _summary(request: WebRequest, form: DashboardPeriodForm) -> DashboardSummary:
    start, end = form.bounds
    assert request.user.agency is not None
    return dashboard_summary(agency=request.user.agency, since=start, until=end)


@case_work
@require_GET
def dashboard(request: WebRequest) -> HttpResponse:
    form = _period_form(request)
    if not form.is_valid():
        return render(request, "web/dashboard.html", {"form": form, "page": "dashboard"}, status=400)
    summary = _summary(request, form)
    context = {
        "form": form,
        "summary": summary,
        "charts": dashboard_charts(summary),
        "period": f"since={form.cleaned_data['since']:%Y-%m-%d}&until={form.cleaned_data['until']:%Y-%m-%d}",
        "page": "dashboard",
    }
    return render(request, "web/dashboard.html", context)


@case_work
@require_GET
def dashboard_csv(request: WebRequest, table: str) -> HttpResponse:
    if table not in TABLES:
        raise Http404
    form = _period_form(request)
    if not form.is_valid():
        raise ValidationFailed("Choose a valid period.", fields=form_errors(form))
    data = TABLES[table](_summary(request, form))
    first, last = form.cleaned_data["since"], form.cleaned_data["until"]
    response = HttpResponse(csv_text(data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="bridge-{data.filename}-{first:%Y-%m-%d}-to-{last:%Y-%m-%d}.csv"'
    )
    return response
