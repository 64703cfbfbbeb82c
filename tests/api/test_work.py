"""Tasks, handoffs, case events, notifications and deadline templates through the API."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from agencies.models import AgencyKind
from casework.models import Handoff, Task
from casework.services.tasks import task_create
from notifications.models import Notification
from notifications.services import notify
from tests.api.conftest import body, error_of
from tests.conftest import make_staff
from tests.factories import in_hours

pytestmark = pytest.mark.django_db

DUE = "2030-05-01T09:00:00-05:00"


def make_task(case, actor, **kwargs):
    return task_create(
        actor=actor, case=case, title=kwargs.pop("title", "Call school"), due_at=in_hours(48), **kwargs
    )


# --- tasks ----------------------------------------------------------------------------------


def test_creating_a_task_owned_by_the_callers_agency(api_as, shared_case, partner):
    response = api_as(partner.liaison).post(
        "tasks/",
        {
            "case": str(shared_case.pk),
            "title": "Interview the child",
            "due_at": DUE,
            "priority": "high",
            "assignee": str(partner.liaison.public_id),
        },
    )

    assert response.status_code == 201
    data = body(response)
    assert data["owner_agency"] == partner.agency.pk
    assert data["assignee"] == str(partner.liaison.public_id)
    assert data["due_at"] == "2030-05-01T14:00:00Z"
    assert data["case_number"] == shared_case.number
    assert data["template"] is None
    assert response.headers["ETag"] == '"1"'


def test_task_due_time_without_offset_is_400(api_as, case, lead):
    response = api_as(lead.caseworker).post(
        "tasks/", {"case": str(case.pk), "title": "Call", "due_at": "2030-05-01T09:00:00"}
    )

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "due_at": ["Give a date and time with its offset, e.g. 2026-05-01T09:00:00-05:00."]
    }


def test_task_on_an_invisible_case_is_404(api_as, case, unrelated):
    response = api_as(unrelated.liaison).post(
        "tasks/", {"case": str(case.pk), "title": "Call", "due_at": DUE}
    )

    assert response.status_code == 404
    assert not Task.objects.exists()


def test_assigning_a_member_of_another_agency_is_400(api_as, shared_case, lead, partner):
    response = api_as(lead.liaison).post(
        "tasks/",
        {
            "case": str(shared_case.pk),
            "title": "Call",
            "due_at": DUE,
            "assignee": str(partner.caseworker.public_id),
        },
    )

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"assignee": ["No active member of your agency with this id."]}


def test_task_list_filters(api_as, shared_case, lead):
    mine = make_task(shared_case, lead.caseworker, title="Mine", assignee=lead.caseworker)
    overdue = task_create(
        actor=lead.caseworker, case=shared_case, title="Late", due_at=timezone.now() - timedelta(hours=1)
    )
    api = api_as(lead.caseworker)

    assigned = body(api.get("tasks/", {"assignee": "me"}))["results"]
    late = body(api.get("tasks/", {"overdue": "true"}))["results"]
    by_case = body(api.get("tasks/", {"case": str(shared_case.pk)}))["results"]
    due_soon = body(api.get("tasks/", {"due_before": (timezone.now() + timedelta(hours=1)).isoformat()}))[
        "results"
    ]

    assert [row["id"] for row in assigned] == [str(mine.pk)]
    assert [row["id"] for row in late] == [str(overdue.pk)]
    assert [row["id"] for row in by_case] == [str(overdue.pk), str(mine.pk)]
    assert [row["id"] for row in due_soon] == [str(overdue.pk)]


def test_tasks_of_other_agencies_are_not_listed_or_found(api_as, shared_case, lead, partner):
    task = make_task(shared_case, lead.caseworker)
    api = api_as(partner.supervisor)

    assert body(api.get("tasks/"))["results"] == []
    assert api.get(f"tasks/{task.pk}/").status_code == 404


def test_task_patch_needs_if_match_and_detects_stale_edits(api_as, case, lead):
    task = make_task(case, lead.caseworker)
    api = api_as(lead.caseworker)

    missing = api.patch(f"tasks/{task.pk}/", {"title": "Call the school"})
    fresh = api.patch(f"tasks/{task.pk}/", {"title": "Call the school"}, **{"If-Match": '"1"'})
    stale = api.patch(f"tasks/{task.pk}/", {"title": "Call the principal"}, **{"If-Match": '"1"'})

    assert missing.status_code == 428
    assert fresh.status_code == 200
    assert body(fresh)["title"] == "Call the school"
    assert fresh.headers["ETag"] == '"2"'
    assert stale.status_code == 412
    task.refresh_from_db()
    assert task.title == "Call the school"


def test_completing_a_task(api_as, case, lead):
    task = make_task(case, lead.caseworker)

    response = api_as(lead.caseworker).post(f"tasks/{task.pk}/complete/")
    again = api_as(lead.caseworker).post(f"tasks/{task.pk}/complete/")

    assert response.status_code == 200
    assert body(response)["status"] == "done"
    assert body(response)["completed_at"] is not None
    assert again.status_code == 409


# --- handoffs -------------------------------------------------------------------------------


def test_handoff_is_proposed_and_accepted(api_as, shared_case, lead, partner):
    task = make_task(shared_case, lead.caseworker)

    proposed = api_as(lead.caseworker).post(
        "handoffs/", {"task": str(task.pk), "to_agency": partner.agency.pk, "note": "Yours", "urgent": True}
    )
    handoff_id = body(proposed)["id"]
    incoming = body(api_as(partner.liaison).get("handoffs/", {"direction": "incoming"}))["results"]
    accepted = api_as(partner.liaison).post(
        f"handoffs/{handoff_id}/accept/", {"assignee": str(partner.caseworker.public_id)}
    )

    assert proposed.status_code == 201
    assert body(proposed)["status"] == "pending"
    assert body(proposed)["urgent"] is True
    assert [row["id"] for row in incoming] == [handoff_id]
    assert accepted.status_code == 200
    assert body(accepted)["status"] == "accepted"
    assert body(accepted)["responded_by"] == str(partner.liaison.public_id)
    task.refresh_from_db()
    assert (task.owner_agency, task.assignee) == (partner.agency, partner.caseworker)


def test_decline_needs_a_reason(api_as, shared_case, lead, partner):
    task = make_task(shared_case, lead.caseworker)
    handoff_id = body(
        api_as(lead.caseworker).post("handoffs/", {"task": str(task.pk), "to_agency": partner.agency.pk})
    )["id"]

    missing = api_as(partner.liaison).post(f"handoffs/{handoff_id}/decline/", {})
    declined = api_as(partner.liaison).post(
        f"handoffs/{handoff_id}/decline/", {"reason": "Not our jurisdiction"}
    )
    accept_after = api_as(partner.liaison).post(f"handoffs/{handoff_id}/accept/", {})

    assert missing.status_code == 400
    assert error_of(missing)["fields"] == {"reason": ["This field is required."]}
    assert declined.status_code == 200
    assert body(declined)["response_note"] == "Not our jurisdiction"
    assert accept_after.status_code == 409


def test_receiving_caseworker_may_not_answer(api_as, shared_case, lead, partner):
    task = make_task(shared_case, lead.caseworker)
    handoff = body(
        api_as(lead.caseworker).post("handoffs/", {"task": str(task.pk), "to_agency": partner.agency.pk})
    )

    response = api_as(partner.caseworker).post(f"handoffs/{handoff['id']}/accept/", {})

    assert response.status_code == 404
    assert Handoff.objects.get(pk=handoff["id"]).status == "pending"


def test_sender_withdraws(api_as, shared_case, lead, partner):
    task = make_task(shared_case, lead.caseworker)
    handoff = body(
        api_as(lead.caseworker).post("handoffs/", {"task": str(task.pk), "to_agency": partner.agency.pk})
    )

    response = api_as(lead.caseworker).post(f"handoffs/{handoff['id']}/withdraw/")

    assert response.status_code == 200
    assert body(response)["status"] == "withdrawn"


def test_handoff_needs_exactly_one_of_task_or_case(api_as, shared_case, lead, partner):
    response = api_as(lead.liaison).post("handoffs/", {"to_agency": partner.agency.pk})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["task"]


def test_lead_handoff_through_case(api_as, shared_case, lead, partner):
    response = api_as(lead.liaison).post(
        "handoffs/", {"case": str(shared_case.pk), "to_agency": partner.agency.pk}
    )

    assert response.status_code == 201
    assert (body(response)["kind"], body(response)["task"]) == ("lead", None)


def test_unknown_handoff_direction_is_400(api_as, lead):
    response = api_as(lead.liaison).get("handoffs/", {"direction": "sideways"})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["direction"]


# --- handoffs that bring a new agency onto the case (issue 12, finding 2) ----------------------


@pytest.fixture
def hsi():
    return make_staff(kind=AgencyKind.IMMIGRATION, name="HSI Houston")


@pytest.fixture
def proposed(api_as, shared_case, partner, hsi):
    """The penetration test's request: the police liaison on a CPS-led case hands its task to HSI."""
    task = make_task(shared_case, partner.liaison, title="Trace the trafficker's phone")
    response = api_as(partner.liaison).post("handoffs/", {"task": str(task.pk), "to_agency": hsi.agency.pk})
    assert response.status_code == 201
    return body(response)


def test_a_handoff_to_an_agency_not_on_the_case_is_created_awaiting_approval(proposed):
    assert (proposed["status"], proposed["approved_by"], proposed["approved_at"]) == (
        "awaiting_approval",
        None,
        None,
    )


def test_the_receiving_agency_gets_not_found_and_empty_lists_while_it_awaits_approval(api_as, proposed, hsi):
    api = api_as(hsi.liaison)
    for params in ({}, {"direction": "incoming"}, {"status": "awaiting_approval"}):
        assert body(api.get("handoffs/", params))["results"] == []
    for action in ("accept", "decline", "approve", "withdraw"):
        assert api.post(f"handoffs/{proposed['id']}/{action}/", {"reason": "x"}).status_code == 404
    assert api.get(f"tasks/{proposed['task']}/").status_code == 404
    assert body(api.get("notifications/"))["results"] == []


def test_the_lead_agency_lists_it_as_incoming_and_approves_it(api_as, proposed, lead, hsi):
    incoming = body(
        api_as(lead.liaison).get("handoffs/", {"direction": "incoming", "status": "awaiting_approval"})
    )
    approved = api_as(lead.liaison).post(f"handoffs/{proposed['id']}/approve/")

    assert [row["id"] for row in incoming["results"]] == [proposed["id"]]
    assert approved.status_code == 200
    assert (body(approved)["status"], body(approved)["approved_by"]) == (
        "pending",
        str(lead.liaison.public_id),
    )
    received = body(api_as(hsi.liaison).get("handoffs/", {"direction": "incoming"}))["results"]
    assert [row["id"] for row in received] == [proposed["id"]]
    assert api_as(hsi.liaison).post(f"handoffs/{proposed['id']}/accept/", {}).status_code == 200


def test_approving_twice_is_a_conflict(api_as, proposed, lead):
    api_as(lead.liaison).post(f"handoffs/{proposed['id']}/approve/")

    response = api_as(lead.supervisor).post(f"handoffs/{proposed['id']}/approve/")

    assert response.status_code == 409
    assert error_of(response)["message"] == "This handoff no longer awaits approval: it is pending."


def test_the_sender_may_not_approve_its_own_handoff(api_as, proposed, partner):
    response = api_as(partner.liaison).post(f"handoffs/{proposed['id']}/approve/")

    assert response.status_code == 403
    assert Handoff.objects.get(pk=proposed["id"]).status == "awaiting_approval"


def test_the_lead_agency_declines_through_decline_with_a_reason(api_as, proposed, lead):
    missing = api_as(lead.liaison).post(f"handoffs/{proposed['id']}/decline/", {})
    declined = api_as(lead.liaison).post(
        f"handoffs/{proposed['id']}/decline/", {"reason": "HSI is not needed on this case"}
    )

    assert missing.status_code == 400
    assert declined.status_code == 200
    assert (body(declined)["status"], body(declined)["responded_by"]) == (
        "declined",
        str(lead.liaison.public_id),
    )


def test_the_sender_withdraws_a_handoff_awaiting_approval(api_as, proposed, partner):
    response = api_as(partner.liaison).post(f"handoffs/{proposed['id']}/withdraw/")

    assert (response.status_code, body(response)["status"]) == (200, "withdrawn")


# --- case events ----------------------------------------------------------------------------


def test_recording_an_event_lists_the_tasks_it_created(api_as, case, lead):
    occurred = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)

    response = api_as(lead.caseworker).post(
        f"cases/{case.pk}/events/",
        {"type": "sex_trafficking_identified", "occurred_at": occurred.isoformat()},
    )

    assert response.status_code == 201
    data = body(response)
    assert data["type"] == "sex_trafficking_identified"
    assert [(t["template"], t["due_at"], t["owner_agency"]) for t in data["tasks"]] == [
        ("report-sex-trafficking-victim", "2026-03-02T15:00:00Z", lead.agency.pk)
    ]


def test_events_in_unreadable_sections_are_absent(api_as, shared_case, lead, partner):
    api_as(lead.caseworker).post(
        f"cases/{shared_case.pk}/events/",
        {"type": "removed_from_home", "occurred_at": "2026-03-01T09:00:00-06:00"},
    )
    api_as(lead.caseworker).post(
        f"cases/{shared_case.pk}/events/",
        {"type": "missing_reported", "occurred_at": "2026-03-02T09:00:00-06:00"},
    )

    lead_types = [
        row["type"] for row in body(api_as(lead.liaison).get(f"cases/{shared_case.pk}/events/"))["results"]
    ]
    partner_response = api_as(partner.liaison).get(f"cases/{shared_case.pk}/events/")

    assert lead_types == ["missing_reported", "removed_from_home"]
    assert [row["type"] for row in body(partner_response)["results"]] == ["missing_reported"]
    assert b"removed_from_home" not in partner_response.content


def test_unknown_event_type_is_400(api_as, case, lead):
    response = api_as(lead.caseworker).post(
        f"cases/{case.pk}/events/", {"type": "abducted_by_aliens", "occurred_at": "2026-03-01T09:00:00Z"}
    )

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["type"]


# --- notifications and templates ------------------------------------------------------------


def test_handoff_notifies_the_receiving_liaison_and_read_marks_it(api_as, shared_case, lead, partner):
    task = make_task(shared_case, lead.caseworker)
    api_as(lead.caseworker).post("handoffs/", {"task": str(task.pk), "to_agency": partner.agency.pk})
    api = api_as(partner.liaison)

    unread = body(api.get("notifications/", {"unread": "true"}))["results"]
    marked = api.post(f"notifications/{unread[0]['id']}/read/")

    assert [(row["case_number"], row["task"]) for row in unread] == [(shared_case.number, str(task.pk))]
    assert marked.status_code == 200
    assert body(marked)["read_at"] is not None
    assert body(api.get("notifications/", {"unread": "true"}))["results"] == []


def test_a_notice_about_accounts_has_no_case(api_as, lead):
    notify(recipients=[lead.supervisor], kind="case_role_granted", case=None, message="A new account.")

    [row] = body(api_as(lead.supervisor).get("notifications/"))["results"]

    assert (row["kind"], row["case"], row["case_number"], row["message"]) == (
        "case_role_granted",
        None,
        None,
        "A new account.",
    )


def test_someone_elses_notification_is_404(api_as, shared_case, lead, partner):
    task = make_task(shared_case, lead.caseworker)
    api_as(lead.caseworker).post("handoffs/", {"task": str(task.pk), "to_agency": partner.agency.pk})
    notification = Notification.objects.get(recipient=partner.liaison)

    response = api_as(partner.supervisor).post(f"notifications/{notification.pk}/read/")

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_read_all_marks_every_unread_notification(api_as, shared_case, lead, partner):
    for title in ("A", "B"):
        task = make_task(shared_case, lead.caseworker, title=title)
        api_as(lead.caseworker).post("handoffs/", {"task": str(task.pk), "to_agency": partner.agency.pk})

    response = api_as(partner.liaison).post("notifications/read-all/")

    assert response.status_code == 204
    assert not Notification.objects.filter(recipient=partner.liaison, read_at__isnull=True).exists()


def test_deadline_templates_are_listed_with_their_legal_source(api_as, lead):
    rows = body(api_as(lead.caseworker).get("deadline-templates/"))["results"]

    ncic = next(row for row in rows if row["key"] == "enter-missing-child-ncic")
    assert (ncic["trigger"], ncic["offset"], ncic["owner_kind"], ncic["legal_source"]) == (
        "missing_reported",
        "PT2H",
        "law_enforcement",
        "34 U.S.C. 41308",
    )


def test_completing_a_task_with_its_outcome(api_as, case, lead):
    task = make_task(case, lead.caseworker)

    response = api_as(lead.caseworker).post(f"tasks/{task.pk}/complete/", {"outcome": "Called the school."})

    assert (response.status_code, body(response)["outcome"]) == (200, "Called the school.")


def test_completing_a_statutory_task_without_an_outcome_is_a_field_error(api_as, case, lead):
    recorded = api_as(lead.caseworker).post(
        f"cases/{case.pk}/events/",
        {"type": "sex_trafficking_identified", "occurred_at": "2026-03-01T09:00:00-06:00"},
    )
    task_id = body(recorded)["tasks"][0]["id"]

    response = api_as(lead.caseworker).post(f"tasks/{task_id}/complete/", {})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["outcome"]


def test_reopening_a_task_with_a_reason(api_as, case, lead):
    task = make_task(case, lead.caseworker)
    api_as(lead.caseworker).post(f"tasks/{task.pk}/complete/", {"outcome": "Called."})

    missing = api_as(lead.caseworker).post(f"tasks/{task.pk}/reopen/", {})
    reopened = api_as(lead.caseworker).post(f"tasks/{task.pk}/reopen/", {"reason": "Nobody answered."})

    assert missing.status_code == 400
    assert (reopened.status_code, body(reopened)["status"], body(reopened)["outcome"]) == (200, "open", "")


def test_the_sender_reads_a_task_it_handed_off_and_may_not_write_it(api_as, shared_case, lead, partner):
    task = make_task(shared_case, lead.caseworker)
    handoff = api_as(lead.caseworker).post(
        "handoffs/", {"task": str(task.pk), "to_agency": partner.agency.pk}
    )
    api_as(partner.liaison).post(f"handoffs/{body(handoff)['id']}/accept/", {})
    sender = api_as(lead.caseworker)

    seen = sender.get(f"tasks/{task.pk}/")
    patched = sender.patch(f"tasks/{task.pk}/", {"title": "Ours"}, **{"If-Match": '"2"'})
    completed = sender.post(f"tasks/{task.pk}/complete/", {})

    assert (seen.status_code, body(seen)["owner_agency"], body(seen)["status"]) == (
        200,
        partner.agency.pk,
        "open",
    )
    assert (patched.status_code, completed.status_code) == (403, 403)
