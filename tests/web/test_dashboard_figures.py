"""Stored dashboard figures (`casework.dashboard_figures`): served with their age over the default
period, never older than the maximum age, never past a grant's end, refreshed by the beat."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone, translation

from casework.dashboard import dashboard_summary, default_period, period_bounds
from casework.dashboard_figures import (
    agency_dashboard,
    dashboard_figures_to_refresh,
    refresh_dashboard_figures,
    store_dashboard_figures,
    summary_as_json,
    summary_from_json,
)
from casework.models import DashboardFigures, DeadlineTemplate, GrantBasis, GrantEndReason, SectionGrant
from tests.api.conftest import body
from tests.web.conftest import make_handoff, make_task, text

pytestmark = pytest.mark.django_db


def _late_task(*, case, owner, title="Late visit"):
    return make_task(case=case, owner=owner, title=title, due_at=timezone.now() - timedelta(hours=2))


def _default_bounds():
    since, until = default_period()
    return period_bounds(since=since, until=until)


def _age(*, agency, seconds: int) -> None:
    """Moves the agency's stored figures `seconds` into the past."""
    row = DashboardFigures.objects.get(agency=agency)
    shift = timedelta(seconds=seconds)
    DashboardFigures.objects.filter(pk=row.pk).update(
        computed_at=row.computed_at - shift, viewed_at=row.viewed_at - shift
    )


def test_the_default_period_is_served_from_the_figures_stored_by_the_first_view(api_as, lead, shared_case):
    _late_task(case=shared_case, owner=lead.agency)
    first = body(api_as(lead.supervisor).get("dashboard/"))
    _late_task(case=shared_case, owner=lead.agency, title="Another late visit")

    second = body(api_as(lead.supervisor).get("dashboard/"))

    assert (first["stored"], first["overdue_total"]) == (False, 1)
    assert (second["stored"], second["overdue_total"], second["generated_at"]) == (
        True,
        1,
        first["generated_at"],
    )


def test_figures_older_than_the_maximum_age_are_summed_up_again(api_as, lead, shared_case):
    _late_task(case=shared_case, owner=lead.agency)
    api_as(lead.supervisor).get("dashboard/")
    _late_task(case=shared_case, owner=lead.agency, title="Another late visit")
    _age(agency=lead.agency, seconds=settings.BRIDGE_DASHBOARD_MAX_AGE_SECONDS)

    data = body(api_as(lead.supervisor).get("dashboard/"))

    assert (data["stored"], data["overdue_total"]) == (False, 2)


def test_refresh_now_sums_the_figures_up_for_the_request_and_stores_them(api_as, lead, shared_case):
    api_as(lead.supervisor).get("dashboard/")
    _late_task(case=shared_case, owner=lead.agency)

    fresh = body(api_as(lead.supervisor).get("dashboard/", {"fresh": "true"}))
    after = body(api_as(lead.supervisor).get("dashboard/"))

    assert (fresh["stored"], fresh["overdue_total"]) == (False, 1)
    assert (after["stored"], after["overdue_total"]) == (True, 1)


def _last_week() -> dict[str, str]:
    today = timezone.localdate()
    return {"since": f"{today - timedelta(days=6):%Y-%m-%d}", "until": f"{today:%Y-%m-%d}"}


def test_another_period_shows_the_stored_figures_as_of_now_and_sums_up_its_own(api_as, lead, shared_case):
    api_as(lead.supervisor).get("dashboard/")
    template = DeadlineTemplate.objects.filter(active=True).first()
    make_task(
        case=shared_case,
        owner=lead.agency,
        title="Report",
        template=template,
        due_at=timezone.now() - timedelta(hours=2),
    )

    data = body(api_as(lead.supervisor).get("dashboard/", _last_week()))

    assert (data["stored"], data["overdue_total"]) == (True, 0)
    assert [(row["due"], row["missed"]) for row in data["compliance"]] == [(1, 1)]
    assert data["cases"]["opened_in_period"] == 1
    assert data["period_generated_at"] > data["generated_at"]


def test_another_period_with_no_stored_figures_stores_them_for_the_default_period(api_as, lead, shared_case):
    _late_task(case=shared_case, owner=lead.agency)

    week = body(api_as(lead.supervisor).get("dashboard/", _last_week()))
    default = body(api_as(lead.supervisor).get("dashboard/"))

    assert (week["stored"], week["overdue_total"]) == (False, 1)
    assert (default["stored"], default["generated_at"]) == (True, week["generated_at"])
    assert default["period_generated_at"] == default["generated_at"]


def test_the_page_of_another_period_says_when_its_figures_were_summed_up(browser_as, lead, shared_case):
    browser = browser_as(lead.supervisor)
    browser.get("/dashboard/")

    response = browser.get("/dashboard/", _last_week())

    assert "Stored figures as of" in text(response)
    assert "summed up for this page at" in text(response)


def test_the_stored_figures_with_another_period_cost_five_queries(
    lead, shared_case, django_assert_num_queries
):
    since, until = _default_bounds()
    agency_dashboard(agency=lead.agency, since=since, until=until)
    week_since, week_until = period_bounds(
        since=timezone.localdate() - timedelta(days=6), until=timezone.localdate()
    )

    # The stored figures, then the cases opened, response times both ways and compliance.
    with django_assert_num_queries(5):
        agency_dashboard(agency=lead.agency, since=week_since, until=week_until)


def test_the_page_says_how_old_stored_figures_are_and_offers_a_refresh(browser_as, lead, shared_case):
    _late_task(case=shared_case, owner=lead.agency)
    browser = browser_as(lead.supervisor)
    first = text(browser.get("/dashboard/"))

    second = browser.get("/dashboard/")

    assert "Stored figures as of" not in first
    assert "never shown more than 10 minutes old. Refresh now" in text(second)
    assert "&amp;fresh=1" in second.content.decode()


def test_the_csv_files_hold_the_figures_the_page_shows(browser_as, lead, shared_case):
    _late_task(case=shared_case, owner=lead.agency)
    browser = browser_as(lead.supervisor)
    browser.get("/dashboard/")
    _late_task(case=shared_case, owner=lead.agency, title="Another late visit")
    since, until = default_period()

    csv = browser.get(
        "/dashboard/overdue.csv", {"since": f"{since:%Y-%m-%d}", "until": f"{until:%Y-%m-%d}"}
    ).content.decode("utf-8-sig")

    assert [line.split(",")[:2] for line in csv.splitlines()[1:]] == [["Unassigned", "1"]]


def test_ending_a_grant_drops_the_stored_figures_of_its_section(api_as, partner, shared_case):
    grant = SectionGrant.objects.create(
        case=shared_case, agency=partner.agency, section="location", basis=GrantBasis.STEWARD
    )
    make_task(
        case=shared_case,
        owner=partner.agency,
        title="Visit the placement",
        section="location",
        due_at=timezone.now() + timedelta(days=1),
    )
    before = body(api_as(partner.supervisor).get("dashboard/"))

    SectionGrant.objects.filter(pk=grant.pk).update(
        ended_at=timezone.now(), end_reason=GrantEndReason.REVOKED
    )
    stored_after_end = DashboardFigures.objects.filter(agency=partner.agency).exists()
    after = body(api_as(partner.supervisor).get("dashboard/"))

    assert [row["title"] for row in before["upcoming"]] == ["Visit the placement"]
    assert not stored_after_end
    assert (after["stored"], after["upcoming"], after["upcoming_total"]) == (False, [], 0)


def test_figures_summed_up_just_after_a_grant_ended_are_not_kept(partner, shared_case):
    SectionGrant.objects.create(
        case=shared_case,
        agency=partner.agency,
        section="location",
        basis=GrantBasis.STEWARD,
        ended_at=timezone.now() - timedelta(seconds=5),
        end_reason=GrantEndReason.REVOKED,
    )

    store_dashboard_figures(agency=partner.agency, language="en")

    assert not DashboardFigures.objects.exists()


def test_stored_figures_are_not_served_past_the_expiry_of_a_grant(partner, shared_case):
    expires_at = timezone.now() + timedelta(seconds=30)
    SectionGrant.objects.create(
        case=shared_case,
        agency=partner.agency,
        section="location",
        basis=GrantBasis.STEWARD,
        expires_at=expires_at,
    )
    store_dashboard_figures(agency=partner.agency, language="en")
    since, until = _default_bounds()

    assert DashboardFigures.objects.get(agency=partner.agency).valid_until == expires_at
    DashboardFigures.objects.update(valid_until=timezone.now())
    assert agency_dashboard(agency=partner.agency, since=since, until=until).stored is False


def test_figures_are_stored_in_the_language_they_were_asked_in(lead, case):
    since, until = _default_bounds()
    with translation.override("es"):
        agency_dashboard(agency=lead.agency, since=since, until=until)

    english = agency_dashboard(agency=lead.agency, since=since, until=until)

    assert english.stored is False
    assert sorted(DashboardFigures.objects.values_list("language", flat=True)) == ["en", "es"]


def _stored(*, agency, computed_ago: int, took_ms: int = 10, viewed_ago: int = 0) -> None:
    now = timezone.now()
    store_dashboard_figures(agency=agency, language="en", viewed_at=now - timedelta(seconds=viewed_ago))
    DashboardFigures.objects.filter(agency=agency).update(
        computed_at=now - timedelta(seconds=computed_ago), took_ms=took_ms
    )


def test_the_beat_refreshes_figures_viewed_lately_and_deletes_the_others(lead, partner, shared_case):
    _stored(agency=lead.agency, computed_ago=120)
    _stored(
        agency=partner.agency,
        computed_ago=120,
        viewed_ago=settings.BRIDGE_DASHBOARD_KEEP_FRESH_SECONDS + 1,
    )

    wanted = dashboard_figures_to_refresh()

    assert wanted == [(lead.agency.pk, "en")]
    assert list(DashboardFigures.objects.values_list("agency_id", flat=True)) == [lead.agency.pk]


def test_the_beat_refreshes_the_stalest_first_within_its_budget(lead, partner, unrelated, settings):
    settings.BRIDGE_DASHBOARD_REFRESH_BUDGET_SECONDS = 10
    _stored(agency=lead.agency, computed_ago=100, took_ms=6_000)
    _stored(agency=partner.agency, computed_ago=300, took_ms=6_000)
    _stored(agency=unrelated.agency, computed_ago=200, took_ms=3_000)

    wanted = dashboard_figures_to_refresh()

    assert wanted == [(partner.agency.pk, "en"), (unrelated.agency.pk, "en")]


def test_the_beat_refreshes_one_figure_larger_than_its_budget(lead, settings):
    settings.BRIDGE_DASHBOARD_REFRESH_BUDGET_SECONDS = 1
    _stored(agency=lead.agency, computed_ago=100, took_ms=6_000)

    assert dashboard_figures_to_refresh() == [(lead.agency.pk, "en")]


def test_figures_a_page_summed_up_moments_ago_wait_for_a_later_tick(lead):
    _stored(agency=lead.agency, computed_ago=1)

    assert dashboard_figures_to_refresh() == []


def test_a_refresh_stores_the_figures_as_of_now_and_keeps_when_they_were_viewed(lead, shared_case):
    viewed_at = timezone.now() - timedelta(minutes=10)
    store_dashboard_figures(agency=lead.agency, language="en", viewed_at=viewed_at)
    _late_task(case=shared_case, owner=lead.agency)

    refresh_dashboard_figures(agency_id=lead.agency.pk, language="en")

    row = DashboardFigures.objects.get(agency=lead.agency)
    assert (row.figures["overdue_by_assignee"][0]["overdue"], row.viewed_at) == (1, viewed_at)


def test_a_refresh_of_deleted_figures_stores_nothing(lead, case):
    refresh_dashboard_figures(agency_id=lead.agency.pk, language="en")

    assert not DashboardFigures.objects.exists()


def test_the_beat_sends_a_refresh_every_interval():
    entry = settings.CELERY_BEAT_SCHEDULE["dashboard-figures-refresh"]

    assert (entry["task"], entry["schedule"]) == (
        "casework.tasks.refresh_dashboards",
        float(settings.BRIDGE_DASHBOARD_REFRESH_SECONDS),
    )


def test_stored_figures_read_back_as_the_summary_they_were(lead, partner, shared_case):
    template = DeadlineTemplate.objects.filter(active=True).first()
    task = _late_task(case=shared_case, owner=lead.agency)
    make_task(
        case=shared_case,
        owner=lead.agency,
        title="Report",
        template=template,
        assignee=lead.caseworker,
        due_at=timezone.now() + timedelta(days=2),
    )
    make_handoff(task=task, sender=lead, receiver=partner, created_at=timezone.now() - timedelta(hours=1))
    since, until = _default_bounds()
    summary = dashboard_summary(agency=lead.agency, since=since, until=until)

    assert summary_from_json(summary_as_json(summary)) == summary


def test_stored_figures_cost_one_query(lead, shared_case, django_assert_num_queries):
    since, until = _default_bounds()
    agency_dashboard(agency=lead.agency, since=since, until=until)

    with django_assert_num_queries(1):
        agency_dashboard(agency=lead.agency, since=since, until=until)


def test_a_view_of_stored_figures_marks_them_viewed_once_an_interval(lead, case):
    since, until = _default_bounds()
    agency_dashboard(agency=lead.agency, since=since, until=until)
    _age(agency=lead.agency, seconds=settings.BRIDGE_DASHBOARD_REFRESH_SECONDS + 1)
    aged = DashboardFigures.objects.get(agency=lead.agency)

    served = agency_dashboard(agency=lead.agency, since=since, until=until)

    assert served.stored is True
    assert DashboardFigures.objects.get(agency=lead.agency).viewed_at > aged.viewed_at


def test_refresh_now_without_a_period_sums_up_the_default_one(browser_as, lead, shared_case):
    browser = browser_as(lead.supervisor)
    browser.get("/dashboard/")
    _late_task(case=shared_case, owner=lead.agency)

    response = browser.get("/dashboard/", {"fresh": "1"})

    assert response.status_code == 200
    assert "Stored figures as of" not in text(response)
    assert "1 overdue tasks" in text(response)
