"""Derived records carry their section (issue 12, finding 3; DOMAIN.md "Deadlines and reminders").

The penetration test found that tasks a case event creates revealed the section the event
belongs to: on a police-led case, child welfare records `sijs_candidate_identified` and police's
task list and timeline showed the SIJ tasks, owned by police; HSI held "Renew Continued Presence"
without the immigration section. These tests replay those scenarios through the API, the pages,
the timeline and the reminder sweep, and check who each template's tasks go to.

Expectations come from DOMAIN.md, written out here, never asked of `casework.access`.
"""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import IntegrityError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from agencies.models import AgencyKind, Role
from audit.models import AuditRecord
from casework.models import (
    HEARING_EVENT_TYPES,
    CaseEvent,
    DeadlineTemplate,
    SectionGrant,
    Task,
    TimelineEvent,
)
from casework.services.breakglass import break_glass_open
from casework.services.events import case_event_record
from casework.services.sharing import grant_revoke, participant_invite, team_member_add
from casework.services.tasks import task_complete, task_update
from casework.sweep import deadlines_sweep, stale_reason
from notifications.models import EmailDelivery, Notification, NotificationKind
from tests.api.conftest import Api, body, error_of
from tests.conftest import Staff, make_staff
from tests.factories import UserFactory, federal_deadline_templates, open_case
from tests.web.conftest import Browser, text

pytestmark = pytest.mark.django_db

DATE_OF_BIRTH = "2010-04-02"
SIJ_KEYS = {"file-sij-petition", "obtain-sij-predicate-order"}
MINUTE = timedelta(minutes=1)


@pytest.fixture(autouse=True)
def templates():
    federal_deadline_templates()


@pytest.fixture
def police(partner) -> Staff:
    return partner


@pytest.fixture
def welfare(lead) -> Staff:
    return lead


@pytest.fixture
def advocate() -> Staff:
    return make_staff(kind=AgencyKind.LEGAL_ADVOCATE, name="Gulf Coast Immigrant Legal Aid")


@pytest.fixture
def hsi() -> Staff:
    return make_staff(kind=AgencyKind.IMMIGRATION, name="HSI Houston")


def record(actor, case, event_type):
    hearing = {"hearing_at": (timezone.now() + timedelta(days=10)).isoformat()}
    return case_event_record(
        actor=actor,
        case=case,
        event_type=event_type,
        occurred_at=timezone.now() - timedelta(hours=1),
        details=hearing if event_type in HEARING_EVENT_TYPES else None,
    )


def staff_users(staff: Staff):
    return (staff.caseworker, staff.liaison, staff.supervisor)


def listed_task_ids(user) -> set[str]:
    response = Api(user).get("tasks/")
    assert response.status_code == 200
    return {task["id"] for task in body(response)["results"]}


def timeline_of(user, case) -> list[dict]:
    response = Api(user).get(f"cases/{case.pk}/timeline/")
    assert response.status_code == 200
    return body(response)["results"]


def sweep_past(tasks):
    """Run the sweep just after the latest of the tasks' due times: the due reminder (and, for
    earlier ones, an escalation) of each fires."""
    return deadlines_sweep(now=max(task.due_at for task in tasks) + MINUTE)


def heard_of(staff: Staff) -> tuple[int, int]:
    """(inbox entries, emails) the agency's people received."""
    users = [staff.caseworker, staff.liaison, staff.supervisor, staff.admin]
    return (
        Notification.objects.filter(recipient__in=users).count(),
        EmailDelivery.objects.filter(recipient__in=users).count(),
    )


# --- the pentest's scenario: SIJS candidate on a police-led case -------------------------------


@pytest.fixture
def police_led(police, welfare):
    """Police leads; child welfare (which holds immigration by default) takes part."""
    case = open_case(
        actor=police.caseworker, pseudonym="R.T.", sections={"identity": {"date_of_birth": DATE_OF_BIRTH}}
    )
    participant_invite(actor=police.liaison, case=case, agency=welfare.agency)
    team_member_add(actor=welfare.liaison, case=case, member=welfare.caseworker)
    return case


@pytest.fixture
def sijs_by_welfare(police_led, welfare):
    return record(welfare.caseworker, police_led, "sijs_candidate_identified").tasks


def test_sijs_tasks_recorded_by_child_welfare_on_a_police_led_case_go_to_child_welfare(
    sijs_by_welfare, welfare
):
    assert {(task.template.key, task.owner_agency, task.section) for task in sijs_by_welfare} == {
        ("file-sij-petition", welfare.agency, "immigration"),
        ("obtain-sij-predicate-order", welfare.agency, "immigration"),
    }


def test_child_welfare_holding_an_sijs_task_is_told_to_invite_a_legal_advocate(sijs_by_welfare):
    for task in sijs_by_welfare:
        assert task.description.startswith(
            "This is the work of a legal advocate agency, and none takes part in this case: "
            "invite one and hand this task off to it."
        )


def test_police_lists_no_sijs_task(sijs_by_welfare, police):
    for user in staff_users(police):
        assert listed_task_ids(user) == set()


def test_police_gets_not_found_for_each_sijs_task_in_the_api_and_on_the_task_page(sijs_by_welfare, police):
    for user in staff_users(police):
        for task in sijs_by_welfare:
            assert Api(user).get(f"tasks/{task.pk}/").status_code == 404
            assert Browser(user).get(f"/tasks/{task.pk}/").status_code == 404


def test_police_timeline_has_no_line_of_the_sijs_event_or_its_tasks(sijs_by_welfare, police, police_led):
    entries = timeline_of(police.liaison, police_led)
    assert [entry["kind"] for entry in entries if entry["kind"].startswith(("task", "case_event"))] == []
    assert not [entry for entry in entries if "SIJ" in entry["summary"]]


def test_child_welfare_sees_the_sijs_tasks_whole_and_their_timeline_lines(
    sijs_by_welfare, welfare, police_led
):
    ids = {str(task.pk) for task in sijs_by_welfare}
    assert listed_task_ids(welfare.liaison) == ids
    detail = body(Api(welfare.liaison).get(f"tasks/{sijs_by_welfare[0].pk}/"))
    assert (detail["section"], detail["restricted"], detail["template"]) == (
        "immigration",
        False,
        sijs_by_welfare[0].template.key,
    )
    created = [entry for entry in timeline_of(welfare.liaison, police_led) if entry["kind"] == "task_created"]
    assert {(entry["data"]["task"], entry["section"]) for entry in created} == {
        (task_id, "immigration") for task_id in ids
    }


def test_police_gets_no_notification_reminder_or_email_about_the_sijs_tasks(sijs_by_welfare, police, welfare):
    sweep_past(sijs_by_welfare)

    assert heard_of(police) == (0, 0)
    kinds = {
        user: list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))
        for user in (welfare.liaison, welfare.supervisor)
    }
    assert kinds == {
        welfare.liaison: [NotificationKind.TASK_DUE] * 2,
        welfare.supervisor: [NotificationKind.TASK_OVERDUE] * 2,
    }


def test_police_recording_the_sijs_event_is_not_shown_the_tasks_it_started(police_led, police, advocate):
    participant_invite(actor=police.liaison, case=police_led, agency=advocate.agency)
    response = Api(police.caseworker).post(
        f"cases/{police_led.pk}/events/",
        {"type": "sijs_candidate_identified", "occurred_at": timezone.now().isoformat()},
    )
    assert response.status_code == 201
    assert body(response)["tasks"] == []
    assert Task.objects.filter(case=police_led, section="immigration").count() == 2


def test_sijs_tasks_on_a_police_led_case_go_to_the_legal_advocate_taking_part(
    police_led, police, welfare, advocate
):
    participant_invite(actor=police.liaison, case=police_led, agency=advocate.agency)
    tasks = record(welfare.caseworker, police_led, "sijs_candidate_identified").tasks

    assert {(task.template.key, task.owner_agency) for task in tasks} == {
        ("file-sij-petition", advocate.agency),
        ("obtain-sij-predicate-order", advocate.agency),
    }
    assert not tasks[0].description.startswith("This is the work of")
    assert listed_task_ids(police.liaison) == set()
    assert listed_task_ids(welfare.liaison) == set()
    assert listed_task_ids(advocate.liaison) == {str(task.pk) for task in tasks}


# --- nobody on the case may hold it: the task waits --------------------------------------------


@pytest.fixture
def police_only(police):
    return open_case(
        actor=police.caseworker, pseudonym="K.O.", sections={"identity": {"date_of_birth": DATE_OF_BIRTH}}
    )


@pytest.fixture
def waiting(police_only, police):
    return record(police.caseworker, police_only, "sijs_candidate_identified").tasks


def test_sijs_tasks_nobody_on_the_case_may_read_wait_for_a_legal_advocate(waiting):
    assert {(task.template.key, task.owner_agency_id, task.awaits_kind) for task in waiting} == {
        ("file-sij-petition", None, "legal_advocate"),
        ("obtain-sij-predicate-order", None, "legal_advocate"),
    }


def test_the_lead_agencys_liaisons_are_asked_to_invite_a_legal_advocate_and_told_nothing_else(
    waiting, police, police_only
):
    (notice,) = Notification.objects.filter(recipient=police.liaison)
    assert (notice.kind, notice.task_id, notice.message) == (
        "task_waiting",
        None,
        f"Case {police_only.number}: 2 deadlines wait for a legal advocate agency to be invited: no agency "
        "taking part may take them. Please invite one.",
    )
    assert Notification.objects.filter(recipient__in=[police.caseworker, police.supervisor]).count() == 0


def test_the_lead_sees_that_deadlines_wait_and_no_task(waiting, police, police_only):
    lines = [
        (entry["kind"], entry["section"], entry["summary"])
        for entry in timeline_of(police.liaison, police_only)
        if entry["kind"].startswith("task")
    ]
    assert lines == [("task_waiting", "core", "2 deadlines wait for a legal advocate agency to be invited.")]
    assert listed_task_ids(police.liaison) == set()


def test_the_leads_sharing_page_says_which_agency_the_waiting_deadlines_need(waiting, police, police_only):
    page = text(Browser(police.liaison).get(f"/cases/{police_only.pk}/sharing/"))

    assert (
        "2 deadlines wait for a legal advocate agency to be invited: none taking part may take them." in page
    )
    assert "SIJ" not in page


def test_the_sharing_page_stops_saying_so_once_a_legal_advocate_joins(waiting, police, police_only, advocate):
    participant_invite(actor=police.liaison, case=police_only, agency=advocate.agency)
    page = text(Browser(police.liaison).get(f"/cases/{police_only.pk}/sharing/"))

    assert "wait for a legal advocate agency" not in page


def test_a_waiting_task_fires_no_reminder(waiting):
    result = sweep_past(waiting)

    assert result.reminders == 0
    assert Notification.objects.exclude(kind="task_waiting").count() == 0


def test_the_legal_advocate_that_joins_is_given_the_waiting_tasks(waiting, police, police_only, advocate):
    participant_invite(actor=police.liaison, case=police_only, agency=advocate.agency)

    given = Task.objects.filter(pk__in=[task.pk for task in waiting])
    assert set(given.values_list("owner_agency", "awaits_kind")) == {(advocate.agency.pk, "")}
    assert listed_task_ids(advocate.liaison) == {str(task.pk) for task in waiting}
    (notice,) = Notification.objects.filter(recipient=advocate.liaison)
    assert (notice.kind, notice.message) == (
        "task_given",
        f"Case {police_only.number}: 2 deadlines waiting for a legal advocate agency are now your agency's.",
    )
    lines = TimelineEvent.objects.filter(case=police_only, kind="task_given")
    assert {(line.section, tuple(line.agencies)) for line in lines} == {
        ("immigration", (advocate.agency.pk,))
    }


def test_tasks_given_on_joining_are_then_reminded_to_their_new_owner(waiting, police, police_only, advocate):
    participant_invite(actor=police.liaison, case=police_only, agency=advocate.agency)
    sweep_past(waiting)

    assert (
        Notification.objects.filter(recipient=advocate.liaison, kind=NotificationKind.TASK_DUE).count() == 2
    )
    assert heard_of(police)[0] == 1  # the request to invite, nothing since


def test_an_agency_of_another_kind_joining_does_not_take_the_waiting_tasks(
    waiting, police, police_only, welfare
):
    participant_invite(actor=police.liaison, case=police_only, agency=welfare.agency)

    assert set(Task.objects.filter(case=police_only).values_list("owner_agency", "awaits_kind")) == {
        (None, "legal_advocate")
    }


def test_readers_of_the_section_see_that_a_task_waits(waiting, police, police_only, welfare):
    participant_invite(actor=police.liaison, case=police_only, agency=welfare.agency)
    (event,) = body(Api(welfare.liaison).get(f"cases/{police_only.pk}/events/"))["results"]

    shown = {(task["template"], task["owner_agency"], task["awaits_kind"]) for task in event["tasks"]}
    assert shown == {
        ("file-sij-petition", None, "legal_advocate"),
        ("obtain-sij-predicate-order", None, "legal_advocate"),
    }


def test_the_otip_notification_nobody_may_read_waits_for_the_section_steward(police_only, police):
    tasks = record(police.caseworker, police_only, "foreign_national_minor_identified").tasks

    otip = next(task for task in tasks if task.template.key == "notify-hhs-otip-foreign-national-minor")
    assert (otip.owner_agency_id, otip.awaits_kind) == (None, "legal_advocate")


def test_the_database_refuses_a_task_neither_owned_nor_waiting(case):
    template = DeadlineTemplate.objects.get(key="file-sij-petition")
    with pytest.raises(IntegrityError):
        Task.objects.create(
            case=case, title="T", due_at=timezone.now(), template=template, section="immigration"
        )


def test_the_database_refuses_a_waiting_core_task(case):
    template = DeadlineTemplate.objects.get(key="enter-missing-child-ncic")
    with pytest.raises(IntegrityError):
        Task.objects.create(
            case=case, title="T", due_at=timezone.now(), template=template, awaits_kind="law_enforcement"
        )


# --- the pentest's scenario: HSI renews Continued Presence without the immigration section -----


@pytest.fixture
def renewal(case, welfare, hsi):
    participant_invite(actor=welfare.liaison, case=case, agency=hsi.agency)
    team_member_add(actor=hsi.liaison, case=case, member=hsi.caseworker)
    (task,) = record(welfare.caseworker, case, "continued_presence_granted").tasks
    return task


def test_continued_presence_renewal_goes_to_hsi_which_it_asks_without_immigration(renewal, hsi):
    assert (renewal.owner_agency, renewal.section) == (hsi.agency, "immigration")
    assert not SectionGrant.objects.filter(agency=hsi.agency, section="immigration").exists()


def test_hsi_sees_the_renewals_title_and_due_time_and_nothing_else_of_immigration(renewal, hsi):
    for user in staff_users(hsi):
        detail = body(Api(user).get(f"tasks/{renewal.pk}/"))
        listed = body(Api(user).get("tasks/"))["results"]
        assert listed == [detail]
        assert (detail["title"], parse_datetime(detail["due_at"])) == (
            "Renew Continued Presence",
            renewal.due_at,
        )
        assert detail["restricted"] is True
        assert {"description", "template", "event", "section"}.isdisjoint(detail)


def test_hsi_task_page_shows_neither_the_description_nor_the_deadline_it_comes_from(renewal, hsi):
    page = text(Browser(hsi.caseworker).get(f"/tasks/{renewal.pk}/"))

    assert "Renew Continued Presence" in page
    assert "Continued Presence lasts 2 years" not in page
    assert "7105(c)(3)" not in page
    assert "title and due time only" in page


def test_hsi_my_work_row_shows_no_legal_source_of_the_renewal(renewal, hsi):
    task_update(actor=hsi.supervisor, task=renewal, expected_version=renewal.version, assignee=hsi.caseworker)
    page = text(Browser(hsi.caseworker).get("/work/"))

    assert "Renew Continued Presence" in page
    assert "7105(c)(3)" not in page


def test_hsi_timeline_has_no_line_of_the_renewal(renewal, hsi, case):
    kinds = [entry["kind"] for entry in timeline_of(hsi.liaison, case)]
    assert "task_created" not in kinds
    assert "case_event_recorded" not in kinds


def test_hsi_is_reminded_of_the_renewal_without_its_title(renewal, hsi):
    sweep_past([renewal])

    (notice,) = Notification.objects.filter(recipient=hsi.liaison)
    assert notice.kind == NotificationKind.TASK_DUE
    assert "Continued Presence" not in notice.message


def test_hsi_supervisor_reading_immigration_by_break_glass_sees_the_renewal_whole(renewal, hsi, case):
    break_glass_open(
        actor=hsi.supervisor, case=case, section="immigration", reason="Child missing from shelter"
    )

    whole = body(Api(hsi.supervisor).get(f"tasks/{renewal.pk}/"))
    assert (whole["restricted"], whole["section"], whole["template"]) == (
        False,
        "immigration",
        "renew-continued-presence",
    )
    assert body(Api(hsi.caseworker).get(f"tasks/{renewal.pk}/"))["restricted"] is True


def test_child_welfare_which_reads_immigration_does_not_list_hsis_renewal(renewal, welfare):
    assert listed_task_ids(welfare.liaison) == set()


def test_hsi_may_not_rewrite_the_description_it_may_not_read(renewal, hsi):
    response = Api(hsi.supervisor).patch(
        f"tasks/{renewal.pk}/", {"description": "Done by us."}, **{"If-Match": f'"{renewal.version}"'}
    )

    assert response.status_code == 403
    renewal.refresh_from_db()
    assert renewal.description.startswith("Continued Presence lasts 2 years")


def test_hsi_may_still_move_the_renewals_due_time_and_complete_it(renewal, hsi):
    due_at = renewal.due_at - timedelta(days=7)
    moved = Api(hsi.supervisor).patch(
        f"tasks/{renewal.pk}/", {"due_at": due_at.isoformat()}, **{"If-Match": f'"{renewal.version}"'}
    )
    done = Api(hsi.caseworker).post(f"tasks/{renewal.pk}/complete/", {"outcome": "Renewal filed."})

    assert (moved.status_code, done.status_code, body(done)["status"]) == (200, 200, "done")


# --- handoffs: a task never goes to an agency that could not see it ----------------------------


@pytest.fixture
def welfare_sijs(shared_case, welfare):
    """On the shared case (child welfare leads, police takes part), child welfare holds the SIJ
    tasks: no legal advocate takes part."""
    return record(welfare.caseworker, shared_case, "sijs_candidate_identified").tasks


def hand_off(user, task, agency):
    return Api(user).post("handoffs/", {"task": str(task.pk), "to_agency": agency.pk})


def test_an_sijs_task_is_not_handed_to_police_on_the_case(welfare_sijs, welfare, police):
    response = hand_off(welfare.liaison, welfare_sijs[0], police.agency)

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "to_agency": ["This agency could not read the section this task belongs to."]
    }


def test_an_sijs_task_is_not_handed_to_police_not_yet_on_the_case(welfare_sijs, welfare):
    other_police = make_staff(kind=AgencyKind.LAW_ENFORCEMENT, name="Harris County Sheriff")
    response = hand_off(welfare.liaison, welfare_sijs[0], other_police.agency)

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["to_agency"]


def test_an_sijs_task_may_be_handed_to_a_legal_advocate_not_yet_on_the_case(welfare_sijs, welfare, advocate):
    assert hand_off(welfare.liaison, welfare_sijs[0], advocate.agency).status_code == 201


def test_hsi_may_hand_the_renewal_to_another_immigration_agency_but_not_to_police(renewal, hsi, police):
    other_hsi = make_staff(kind=AgencyKind.IMMIGRATION, name="HSI Dallas")
    assert hand_off(hsi.liaison, renewal, police.agency).status_code == 400
    assert hand_off(hsi.liaison, renewal, other_hsi.agency).status_code == 201


def test_an_agency_offered_an_immigration_task_sees_its_title_only_until_it_reads_immigration(
    welfare_sijs, welfare, advocate
):
    hand_off(welfare.liaison, welfare_sijs[0], advocate.agency)
    offered = body(Api(advocate.liaison).get(f"tasks/{welfare_sijs[0].pk}/"))

    assert (offered["title"], offered["restricted"]) == (welfare_sijs[0].title, True)
    assert "description" not in offered


# --- reading a task of a restricted section is a read of that section ---------------------------


def section_reads(user) -> list[tuple[str, str, str]]:
    records = AuditRecord.objects.filter(user=user, event_type="section.read").order_by("id")
    return [(record.section, record.object_id, record.detail["view"]) for record in records]


def test_reading_an_immigration_task_is_audited_as_a_read_of_immigration(
    sijs_by_welfare, welfare, police_led
):
    task = sijs_by_welfare[0]
    Api(welfare.liaison).get(f"tasks/{task.pk}/")
    Api(welfare.liaison).get("tasks/")
    Browser(welfare.liaison).get(f"/tasks/{task.pk}/")

    where = f"{police_led.pk}/immigration"
    assert section_reads(welfare.liaison) == [
        ("immigration", where, "task"),
        ("immigration", where, "tasks"),
        ("immigration", where, "task"),
    ]


def test_a_task_shown_by_title_only_records_no_read_of_its_section(renewal, hsi):
    Api(hsi.liaison).get(f"tasks/{renewal.pk}/")
    Browser(hsi.liaison).get(f"/tasks/{renewal.pk}/")

    assert section_reads(hsi.liaison) == []


# --- an owner that stops reading the section ---------------------------------------------------


@pytest.fixture
def revoked(case, welfare, advocate):
    """Child welfare recorded SIJS before a legal advocate joined, so holds the tasks; then the
    legal advocate, steward of immigration, revokes child welfare's immigration grant."""
    tasks = record(welfare.caseworker, case, "sijs_candidate_identified").tasks
    participant_invite(actor=welfare.liaison, case=case, agency=advocate.agency)
    grant = SectionGrant.objects.get(case=case, agency=welfare.agency, section="immigration", ended_at=None)
    return tasks, grant


def test_an_owner_that_loses_the_section_no_longer_sees_the_task_nor_is_reminded(revoked, welfare, advocate):
    tasks, grant = revoked
    grant_revoke(actor=advocate.liaison, grant=grant)

    assert listed_task_ids(welfare.liaison) == set()
    assert sweep_past(tasks).reminders == 0
    assert heard_of(welfare) == (0, 0)


def test_an_unsent_reminder_email_goes_stale_when_the_owner_loses_the_section(revoked, welfare, advocate):
    tasks, grant = revoked
    sweep_past(tasks)
    reminder = Notification.objects.filter(recipient=welfare.liaison, task=tasks[0]).first()
    assert stale_reason(reminder) == ""

    grant_revoke(actor=advocate.liaison, grant=grant)

    assert stale_reason(reminder) == "The task's agency may no longer see it."


# --- repeating templates and the dashboard -----------------------------------------------------


def test_the_next_task_of_a_repeating_template_keeps_the_section(case, welfare):
    DeadlineTemplate.objects.create(
        key="status-review",
        name="Review immigration status",
        trigger="interim_assistance_issued",
        offset_months=3,
        repeats=True,
        owner_kind="child_welfare",
        section="immigration",
        legal_source="Agency policy",
    )
    first = next(
        task
        for task in record(welfare.caseworker, case, "interim_assistance_issued").tasks
        if task.template.key == "status-review"
    )
    task_complete(actor=welfare.caseworker, task=first, outcome="Review held.")

    following = Task.objects.get(template__key="status-review", status="open")
    assert (following.section, following.owner_agency) == ("immigration", welfare.agency)
    line = TimelineEvent.objects.get(kind="task_created", data__task=str(following.pk))
    assert (line.section, line.agencies) == ("immigration", [welfare.agency.pk])


def test_the_dashboard_lists_the_renewal_for_hsi_without_its_legal_source(renewal, hsi):
    from casework.dashboard import dashboard_summary

    now = renewal.due_at - timedelta(days=1)
    summary = dashboard_summary(agency=hsi.agency, since=now - timedelta(days=30), until=now, now=now)

    assert [(item.title, item.legal_source) for item in summary.upcoming] == [
        ("Renew Continued Presence", None)
    ]


def test_the_dashboard_leaves_out_tasks_the_agency_may_no_longer_see(revoked, welfare, advocate):
    from casework.dashboard import dashboard_summary

    tasks, grant = revoked
    worker = UserFactory(agency=welfare.agency, role=Role.CASEWORKER)
    task_update(actor=welfare.supervisor, task=tasks[0], expected_version=tasks[0].version, assignee=worker)
    grant_revoke(actor=advocate.liaison, grant=grant)
    now = max(task.due_at for task in tasks) + timedelta(days=1)
    summary = dashboard_summary(agency=welfare.agency, since=now - timedelta(days=3650), until=now, now=now)

    assert (summary.overdue_by_assignee, summary.compliance) == ([], [])
    caseload = {row.user_id: (row.open_cases, row.open_tasks) for row in summary.caseload}
    assert caseload[worker.public_id] == (0, 0)


def test_the_dashboard_counts_a_case_through_a_task_the_agency_sees(revoked, welfare):
    from casework.dashboard import dashboard_summary

    tasks, _ = revoked
    worker = UserFactory(agency=welfare.agency, role=Role.CASEWORKER)
    task_update(actor=welfare.supervisor, task=tasks[0], expected_version=tasks[0].version, assignee=worker)
    now = timezone.now()
    summary = dashboard_summary(agency=welfare.agency, since=now - timedelta(days=30), until=now, now=now)

    caseload = {row.user_id: (row.open_cases, row.open_tasks) for row in summary.caseload}
    assert caseload[worker.public_id] == (1, 1)


# --- every shipped template, on a case where every kind takes part ------------------------------

# Who holds each shipped template's task when the lead child-welfare agency records its event on a
# case where one agency of each kind takes part with its default grants (DOMAIN.md: owner kinds,
# default grants, "Derived records carry their section"), the task's section, and whether the
# holder sees it whole (reads its section) or only its title and due time (the template asks
# something of it). Every other agency sees none of them.
EVERY_TEMPLATE = {
    "report-sex-trafficking-victim": ("sex_trafficking_identified", "lead", "core", "whole"),
    "report-missing-child": ("missing_reported", "lead", "core", "whole"),
    "enter-missing-child-ncic": ("missing_reported", "le", "core", "whole"),
    "notify-hhs-otip-foreign-national-minor": (
        "foreign_national_minor_identified",
        "lead",
        "immigration",
        "whole",
    ),
    "request-hhs-eligibility-letter": ("foreign_national_minor_identified", "legal", "immigration", "whole"),
    "file-sij-petition": ("sijs_candidate_identified", "legal", "immigration", "whole"),
    "obtain-sij-predicate-order": ("sijs_candidate_identified", "legal", "immigration", "whole"),
    "hhs-interim-assistance-ends": ("interim_assistance_issued", "legal", "immigration", "whole"),
    "file-i918-after-certification": ("u_visa_certified", "legal", "immigration", "whole"),
    "renew-continued-presence": ("continued_presence_granted", "imm", "immigration", "title"),
    "court-finding-reasonable-efforts": ("removed_from_home", "lead", "core", "whole"),
    "periodic-case-review": ("removed_from_home", "lead", "core", "whole"),
    "permanency-hearing": ("removed_from_home", "lead", "core", "whole"),
    "screen-returned-child": ("missing_located", "lead", "core", "whole"),
    # Victims' rights notices (issue 16): the prosecution agency's victim-witness coordinator.
    "notify-victim-defendant-released": ("defendant_released", "da", "investigation", "whole"),
    "notify-victim-defendant-escaped": ("defendant_escaped", "da", "investigation", "whole"),
    "notify-victim-public-proceeding": ("criminal_proceeding_scheduled", "da", "investigation", "whole"),
    "report-labor-trafficking-victim": ("labor_trafficking_identified", "lead", "core", "whole"),
    "screen-child-entering-care": ("removed_from_home", "lead", "core", "whole"),
    "screen-child-new-placement": ("placement_changed", "lead", "core", "whole"),
}
SLOTS = {
    "lead": AgencyKind.CHILD_WELFARE,
    "le": AgencyKind.LAW_ENFORCEMENT,
    "imm": AgencyKind.IMMIGRATION,
    "legal": AgencyKind.LEGAL_ADVOCATE,
    "vs": AgencyKind.VICTIM_SERVICES,
    "da": AgencyKind.PROSECUTION,
    "unrelated": AgencyKind.CHILD_WELFARE,
}
CALLERS = [(slot, role) for slot in SLOTS for role in (Role.CASEWORKER, Role.LIAISON, Role.SUPERVISOR)]


@pytest.fixture
def every_kind():
    staff = {slot: make_staff(kind=kind, name=f"{slot} agency") for slot, kind in SLOTS.items()}
    case = open_case(
        actor=staff["lead"].caseworker,
        pseudonym="E.K.",
        sections={"identity": {"date_of_birth": DATE_OF_BIRTH}},
    )
    for slot in ("le", "imm", "legal", "vs", "da"):
        participant_invite(actor=staff["lead"].liaison, case=case, agency=staff[slot].agency)
        team_member_add(actor=staff[slot].liaison, case=case, member=staff[slot].caseworker)
    for event_type in sorted({event for event, _, _, _ in EVERY_TEMPLATE.values()}):
        record(staff["lead"].caseworker, case, event_type)
    tasks = {task.template.key: task for task in Task.objects.filter(case=case).select_related("template")}
    return staff, case, tasks


def test_every_template_gives_its_task_and_section_as_domain_md_says(every_kind):
    staff, _, tasks = every_kind
    held = {key: (task.owner_agency, task.section) for key, task in tasks.items()}
    assert held == {
        key: (staff[holder].agency, section) for key, (_, holder, section, _) in EVERY_TEMPLATE.items()
    }


@pytest.mark.parametrize(("slot", "role"), CALLERS, ids=[f"{slot}-{role}" for slot, role in CALLERS])
def test_each_agency_sees_exactly_the_tasks_of_every_template_domain_md_gives_it(every_kind, slot, role):
    staff, case, tasks = every_kind
    user = staff[slot].by_role(role)
    views = {
        str(tasks[key].pk): view for key, (_, holder, _, view) in EVERY_TEMPLATE.items() if holder == slot
    }
    api, browser = Api(user), Browser(user)

    listed = {item["id"]: item["restricted"] for item in body(api.get("tasks/"))["results"]}
    assert listed == {task_id: view == "title" for task_id, view in views.items()}
    for key, task in tasks.items():
        detail, page = api.get(f"tasks/{task.pk}/"), browser.get(f"/tasks/{task.pk}/")
        view = views.get(str(task.pk))
        if view is None:
            assert (detail.status_code, page.status_code) == (404, 404), key
            continue
        assert (detail.status_code, page.status_code) == (200, 200), key
        assert ("description" in body(detail), "Legal source:" in text(page)) == (view == "whole",) * 2, key
    if slot == "unrelated":
        assert api.get(f"cases/{case.pk}/timeline/").status_code == 404
        return
    created = {entry["data"]["task"] for entry in timeline_of(user, case) if entry["kind"] == "task_created"}
    assert created == {task_id for task_id, view in views.items() if view == "whole"}


# --- the data migration ------------------------------------------------------------------------


def migration():
    return importlib.import_module("casework.migrations.0010_derived_records_carry_section")


def test_the_migration_names_the_federal_templates_sections_and_overlays_follow_theirs(case):
    federal = DeadlineTemplate.objects.get(key="file-sij-petition")
    overlay = DeadlineTemplate.objects.create(
        key="tx-file-sij-petition",
        name="File SIJ petition (Texas)",
        trigger=federal.trigger,
        anchor=federal.anchor,
        age_years=federal.age_years,
        offset_days=-60,
        owner_kind=federal.owner_kind,
        section="core",
        jurisdiction="TX",
        overrides=federal,
        legal_source="State practice",
    )
    DeadlineTemplate.objects.update(section="core", asks_owner=False)

    migration().set_template_sections(apps, None)

    sections = dict(DeadlineTemplate.objects.values_list("key", "section"))
    assert sections == {
        **{key: section for key, (_, _, section, _) in EVERY_TEMPLATE.items()},
        # Added by 0011 (issue 13), court work: core, which 0010 leaves as it found it.
        "court-hearing-child-welfare": "core",
        "court-hearing-legal-advocate": "core",
        # Added by 0022 and 0024 (issue 16), which 0010 leaves as it found them.
        "notify-victim-defendant-released": "core",
        "notify-victim-defendant-escaped": "core",
        "notify-victim-public-proceeding": "core",
        "case-plan-review": "core",
        overlay.key: "immigration",
    }
    assert list(DeadlineTemplate.objects.filter(asks_owner=True).values_list("key", flat=True)) == [
        "renew-continued-presence"
    ]


def _leaked_task(*, case, owner, recorder, key):
    """A task as the code before this migration wrote it: core, held by whoever it chose."""
    template = DeadlineTemplate.objects.get(key=key)
    event = CaseEvent.objects.create(
        case=case,
        type=template.trigger,
        occurred_at=timezone.now(),
        section="immigration",
        recorded_by=recorder.caseworker,
        recording_agency=recorder.agency,
    )
    task = Task.objects.create(
        case=case,
        title=template.name,
        owner_agency=owner.agency,
        assignee=owner.caseworker,
        due_at=timezone.now() + timedelta(days=30),
        template=template,
        event=event,
    )
    TimelineEvent.objects.create(
        case=case,
        kind="task_created",
        summary=f"Task created: {task.title}.",
        agencies=[owner.agency.pk],
        data={"task": str(task.pk)},
        occurred_at=timezone.now(),
    )
    return task


def test_the_migration_moves_an_sijs_task_police_held_to_child_welfare_which_reads_it(
    police_led, police, welfare
):
    task = _leaked_task(case=police_led, owner=police, recorder=welfare, key="file-sij-petition")

    migration().carry_sections_to_tasks(apps, None)

    task.refresh_from_db()
    assert (task.section, task.owner_agency, task.assignee, task.awaits_kind) == (
        "immigration",
        welfare.agency,
        None,
        "",
    )
    assert set(TimelineEvent.objects.filter(data__task=str(task.pk)).values_list("kind", "section")) == {
        ("task_created", "immigration"),
        ("task_given", "immigration"),
    }
    assert listed_task_ids(police.liaison) == set()


def test_the_migration_makes_a_task_nobody_may_hold_wait(police_only, police):
    task = _leaked_task(case=police_only, owner=police, recorder=police, key="obtain-sij-predicate-order")

    migration().carry_sections_to_tasks(apps, None)

    task.refresh_from_db()
    assert (task.owner_agency_id, task.awaits_kind) == (None, "legal_advocate")
    waiting = TimelineEvent.objects.get(case=police_only, kind="task_waiting")
    assert (waiting.section, waiting.agencies) == ("core", [police.agency.pk])


def test_the_migration_leaves_hsi_its_renewal(case, welfare, hsi):
    participant_invite(actor=welfare.liaison, case=case, agency=hsi.agency)
    task = _leaked_task(case=case, owner=hsi, recorder=welfare, key="renew-continued-presence")

    migration().carry_sections_to_tasks(apps, None)

    task.refresh_from_db()
    assert (task.section, task.owner_agency, task.assignee) == ("immigration", hsi.agency, hsi.caseworker)
