"""Who lands where, what the navigation offers, and what every page promises the browser: no
caching of case data, no inline script or style (the content security policy)."""

import re

import pytest

from tests.web.conftest import text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "home"), [("caseworker", "/work/"), ("liaison", "/handoffs/"), ("supervisor", "/dashboard/")]
)
def test_each_role_starts_on_its_own_page(browser_as, lead, role, home):
    response = browser_as(getattr(lead, role)).get("/")

    assert (response.status_code, response["Location"]) == (302, home)


def test_an_agency_administrator_is_told_there_is_no_case_work_for_them(browser_as, lead):
    response = browser_as(lead.admin).get("/")

    assert response.status_code == 200
    assert "Your role does not work on cases, so Bridge shows you no case content." in text(response)


def test_an_agency_administrator_may_not_open_case_pages(browser_as, lead, case):
    response = browser_as(lead.admin).get("/work/")

    assert response.status_code == 403
    assert "Your role does not work on cases." in text(response)


def test_signing_in_is_required(browser_as):
    response = browser_as(None).get("/work/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/work/")


def test_an_htmx_request_without_a_session_sends_the_window_to_sign_in(browser_as):
    response = browser_as(None).post("/tasks/00000000-0000-0000-0000-000000000000/complete/", htmx=True)

    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/?next=/work/"


def test_only_supervisors_see_the_dashboard_in_the_navigation(browser_as, lead):
    supervisor = browser_as(lead.supervisor).get("/work/")
    liaison = browser_as(lead.liaison).get("/work/")

    assert 'href="/dashboard/"' in supervisor.content.decode()
    assert 'href="/dashboard/"' not in liaison.content.decode()


def test_pages_are_never_cached(browser_as, lead, case):
    response = browser_as(lead.caseworker).get(f"/cases/{case.pk}/")

    assert "no-store" in response["Cache-Control"]


def page_paths(case):
    return [
        "/work/",
        "/cases/",
        "/cases/new/",
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/sections/identity/",
        f"/cases/{case.pk}/sections/identity/edit/",
        f"/cases/{case.pk}/tasks/",
        f"/cases/{case.pk}/handoffs/",
        f"/cases/{case.pk}/events/",
        f"/cases/{case.pk}/timeline/",
        f"/cases/{case.pk}/sharing/",
        f"/cases/{case.pk}/disclosures/",
        "/handoffs/",
        "/dashboard/",
        "/notifications/",
    ]


def test_no_page_carries_inline_script_style_or_event_handlers(browser_as, lead, shared_case):
    browser = browser_as(lead.supervisor)
    for path in page_paths(shared_case):
        response = browser.get(path)
        html = response.content.decode()
        assert response.status_code == 200, path
        assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == [], path
        assert re.findall(r"<style\b", html) == [], path
        assert re.findall(r"\sstyle=", html) == [], path
        assert re.findall(r"\son[a-z]+=", html) == [], path


def test_a_form_without_its_csrf_token_gets_the_applications_page(lead, case):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(lead.caseworker)

    response = client.post(f"/cases/{case.pk}/notes/", {"section": "core", "body": "x"})

    assert response.status_code == 403
    assert "Please reload the page" in text(response)
    assert "<style" not in response.content.decode()


def test_the_usual_favicon_address_leads_to_the_icon_every_page_names(browser_as):
    icon = browser_as(None).get("/favicon.ico")
    sign_in_page = browser_as(None).get("/accounts/login/").content.decode()

    assert (icon.status_code, icon["Location"]) == (302, "/static/img/bridge.svg")
    assert '<link rel="icon" href="/static/img/bridge.svg" type="image/svg+xml">' in sign_in_page


def test_the_inbox_is_the_current_menu_item_on_the_inbox(browser_as, lead):
    html = browser_as(lead.caseworker).get("/notifications/").content.decode()

    assert '<a id="inbox-link" href="/notifications/" aria-current="page">' in html
    assert html.count('aria-current="page"') == 1


def test_the_badge_refresh_replaces_the_count_and_leaves_the_link_alone(browser_as, lead):
    html = browser_as(lead.caseworker).get("/notifications/badge/", htmx=True).content.decode()

    assert html.startswith('<span id="inbox-badge"')
    assert "inbox-link" not in html
