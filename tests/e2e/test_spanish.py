"""Bridge in Spanish in a real Chromium, on the demo county (issue 19): a caseworker's My work, a
case page, a liaison's handoff desk and a supervisor's dashboard, each read in Spanish by someone
who chose it, with screenshots for the README (docs/screenshots/es-*.png)."""

import re

import pytest

from agencies.models import User
from casework.demo import DEMO_AGENCIES, DEMO_LANGUAGES, demo_load
from casework.models import Case
from tests.e2e.conftest import sign_in, snap
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(monkeypatch) -> None:
    """The demo county with the child welfare agency's staff reading Spanish from the start, so
    what Bridge told them while loading (inbox entries, emails) is in Spanish too."""
    monkeypatch.setitem(DEMO_LANGUAGES, "cps", "es")
    demo_load(password=PASSWORD)


def reads_spanish(page) -> None:
    """The page is in Spanish, and the longer Spanish words still fit the header's row."""
    assert page.locator("html").get_attribute("lang") == "es"
    for control in page.locator(".site-header a, .site-header button").all():
        right = page.evaluate("element => element.getBoundingClientRect().right", control.element_handle())
        assert right <= page.viewport_size["width"], control.inner_text()


def test_a_caseworker_works_in_spanish(page, demo):
    sign_in(page, User.objects.get(username="cps-caseworker"))

    page.goto("/work/")
    reads_spanish(page)
    assert page.get_by_role("heading", name=re.compile("^Mi trabajo")).is_visible()
    snap(page, "es-my-work")

    case = Case.objects.filter(lead_agency__name=DEMO_AGENCIES["cps"][0]).order_by("number").first()
    page.goto(f"/cases/{case.pk}/")
    reads_spanish(page)
    assert page.get_by_role("link", name="Cronología").count() >= 1
    snap(page, "es-case-overview")


def test_a_liaison_answers_handoffs_in_spanish(page, demo):
    sign_in(page, User.objects.get(username="cps-liaison"))

    page.goto("/handoffs/")
    reads_spanish(page)
    assert page.get_by_role("heading", name=re.compile("[Tt]raspasos")).first.is_visible()
    snap(page, "es-handoffs")


def test_a_supervisor_reads_the_dashboard_in_spanish(page, demo):
    sign_in(page, User.objects.get(username="cps-supervisor"))

    page.goto("/dashboard/")
    reads_spanish(page)
    assert page.get_by_role("heading", name=re.compile("panel")).first.is_visible()
    assert page.locator("svg[role=img]").count() >= 1
    snap(page, "es-dashboard")
