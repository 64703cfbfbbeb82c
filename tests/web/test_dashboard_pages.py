"""The supervisor dashboard page, its charts and its CSV downloads."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from casework.models import DeadlineTemplate, HandoffStatus
from common.times import format_day
from tests.web.conftest import make_handoff, make_task, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(lead, case):
    make_task(
        case=case,
        owner=lead.agency,
        title="Late visit",
        due_at=timezone.now() - timedelta(hours=3),
        assignee=lead.caseworker,
    )


def test_the_supervisor_sees_the_figures_of_their_agency(browser_as, lead, overdue):
    page = text(browser_as(lead.supervisor).get("/dashboard/"))

    assert f"{lead.agency.name}: dashboard" in page
    assert "1 open cases (1 led by your agency)" in page
    assert "1 overdue tasks" in page


def test_each_chart_is_an_svg_image_with_a_title_and_its_figures_in_words(browser_as, lead, overdue):
    html = browser_as(lead.supervisor).get("/dashboard/").content.decode()

    assert '<svg viewBox="0 0 720 ' in html
    assert 'role="img" aria-labelledby="chart-overdue-title chart-overdue-desc"' in html
    assert f"{lead.caseworker.get_full_name()}: 1." in html


@pytest.mark.parametrize("role", ["caseworker", "liaison"])
def test_other_roles_may_not_open_the_dashboard(browser_as, lead, role):
    assert browser_as(getattr(lead, role)).get("/dashboard/").status_code == 403


def test_an_invalid_period_is_explained_on_its_field_and_the_rest_of_the_page_stays(
    browser_as, lead, overdue
):
    response = browser_as(lead.supervisor).get("/dashboard/", {"since": "2026-03-02", "until": "2026-03-01"})

    page = text(response)
    last = timezone.localdate()
    first = last - timedelta(days=29)
    assert response.status_code == 400
    assert 'id="id_until_error">Must not be before since.' in response.content.decode()
    assert (
        "That period cannot be shown (see the fields above). "
        f"Showing {format_day(first)} to {format_day(last)} instead." in page
    )
    assert "1 overdue tasks" in page
    assert 'aria-labelledby="chart-overdue-title chart-overdue-desc"' in response.content.decode()


def test_a_date_that_is_not_a_date_is_explained_on_its_field(browser_as, lead):
    response = browser_as(lead.supervisor).get("/dashboard/", {"since": "yesterday", "until": "2026-03-01"})

    assert response.status_code == 400
    assert 'id="id_since_error">Enter a valid date.' in response.content.decode()
    assert "Caseload per worker" in text(response)


def test_period_presets_offer_7_and_30_days_this_quarter_and_the_last(browser_as, lead):
    today = timezone.localdate()
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last_end = quarter - timedelta(days=1)
    last_start = date(last_end.year, 3 * ((last_end.month - 1) // 3) + 1, 1)

    html = browser_as(lead.supervisor).get("/dashboard/").content.decode()

    expected = [
        ("Last 7 days", today - timedelta(days=6), today),
        ("Last 30 days", today - timedelta(days=29), today),
        ("This quarter", quarter, today),
        ("Last quarter", last_start, last_end),
    ]
    for label, first, last in expected:
        current = ' aria-current="true"' if label == "Last 30 days" else ""
        assert (
            f'<a href="/dashboard/?since={first:%Y-%m-%d}&amp;until={last:%Y-%m-%d}"{current}>{label}</a>'
            in html
        )


def test_a_preset_period_is_marked_as_the_one_shown(browser_as, lead):
    today = timezone.localdate()

    html = (
        browser_as(lead.supervisor)
        .get("/dashboard/", {"since": f"{today - timedelta(days=6):%Y-%m-%d}", "until": f"{today:%Y-%m-%d}"})
        .content.decode()
    )

    assert html.count('aria-current="true"') == 1
    assert 'aria-current="true">Last 7 days</a>' in html


def test_response_times_read_in_minutes_hours_or_days_as_fits(browser_as, lead, partner, case):
    now = timezone.now()
    for minutes in (20, 4 * 24 * 60):
        task = make_task(case=case, owner=lead.agency, title="Visit", due_at=now + timedelta(days=3))
        make_handoff(
            task=task,
            sender=lead,
            receiver=partner,
            created_at=now - timedelta(minutes=minutes + 1),
            status=HandoffStatus.DECLINED,
            responded_by=partner.liaison,
            responded_at=now - timedelta(minutes=1),
            response_note="Not ours.",
        )

    response = browser_as(lead.supervisor).get("/dashboard/")

    page = text(response)
    html = response.content.decode()
    # Median of 20 minutes and 4 days, and the 90th percentile, in days: the axis is in days too.
    assert f"{partner.agency.name} They did 2 0 2 0 2 days 3.6 days" in page
    assert "90th percentile 3.6 days" in html
    assert '<text class="chart-tick" x="600.0" y="84.0" text-anchor="middle">5 days</text>' in html


def test_a_statutory_deadline_never_met_still_shows_its_bar(browser_as, lead, case):
    template = DeadlineTemplate.objects.get(key="report-missing-child")
    make_task(
        case=case,
        owner=lead.agency,
        title="Report",
        due_at=timezone.now() - timedelta(hours=2),
        template=template,
    )

    html = browser_as(lead.supervisor).get("/dashboard/").content.decode()

    compliance = html[html.index('id="chart-compliance-title"') :]
    assert '<rect class="chart-bar-emphasis" x="220" y="23.0" width="3.0" height="22">' in compliance
    assert ">0 % of 1</text>" in compliance


def test_a_long_label_is_drawn_whole_on_several_lines(browser_as, lead, case):
    template = DeadlineTemplate.objects.get(key="report-missing-child")
    make_task(
        case=case,
        owner=lead.agency,
        title="Report",
        due_at=timezone.now() - timedelta(hours=2),
        template=template,
    )

    html = browser_as(lead.supervisor).get("/dashboard/").content.decode()

    assert ">Report missing child to</tspan>" in html
    assert ">law enforcement and</tspan>" in html
    assert ">NCMEC</tspan>" in html


def test_a_figure_downloads_as_csv_for_the_chosen_period(browser_as, lead, overdue):
    response = browser_as(lead.supervisor).get(
        "/dashboard/overdue.csv", {"since": "2026-03-01", "until": "2026-03-31"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="bridge-overdue-tasks-by-assignee-2026-03-01-to-2026-03-31.csv"'
    )
    header, row = response.content.decode("utf-8-sig").splitlines()
    assert header == "assignee,overdue_tasks,oldest_due_at (America/Chicago)"
    assert row.startswith(f"{lead.caseworker.get_full_name()},1,")


def test_csv_opens_in_excel_utf8_with_local_times_to_the_second(browser_as, lead, case):
    due = timezone.now().replace(microsecond=654321) + timedelta(hours=3)
    make_task(case=case, owner=lead.agency, title="Visite à l'école", due_at=due)

    content = browser_as(lead.supervisor).get("/dashboard/upcoming.csv").content

    assert content.startswith(b"\xef\xbb\xbf")
    header, row = content.decode("utf-8-sig").split("\r\n")[:2]
    local = timezone.localtime(due)
    assert header == "case_number,task,due_at (America/Chicago),priority,assignee,legal_source"
    assert row == f"{case.number},Visite à l'école,{local:%Y-%m-%d %H:%M:%S},normal,,"


def test_csv_cells_cannot_run_as_spreadsheet_formulas(browser_as, lead, case):
    make_task(
        case=case, owner=lead.agency, title="=HYPERLINK(evil)", due_at=timezone.now() + timedelta(hours=3)
    )

    rows = browser_as(lead.supervisor).get("/dashboard/upcoming.csv").content.decode("utf-8-sig").splitlines()

    assert rows[1].split(",")[:2] == [case.number, "'=HYPERLINK(evil)"]


def test_an_unknown_table_is_not_found(browser_as, lead):
    assert browser_as(lead.supervisor).get("/dashboard/secrets.csv").status_code == 404


def test_pending_handoffs_left_out_of_the_list_are_counted_with_a_link_to_the_desk(
    browser_as, lead, partner, shared_case, monkeypatch
):
    monkeypatch.setattr("casework.dashboard.PENDING_LIST_LIMIT", 1)
    for title in ("First", "Second"):
        task = make_task(
            case=shared_case, owner=partner.agency, title=title, due_at=timezone.now() + timedelta(days=3)
        )
        make_handoff(task=task, sender=partner, receiver=lead, created_at=timezone.now() - timedelta(hours=1))

    response = browser_as(lead.supervisor).get("/dashboard/")

    assert (
        "2 to your agency and 0 from it are pending; the most pressing 1 each way are listed here."
        in text(response)
    )
    assert 'href="/handoffs/">All handoffs on the handoffs desk</a>' in response.content.decode()
