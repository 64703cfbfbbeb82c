"""The caseworker's home: tasks grouped by deadline with their legal source, cases, unread
notifications, and completing, taking on or handing off a task in place."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from casework.models import DeadlineTemplate, Handoff, HandoffStatus, Task, TaskStatus
from casework.services.tasks import task_create
from notifications.services import notify
from tests.factories import open_case
from tests.web.conftest import make_task, text

pytestmark = pytest.mark.django_db

# 10:00 in Chicago on a Tuesday.
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def group_titles(html: str, group: str) -> list[str]:
    section = html.split(f'id="group-{group}"', 1)[1].split("</section>", 1)[0]
    return [line.split(">", 1)[1].split("<", 1)[0] for line in section.split('<h3><a href="/tasks/')[1:]]


def test_my_tasks_are_grouped_overdue_today_this_week_and_later(frozen, browser_as, lead, case):
    def mine(title, due_in_hours):
        make_task(
            case=case,
            owner=lead.agency,
            title=title,
            due_at=NOW + timedelta(hours=due_in_hours),
            assignee=lead.caseworker,
        )

    mine("Two days late", -48)
    mine("Tonight", 10)
    mine("Thursday", 50)
    mine("Next month", 24 * 30)
    make_task(case=case, owner=lead.agency, title="Someone else's", due_at=NOW, assignee=lead.liaison)

    html = browser_as(lead.caseworker).get("/work/").content.decode()

    assert group_titles(html, "overdue") == ["Two days late"]
    assert group_titles(html, "today") == ["Tonight"]
    assert group_titles(html, "week") == ["Thursday"]
    assert group_titles(html, "later") == ["Next month"]


def group_count(html: str, group: str) -> str:
    heading = html.split(f'id="group-{group}"', 1)[1].split("</h2>", 1)[0]
    return heading.split('<span class="count">', 1)[1].split("<", 1)[0]


def test_overdue_unassigned_tasks_on_my_cases_come_first_with_mine(frozen, browser_as, lead, case):
    make_task(
        case=case,
        owner=lead.agency,
        title="Mine, late",
        due_at=NOW - timedelta(hours=1),
        assignee=lead.caseworker,
    )
    make_task(case=case, owner=lead.agency, title="Nobody's, later", due_at=NOW - timedelta(days=2))
    make_task(case=case, owner=lead.agency, title="Nobody's, not due", due_at=NOW + timedelta(days=2))

    response = browser_as(lead.caseworker).get("/work/")
    html = response.content.decode()

    assert group_titles(html, "overdue") == ["Nobody&#x27;s, later", "Mine, late"]
    assert group_count(html, "overdue") == "2"
    assert group_titles(html, "unassigned") == ["Nobody&#x27;s, not due"]
    assert html.index('id="group-overdue"') < html.index('id="group-today"')


def test_a_caseworker_is_not_shown_a_colleagues_overdue_task_as_theirs_to_act_on(
    frozen, browser_as, lead, case
):
    make_task(
        case=case,
        owner=lead.agency,
        title="The liaison's",
        due_at=NOW - timedelta(hours=1),
        assignee=lead.liaison,
    )

    response = browser_as(lead.caseworker).get("/work/")
    html = response.content.decode()

    assert group_count(html, "overdue") == "0"
    assert "Nothing overdue." in text(response)


def test_overdue_unassigned_work_on_a_case_i_do_not_work_on_is_not_on_my_desk(frozen, browser_as, lead, case):
    other = open_case(actor=lead.liaison, pseudonym="Q.Q.")
    make_task(case=other, owner=lead.agency, title="Elsewhere", due_at=NOW - timedelta(hours=1))

    response = browser_as(lead.caseworker).get("/work/")
    html = response.content.decode()

    assert group_count(html, "overdue") == "0"
    assert "Elsewhere" not in html


def test_a_liaison_sees_every_overdue_task_of_the_agency_first(frozen, browser_as, lead, case):
    other = open_case(actor=lead.supervisor, pseudonym="Q.Q.")
    make_task(
        case=case,
        owner=lead.agency,
        title="Caseworker's",
        due_at=NOW - timedelta(hours=3),
        assignee=lead.caseworker,
    )
    make_task(case=other, owner=lead.agency, title="Unassigned", due_at=NOW - timedelta(hours=2))
    make_task(
        case=case,
        owner=lead.agency,
        title="Liaison's",
        due_at=NOW - timedelta(hours=1),
        assignee=lead.liaison,
    )
    make_task(
        case=case,
        owner=lead.agency,
        title="Done",
        due_at=NOW - timedelta(hours=4),
        status=TaskStatus.DONE,
        completed_at=NOW,
    )

    response = browser_as(lead.liaison).get("/work/")
    html = response.content.decode()

    assert group_titles(html, "overdue") == ["Caseworker&#x27;s", "Unassigned", "Liaison&#x27;s"]
    assert f"Assigned to {lead.caseworker.get_full_name()}" in text(response)


def test_the_overdue_count_counts_every_overdue_task_when_only_the_first_are_listed(
    frozen, browser_as, lead, case, monkeypatch
):
    monkeypatch.setattr("web.selectors.OVERDUE_LIMIT", 2)
    for hours in (1, 2, 3):
        make_task(case=case, owner=lead.agency, title=f"{hours} h late", due_at=NOW - timedelta(hours=hours))

    response = browser_as(lead.caseworker).get("/work/")
    html = response.content.decode()

    assert group_titles(html, "overdue") == ["3 h late", "2 h late"]
    assert group_count(html, "overdue") == "3"
    assert "The first 2 are shown." in text(response)
    assert "3 overdue tasks to act on; 0 open tasks assigned to you." in text(response)


def test_deadlines_read_as_time_left_or_overdue(frozen, browser_as, lead, case):
    make_task(
        case=case,
        owner=lead.agency,
        title="Late",
        due_at=NOW - timedelta(days=2, hours=1),
        assignee=lead.caseworker,
    )
    make_task(
        case=case,
        owner=lead.agency,
        title="Soon",
        due_at=NOW + timedelta(hours=3, minutes=5),
        assignee=lead.caseworker,
    )

    page = text(browser_as(lead.caseworker).get("/work/"))

    assert "Due Sun 8 Mar, 09:00 (2 days overdue)" in page
    assert "Due Tue 10 Mar, 13:05 (in 3 h)" in page


def test_a_task_from_a_statutory_template_shows_its_legal_source(frozen, browser_as, lead, case):
    template = DeadlineTemplate.objects.get(key="report-sex-trafficking-victim")
    make_task(
        case=case,
        owner=lead.agency,
        title=template.name,
        due_at=NOW + timedelta(hours=20),
        template=template,
        assignee=lead.caseworker,
    )

    assert "Deadline set by law: 42 U.S.C. 671(a)(34)(A)" in text(browser_as(lead.caseworker).get("/work/"))


def test_unassigned_tasks_of_my_agency_are_offered_to_take_on(browser_as, lead, case):
    task = make_task(case=case, owner=lead.agency, title="Nobody's yet", due_at=NOW + timedelta(days=400))

    html = browser_as(lead.caseworker).get("/work/").content.decode()

    assert group_titles(html, "unassigned") == ["Nobody&#x27;s yet"]
    assert f'action="/tasks/{task.pk}/claim/"' in html


def test_my_cases_are_those_i_work_on(browser_as, lead, case):
    open_case(actor=lead.liaison, pseudonym="Q.Q.")

    page = text(browser_as(lead.caseworker).get("/work/"))

    assert f"{case.number} · M.R." in page
    assert "Q.Q." not in page


def test_unread_notifications_are_listed_with_their_count(browser_as, lead, case):
    notify(
        recipients=[lead.caseworker],
        kind="test",
        case=case,
        message=f"Case {case.number}: something to read.",
    )

    page = text(browser_as(lead.caseworker).get("/work/"))

    assert "Unread notifications 1" in page
    assert f"Case {case.number}: something to read." in page


def test_completing_a_task_in_place_returns_its_row_marked_done(browser_as, lead, case):
    task = task_create(
        actor=lead.caseworker,
        case=case,
        title="Call school",
        due_at=NOW + timedelta(days=400),
        assignee=lead.caseworker,
    )

    response = browser_as(lead.caseworker).post(f"/tasks/{task.pk}/complete/", htmx=True)

    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith(f'<li class="card card-done" id="task-{task.pk}">')
    assert "Done." in text(response)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_completing_without_htmx_goes_back_to_the_page(browser_as, lead, case):
    task = task_create(
        actor=lead.caseworker, case=case, title="Call school", due_at=NOW + timedelta(days=400)
    )

    response = browser_as(lead.caseworker).post(f"/tasks/{task.pk}/complete/", {"next": "/work/"})

    assert (response.status_code, response["Location"]) == (302, "/work/")


def test_another_agencys_task_cannot_be_completed(browser_as, lead, partner, shared_case):
    task = task_create(
        actor=lead.caseworker, case=shared_case, title="Ours", due_at=NOW + timedelta(days=400)
    )

    response = browser_as(partner.liaison).post(f"/tasks/{task.pk}/complete/", htmx=True)

    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_taking_on_an_unassigned_task_assigns_it_to_me(browser_as, lead, case):
    task = task_create(actor=lead.liaison, case=case, title="Nobody's", due_at=NOW + timedelta(days=400))

    response = browser_as(lead.caseworker).post(
        f"/tasks/{task.pk}/claim/", {"version": task.version}, htmx=True
    )

    assert response.status_code == 200
    assert "It is yours now." in text(response)
    task.refresh_from_db()
    assert task.assignee == lead.caseworker


def test_the_handoff_form_opens_in_place_without_my_own_agency(browser_as, lead, partner, case):
    task = task_create(actor=lead.caseworker, case=case, title="Canvass", due_at=NOW + timedelta(days=400))

    response = browser_as(lead.caseworker).get(f"/tasks/{task.pk}/handoff/", htmx=True)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<form")
    assert f'<option value="{partner.agency.pk}">{partner.agency.name}</option>' in html
    assert f'<option value="{lead.agency.pk}">' not in html


def test_handing_off_in_place_creates_a_pending_handoff(browser_as, lead, partner, shared_case):
    task = task_create(
        actor=lead.caseworker, case=shared_case, title="Canvass", due_at=NOW + timedelta(days=400)
    )

    response = browser_as(lead.caseworker).post(
        f"/tasks/{task.pk}/handoff/",
        {"to_agency": partner.agency.pk, "note": "Can you?", "urgent": "on"},
        htmx=True,
    )

    assert response.status_code == 200
    assert f"Offered to {partner.agency.name}; they are asked to answer." in text(response)
    handoff = Handoff.objects.get(task=task)
    assert (handoff.status, handoff.to_agency, handoff.urgent, handoff.note) == (
        HandoffStatus.PENDING,
        partner.agency,
        True,
        "Can you?",
    )


def test_a_handoff_without_an_agency_is_shown_again_where_it_was_opened(browser_as, lead, case):
    task = task_create(actor=lead.caseworker, case=case, title="Canvass", due_at=NOW + timedelta(days=400))

    response = browser_as(lead.caseworker).post(f"/tasks/{task.pk}/handoff/", {"note": "x"}, htmx=True)

    assert response.status_code == 400
    assert response["HX-Retarget"] == f"#task-{task.pk}-handoff"
    assert response["HX-Reswap"] == "innerHTML"
    assert "This field is required." in text(response)
    assert not Handoff.objects.filter(task=task).exists()


def test_a_second_handoff_of_the_same_task_is_a_conflict(browser_as, lead, partner, unrelated, case):
    task = task_create(actor=lead.caseworker, case=case, title="Canvass", due_at=NOW + timedelta(days=400))
    browser = browser_as(lead.caseworker)
    browser.post(f"/tasks/{task.pk}/handoff/", {"to_agency": partner.agency.pk}, htmx=True)

    response = browser.post(f"/tasks/{task.pk}/handoff/", {"to_agency": unrelated.agency.pk}, htmx=True)

    assert response.status_code == 409
    assert "A handoff of this task is already pending." in text(response)
    assert Task.objects.get(pk=task.pk).handoffs.count() == 1


def test_a_supervisor_reassigns_a_task_from_its_page(browser_as, lead, case):
    task = task_create(
        actor=lead.caseworker,
        case=case,
        title="Visit",
        due_at=NOW + timedelta(days=400),
        assignee=lead.caseworker,
    )

    response = browser_as(lead.supervisor).post(
        f"/tasks/{task.pk}/assign/", {"assignee": str(lead.liaison.public_id), "version": task.version}
    )

    assert (response.status_code, response["Location"]) == (302, f"/tasks/{task.pk}/")
    task.refresh_from_db()
    assert task.assignee == lead.liaison


def test_a_caseworker_is_not_offered_reassignment(browser_as, lead, case):
    task = task_create(
        actor=lead.caseworker,
        case=case,
        title="Visit",
        due_at=NOW + timedelta(days=400),
        assignee=lead.caseworker,
    )

    html = browser_as(lead.caseworker).get(f"/tasks/{task.pk}/").content.decode()

    assert f"/tasks/{task.pk}/assign/" not in html
