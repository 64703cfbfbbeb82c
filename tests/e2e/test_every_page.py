"""What a person sees on every page, in a real Chromium: a header that stays on one row on a laptop
and fits a tablet, the current menu item marked and visibly focused from the keyboard, a favicon,
Bridge's own error pages, and no console error when a form answers in place."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import TABLET, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
# What a long but real agency name looks like; the header must not wrap for it.
LONG_AGENCY_NAME = "Harris County Department of Family and Protective Services, Region 6 North"
FOCUS_YELLOW = "rgb(255, 221, 0)"
INK = "rgb(27, 31, 36)"


@pytest.fixture
def long_named_lead(lead):
    lead.agency.name = LONG_AGENCY_NAME
    lead.agency.save(update_fields=["name"])
    return lead


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_the_header_stays_on_one_row_on_a_laptop(page, long_named_lead):
    page.set_viewport_size(LAPTOP)
    sign_in(page, long_named_lead.supervisor)

    header = box(page, ".site-header")
    nav_link = box(page, ".main-nav a")
    sign_out = box(page, ".account button")
    assert header["height"] < 2 * nav_link["height"]
    assert {round(item["y"]) for item in (nav_link, sign_out)} == {round(nav_link["y"])}
    assert sign_out["x"] + sign_out["width"] <= LAPTOP["width"]
    who = page.locator(".who")
    assert LONG_AGENCY_NAME in who.get_attribute("title")
    assert page.get_by_role("link", name="Dashboard").is_visible()


def test_the_header_fits_a_tablet_with_every_control_in_reach(page, long_named_lead):
    page.set_viewport_size(TABLET)
    sign_in(page, long_named_lead.supervisor)

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    controls = page.locator(".main-nav a, .account > a, .account button")
    assert controls.count() == 10
    for index in range(controls.count()):
        control = controls.nth(index).bounding_box()
        assert control["x"] >= 0
        assert control["x"] + control["width"] <= TABLET["width"]
        assert control["height"] >= 44
    assert box(page, ".site-header")["height"] < 3 * box(page, ".main-nav a")["height"]


def test_the_current_menu_item_is_marked_and_visibly_focused_from_the_keyboard(page, lead):
    sign_in(page, lead.caseworker)
    page.goto("/cases/")
    current = page.locator('.main-nav a[aria-current="page"]')
    assert current.inner_text() == "Cases"

    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-current')") == "page":
            break

    assert page.evaluate("document.activeElement.textContent.trim()") == "Cases"
    style = current.evaluate(
        "link => { const s = getComputedStyle(link); return [s.backgroundColor, s.color, s.boxShadow]; }"
    )
    assert style[:2] == [FOCUS_YELLOW, INK]
    assert FOCUS_YELLOW in style[2]


def test_the_inbox_stays_the_current_item_when_its_count_refreshes(page, lead):
    page.clock.install()
    sign_in(page, lead.caseworker)
    page.goto("/notifications/")
    inbox = page.locator("#inbox-link")
    expect(inbox).to_have_attribute("aria-current", "page")

    with page.expect_response(re.compile(r"/notifications/badge/")):
        page.clock.run_for(31_000)

    expect(inbox).to_have_attribute("aria-current", "page")
    expect(inbox.locator(".badge")).to_have_text("0")


def test_an_event_form_answered_in_place_logs_no_console_error_when_a_field_carries_a_style(
    page, watch, lead, case
):
    """Autofill, a browser extension or a screenshot tool leaves a `style` attribute on a field;
    htmx used to copy it onto the field it swapped in, which the content security policy refused
    with a console error. The page fixture fails the test on any console error."""
    watch.expect(r"Failed to load resource: the server responded with a status of 400")
    sign_in(page, lead.caseworker)
    page.goto(f"/cases/{case.pk}/events/")
    page.locator("#id_occurred_at").evaluate("field => { field.style.outline = '1px solid red'; }")
    page.locator("#id_hearing_at").evaluate(
        "field => { field.style.outline = 'none'; field.style.outline = ''; }"
    )

    page.get_by_label("What happened").select_option("missing_reported")
    later = timezone.localtime() + timedelta(days=1)
    page.get_by_label("When it happened").fill(later.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Record the event").click()

    expect(
        page.get_by_text("An event cannot have happened in the future: give the time it happened.")
    ).to_be_visible()
    assert page.locator("[style]").count() == 0


def test_the_favicon_is_named_by_every_page_and_served_at_its_usual_address(page):
    page.goto("/accounts/login/")
    icon = page.locator('link[rel="icon"]').get_attribute("href")

    named = page.request.get(icon)
    usual = page.request.get("/favicon.ico")

    assert (named.status, named.headers["content-type"]) == (200, "image/svg+xml")
    assert (usual.status, usual.url, usual.body()) == (200, named.url, named.body())


def test_a_missing_page_is_bridges_own_page_with_its_styles(page, watch, lead):
    watch.expect(r"Failed to load resource: the server responded with a status of 404")
    sign_in(page, lead.caseworker)

    response = page.goto("/no-such-page/")

    assert response.status == 404
    assert page.get_by_role("heading", name="Not found").is_visible()
    assert page.evaluate("document.styleSheets[0].cssRules.length") > 100
    assert page.locator(".site-header").evaluate("header => getComputedStyle(header).display") == "flex"
