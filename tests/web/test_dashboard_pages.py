"""The supervisor dashboard page, its charts and its CSV downloads."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.web.conftest import make_task, text

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


def test_an_invalid_period_is_shown_on_the_form(browser_as, lead):
    response = browser_as(lead.supervisor).get("/dashboard/", {"since": "2026-03-02", "until": "2026-03-01"})

    assert response.status_code == 400
    assert "Must not be before since." in text(response)


def test_a_figure_downloads_as_csv_for_the_chosen_period(browser_as, lead, overdue):
    response = browser_as(lead.supervisor).get(
        "/dashboard/overdue.csv", {"since": "2026-03-01", "until": "2026-03-31"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="bridge-overdue-tasks-by-assignee-2026-03-01-to-2026-03-31.csv"'
    )
    header, row = response.content.decode().splitlines()
    assert header == "assignee,overdue_tasks,oldest_due_at"
    assert row.startswith(f"{lead.caseworker.get_full_name()},1,")


def test_csv_cells_cannot_run_as_spreadsheet_formulas(browser_as, lead, case):
    make_task(
        case=case, owner=lead.agency, title="=HYPERLINK(evil)", due_at=timezone.now() + timedelta(hours=3)
    )

    rows = browser_as(lead.supervisor).get("/dashboard/upcoming.csv").content.decode().splitlines()

    assert rows[1].split(",")[:2] == [case.number, "'=HYPERLINK(evil)"]


def test_an_unknown_table_is_not_found(browser_as, lead):
    assert browser_as(lead.supervisor).get("/dashboard/secrets.csv").status_code == 404
