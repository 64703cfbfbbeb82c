"""A caseworker's day in a real Chromium (issue 13): everything overdue first on My work, handoffs
that carry their context and leave the waiting list when answered, and a note that says who will
read it before it is saved."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from casework.models import DeadlineTemplate, HandoffStatus, Task
from casework.services.handoffs import handoff_create
from casework.services.tasks import task_create
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_my_work_opens_on_everything_overdue_including_unassigned_statutory_work(page, lead, case):
    template = DeadlineTemplate.objects.get(key="report-missing-child")
    unassigned = task_create(
        actor=lead.liaison, case=case, title=template.name, due_at=timezone.now() + timedelta(hours=1)
    )
    Task.objects.filter(pk=unassigned.pk).update(
        template=template, due_at=timezone.now() - timedelta(hours=5)
    )
    task_create(
        actor=lead.caseworker,
        case=case,
        title="Call the school counsellor",
        due_at=timezone.now() + timedelta(days=3),
        assignee=lead.caseworker,
    )

    sign_in(page, lead.caseworker)

    overdue = page.get_by_role("region", name=re.compile("^Overdue"))
    assert overdue.locator("h2 .count").inner_text() == "1"
    assert "Report missing child to law enforcement and NCMEC" in overdue.inner_text()
    assert "Unassigned" in overdue.inner_text()
    assert "Deadline set by law: 42 U.S.C. 671(a)(35)(B)" in overdue.inner_text()
    # The first task on the page, above the caseworker's own work that is not yet due.
    first = page.locator("main h3").first.inner_text()
    assert first == "Report missing child to law enforcement and NCMEC"
    overdue.get_by_role("button", name=re.compile("^Take it on")).click()
    overdue.get_by_text("It is yours now.").wait_for()
    assert Task.objects.get(pk=unassigned.pk).assignee_id == lead.caseworker.pk


def offer(*, lead, partner, case, title):
    task = task_create(
        actor=lead.caseworker,
        case=case,
        title=title,
        description="Flyers at the bus station on Main Street.",
        priority="high",
        due_at=timezone.now() + timedelta(days=1),
    )
    return handoff_create(
        actor=lead.caseworker, task=task, to_agency=partner.agency, note="Can your team take this?"
    )


def test_a_handoff_carries_its_context_and_leaves_the_waiting_list_once_answered(
    page, lead, partner, shared_case
):
    accepted = offer(lead=lead, partner=partner, case=shared_case, title="Canvass the last-seen area")
    declined = offer(lead=lead, partner=partner, case=shared_case, title="Interview the neighbours")

    sign_in(page, partner.liaison)

    waiting = page.get_by_role("region", name=re.compile("^Waiting for your agency's answer"))
    card = page.locator(f"#handoff-{accepted.pk}")
    assert (
        card.get_by_role("link", name=shared_case.number).get_attribute("href") == f"/cases/{shared_case.pk}/"
    )
    assert card.get_by_role("link", name="Canvass the last-seen area").get_attribute("href") == (
        f"/tasks/{accepted.task_id}/"
    )
    context = card.inner_text()
    for shown in (
        "Task due",
        "High priority",
        "Flyers at the bus station on Main Street.",
        "Can your team take this?",
    ):
        assert shown in context
    assert waiting.locator("h2 .count").inner_text() == "2"

    card.get_by_role("button", name=re.compile("^Accept")).click()
    answered = page.locator(f"#handoff-{accepted.pk}-answered")
    answered.get_by_text("Accepted. The work is your agency's now.").wait_for()
    assert waiting.locator("h2 .count").inner_text() == "1"
    assert waiting.get_by_role("button", name=re.compile("^Accept Canvass")).count() == 0
    past = page.get_by_role("region", name=re.compile("^Answered and closed"))
    assert "Canvass the last-seen area" in past.inner_text()

    row = page.locator(f"#handoff-{declined.pk}")
    row.get_by_text("Decline…").click()
    row.get_by_label("Reason").fill("No officers free this week")
    row.get_by_role("button", name=re.compile("^Decline")).click()
    page.locator(f"#handoff-{declined.pk}-answered").get_by_text(
        "Declined. The sending agency has been told why."
    ).wait_for()
    assert waiting.locator("h2 .count").inner_text() == "0"
    assert "No officers free this week" in past.inner_text()
    assert page.url.endswith("/handoffs/")

    answered.get_by_role("link", name=re.compile("^Go to the task")).click()
    page.wait_for_url(f"**/tasks/{accepted.task_id}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Canvass the last-seen area"
    accepted.refresh_from_db()
    declined.refresh_from_db()
    assert (accepted.status, declined.status) == (HandoffStatus.ACCEPTED, HandoffStatus.DECLINED)


def test_a_note_says_who_will_read_it_and_a_long_one_is_collapsed_and_wraps(page, lead, partner, shared_case):
    sign_in(page, lead.caseworker)
    page.goto(f"/cases/{shared_case.pk}/sections/location/")

    box = page.get_by_role("textbox", name="Note:")
    readers = page.locator("#note-readers")
    assert readers.inner_text() == (
        "Visible to: Harris County CPS (your agency). An agency given this section later will read it too."
    )
    assert box.get_attribute("aria-describedby") == "note-readers"
    # Houston Police Department takes part in the case but does not read `location`.
    assert "Houston Police Department" not in readers.inner_text()

    pasted_link = "https://example.org/records/" + "0123456789" * 30
    lines = [f"Visit {number}: the placement is stable." for number in range(12)]
    box.fill("\n".join([*lines, pasted_link]))
    page.get_by_role("button", name="Add note").click()
    page.get_by_text("Note added.").wait_for()

    note = page.locator("article.note").first
    assert note.locator(".long-text-preview").inner_text().startswith("Visit 0: the placement is stable.")
    assert not note.get_by_text(pasted_link).is_visible()
    note.get_by_text("Show all").click()
    assert note.get_by_text(pasted_link, exact=False).is_visible()
    assert not note.locator(".long-text-preview").is_visible()
    page.set_viewport_size({"width": 768, "height": 1024})
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
