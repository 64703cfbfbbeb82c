"""The browser workspaces in a real Chromium against a live server: a caseworker records an event,
a liaison of another agency accepts a handoff, a supervisor reads the dashboard, an unrelated
agency gets not-found, and a section the viewer may not read is nowhere in the page."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.models import DeadlineTemplate, HandoffStatus, Task
from casework.services.handoffs import handoff_accept, handoff_create
from casework.services.notes import note_add
from casework.services.tasks import task_create
from notifications.services import notify
from tests.e2e.conftest import enrol_second_factor, sign_in, snap
from tests.factories import open_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_sign_in_page_shows_the_system_use_notice(page):
    page.goto("/accounts/login/")

    notice = page.locator("#system-use-notice")
    assert "monitored, recorded and subject to audit" in notice.inner_text()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    snap(page, "sign-in")


def test_a_caseworker_opens_a_case_and_records_an_event(page, lead, case):
    secret = enrol_second_factor(lead.caseworker)
    task_create(
        actor=lead.caseworker,
        case=case,
        title="Call the school counsellor",
        due_at=timezone.now() - timedelta(hours=2),
        assignee=lead.caseworker,
    )

    sign_in(page, lead.caseworker, second_factor=secret)

    assert page.url.endswith("/work/")
    overdue = page.get_by_role("region", name="Overdue").inner_text()
    assert "Call the school counsellor" in overdue
    assert "(2 h overdue)" in overdue
    snap(page, "my-work")

    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_label("Case number, pseudonym or name").fill(case.number)
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/cases/?search=*")
    snap(page, "case-search")
    page.get_by_role("link", name=case.number).click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert page.get_by_role("heading", name=f"Case {case.number}").is_visible()
    snap(page, "case-overview")

    page.get_by_role("link", name="Location").click()
    assert "12 Elm Street" in page.locator("dl.fields").inner_text()
    snap(page, "case-section")

    page.get_by_role("link", name="Events").click()
    page.get_by_label("What happened").select_option("missing_reported")
    occurred = timezone.localtime() - timedelta(minutes=30)
    page.get_by_label("When it happened").fill(occurred.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Record the event").click()

    created = page.locator("#created-tasks")
    created.wait_for()
    assert "Report missing child to law enforcement and NCMEC" in created.inner_text()
    assert "42 U.S.C. 671(a)(35)(B)" in created.inner_text()
    # Recorded in place: the address did not change and focus moved to the result.
    assert page.url.endswith(f"/cases/{case.pk}/events/")
    assert page.evaluate("document.activeElement.id") == "event-recorded"
    assert Task.objects.filter(case=case, template__key="report-missing-child").count() == 1
    snap(page, "case-events")


def test_a_liaison_of_another_agency_accepts_a_handoff(page, lead, partner, shared_case):
    task = task_create(
        actor=lead.caseworker,
        case=shared_case,
        title="Canvass the last-seen area",
        due_at=timezone.now() + timedelta(days=1),
    )
    handoff = handoff_create(
        actor=lead.caseworker, task=task, to_agency=partner.agency, note="Can your team take this?"
    )

    sign_in(page, partner.liaison)

    assert page.url.endswith("/handoffs/")
    row = page.locator(f"#handoff-{handoff.pk}")
    assert "Can your team take this?" in row.inner_text()
    snap(page, "handoffs")

    row.get_by_label("Assign to").select_option(label=f"{partner.caseworker.get_full_name()} (Caseworker)")
    row.get_by_role("button", name=re.compile("^Accept")).click()

    page.get_by_text("Accepted. The work is your agency's now.").wait_for()
    handoff.refresh_from_db()
    task.refresh_from_db()
    assert (handoff.status, task.owner_agency_id, task.assignee_id) == (
        HandoffStatus.ACCEPTED,
        partner.agency.pk,
        partner.caseworker.pk,
    )
    assert page.url.endswith("/handoffs/")


def test_a_supervisor_reads_the_dashboard(page, lead, partner, shared_case):
    late = task_create(
        actor=lead.caseworker,
        case=shared_case,
        title="Overdue visit",
        due_at=timezone.now() + timedelta(hours=1),
    )
    Task.objects.filter(pk=late.pk).update(
        due_at=timezone.now() - timedelta(hours=3), assignee=lead.caseworker
    )
    offered = task_create(
        actor=lead.caseworker, case=shared_case, title="Interview", due_at=timezone.now() + timedelta(days=2)
    )
    handoff_create(actor=lead.caseworker, task=offered, to_agency=partner.agency, urgent=True)

    sign_in(page, lead.supervisor)

    assert page.url.endswith("/dashboard/")
    assert page.get_by_role("heading", name=f"{lead.agency.name}: dashboard").is_visible()
    assert page.locator(".figure", has_text="overdue tasks").locator(".value").inner_text() == "1"
    assert (
        page.locator(".figure", has_text="handoffs your agency is waiting on").locator(".value").inner_text()
        == "1"
    )
    assert page.locator("svg[role=img]").count() == 3
    snap(page, "dashboard")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^Download CSV\W+overdue tasks by assignee")).click()
    content = Path(download_info.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == "assignee,overdue_tasks,oldest_due_at (America/Chicago)"
    assert lines[1].startswith(f"{lead.caseworker.get_full_name()},1,")


def test_a_supervisor_picks_a_period_and_reads_every_label_whole(page, watch, lead, case):
    missed = DeadlineTemplate.objects.get(key="report-missing-child")
    Task.objects.create(
        case=case,
        owner_agency=lead.agency,
        title="Report",
        template=missed,
        due_at=timezone.now() - timedelta(hours=5),
    )
    sign_in(page, lead.supervisor)

    page.get_by_role("navigation", name="Periods").get_by_role("link", name="Last 7 days").click()
    today = timezone.localdate()
    page.wait_for_url(f"**/dashboard/?since={today - timedelta(days=6):%Y-%m-%d}&until={today:%Y-%m-%d}")
    assert page.get_by_role("link", name="Last 7 days").get_attribute("aria-current") == "true"

    # Every label is inside its chart, and the 0 % bar can be seen.
    for chart in page.locator("figure.chart svg").all():
        left = chart.bounding_box()["x"]
        for label in chart.locator("text.chart-label").all():
            assert label.bounding_box()["x"] >= left
    compliance = page.locator("#compliance-heading + figure svg")
    lines = [line.text_content() for line in compliance.locator("text.chart-label tspan").all()]
    assert lines == ["Report missing child to", "law enforcement and", "NCMEC"]
    assert compliance.locator("rect.chart-bar-emphasis").bounding_box()["width"] >= 2

    # A period that ends before it starts is explained next to it; the figures stay.
    watch.expect(r"Failed to load resource: the server responded with a status of 400")
    page.get_by_label("From").fill(f"{today:%Y-%m-%d}")
    page.get_by_label("To (inclusive)").fill(f"{today - timedelta(days=3):%Y-%m-%d}")
    page.get_by_role("button", name="Show period").click()
    page.locator("#period-fallback").wait_for()
    assert page.locator("#id_until_error").inner_text() == "Must not be before since."
    assert page.locator(".figure", has_text="overdue tasks").locator(".value").inner_text() == "1"


def test_a_liaison_filters_sorts_and_searches_the_case_list(page, lead, case):
    quiet = open_case(actor=lead.caseworker, pseudonym="Q.Q.")
    late = open_case(
        actor=lead.caseworker,
        pseudonym="L.M.",
        sections={"identity": {"legal_name": "Lucía Martínez", "aliases": ["Lulu"]}},
    )
    for hours in (2, 30):
        Task.objects.create(
            case=late, owner_agency=lead.agency, title="Visit", due_at=timezone.now() - timedelta(hours=hours)
        )
    Task.objects.create(
        case=case, owner_agency=lead.agency, title="Call", due_at=timezone.now() - timedelta(hours=1)
    )
    sign_in(page, lead.liaison)
    page.get_by_role("link", name="Cases", exact=True).click()

    page.get_by_label("Has overdue tasks").check()
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/cases/?overdue=on")
    rows = page.locator("table.case-list tbody tr")
    assert rows.count() == 2
    assert quiet.number not in page.locator("table.case-list").inner_text()

    page.get_by_role("link", name=re.compile("^Overdue")).click()
    page.wait_for_url(re.compile(r"/cases/\?(?=.*overdue=on)(?=.*sort=-overdue)"))
    assert page.locator("th", has_text="Overdue").get_attribute("aria-sort") == "descending"
    assert rows.first.locator("td").first.inner_text().startswith(late.number)
    assert rows.first.locator("td.number").inner_text() == "2"

    # Typing searches in place; the address keeps the filters and order, never the words typed.
    page.get_by_label("Case number, pseudonym or name").fill("lucia")
    page.locator("#case-results", has_text="Name matches").wait_for()
    page.wait_for_url(re.compile(r"search="))
    assert "lucia" not in page.url.lower()
    assert "overdue=on" in page.url
    assert "sort=-overdue" in page.url
    assert rows.count() == 1

    page.reload()
    assert page.get_by_label("Case number, pseudonym or name").input_value() == "lucia"
    assert page.get_by_label("Has overdue tasks").is_checked()
    assert rows.count() == 1


def test_a_user_of_an_unrelated_agency_gets_not_found_for_the_case(page, watch, unrelated, case):
    watch.expect(r"Failed to load resource: the server responded with a status of 404")
    sign_in(page, unrelated.supervisor)

    response = page.goto(f"/cases/{case.pk}/")

    assert response.status == 404
    assert page.get_by_role("heading", name="Not found").is_visible()
    assert case.pseudonym not in page.content()
    snap(page, "not-found")


def test_a_section_the_viewer_may_not_read_appears_nowhere_in_the_page(page, lead, partner, shared_case):
    note_add(
        actor=lead.caseworker, case=shared_case, section="location", body="Placement moved to 4 Oak Lane."
    )
    sign_in(page, partner.liaison)

    for path in [
        "",
        "sections/identity/",
        "sections/investigation/",
        "events/",
        "timeline/",
        "tasks/",
        "sharing/",
    ]:
        page.goto(f"/cases/{shared_case.pk}/{path}")
        html = page.content().lower()
        for secret in ("12 elm street", "lee high", "4 oak lane", "foster_family", "location"):
            assert secret not in html, (path, secret)
    page.goto(f"/cases/{shared_case.pk}/")
    snap(page, "case-partner-view")


def test_the_inbox_count_updates_without_a_reload(page, lead, case):
    page.clock.install()
    sign_in(page, lead.caseworker)
    badge = page.locator("#inbox-link .badge")
    assert badge.inner_text() == "0"

    notify(recipients=[lead.caseworker], kind="test", case=case, message=f"Case {case.number}: please look.")
    page.clock.run_for(31_000)

    expect(badge).to_have_text("1")
    page.get_by_role("link", name=re.compile("^Inbox")).click()
    assert f"Case {case.number}: please look." in page.locator("main").inner_text()
    snap(page, "inbox")


def test_sharing_page_for_the_lead_liaison(page, lead, partner, shared_case):
    sign_in(page, lead.liaison)
    page.goto(f"/cases/{shared_case.pk}/sharing/")

    assert page.get_by_role("heading", name="Agencies taking part").is_visible()
    assert partner.agency.name in page.locator("main").inner_text()
    snap(page, "case-sharing")


def test_a_caseworker_marks_a_task_done_with_what_was_done(page, lead, case):
    task = task_create(
        actor=lead.caseworker,
        case=case,
        title="Call the school counsellor",
        due_at=timezone.now() + timedelta(hours=3),
        assignee=lead.caseworker,
    )

    sign_in(page, lead.caseworker)
    page.locator(f"#task-{task.pk}").get_by_role("link", name=re.compile("^Mark done")).click()
    form = page.locator(f"#task-{task.pk}-complete")
    form.get_by_label("What was done (optional)").fill("Spoke to Ms. Ortiz; she calls back Friday.")
    form.get_by_role("button", name="Mark done").click()

    row = page.locator(f"#task-{task.pk}")
    expect(row.get_by_text("Done.")).to_be_visible()
    assert page.url.endswith("/work/")
    page.goto(f"/tasks/{task.pk}/")
    assert "Spoke to Ms. Ortiz; she calls back Friday." in page.locator("#task-outcome").inner_text()


def test_the_sender_sees_a_handed_off_task_read_only(page, lead, partner, shared_case):
    task = task_create(
        actor=lead.caseworker,
        case=shared_case,
        title="Canvass the last-seen area",
        due_at=timezone.now() + timedelta(days=1),
    )
    handoff = handoff_create(actor=lead.caseworker, task=task, to_agency=partner.agency)
    handoff_accept(actor=partner.liaison, handoff=handoff, assignee=partner.caseworker)

    sign_in(page, lead.caseworker)
    page.goto(f"/tasks/{task.pk}/")

    assert f"Handed off to {partner.agency.name} on" in page.locator("#task-handed-off").inner_text()
    assert page.get_by_role("link", name=re.compile("^Mark done")).count() == 0
