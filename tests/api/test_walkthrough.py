"""The whole API walked as an integrating agency would, with nothing set up but one platform
administrator: every other row comes from an API call, each new member sets their own password
through the link emailed to them, and every client signs in with a password for a token. An
unrelated agency probes each step and gets 404."""

import re

import pytest
from django.core import mail
from django.test import Client as Browser
from rest_framework.test import APIClient

from tests.api.conftest import API, body
from tests.factories import PlatformAdminFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase"


class Client:
    def __init__(self, username, password=PASSWORD):
        self.http = APIClient()
        response = self.http.post(
            f"{API}/auth/token/", {"username": username, "password": password}, format="json"
        )
        assert response.status_code == 200, response.content
        self.http.credentials(HTTP_AUTHORIZATION=f"Token {body(response)['token']}")

    def get(self, path, params=None):
        return self.http.get(f"{API}/{path}", params or {})

    def post(self, path, payload=None):
        return self.http.post(f"{API}/{path}", payload, format="json")

    def patch(self, path, payload, etag):
        return self.http.patch(f"{API}/{path}", payload, format="json", headers={"If-Match": etag})


def ok(response, status=200):
    assert response.status_code == status, response.content
    return body(response)


def set_own_password(username, password=PASSWORD):
    """What the new member does with their enrolment email: open the link, choose a password."""
    [message] = [m for m in mail.outbox if m.to == [f"{username}@example.org"]]
    [link] = re.findall(r"http://localhost:8000(/accounts/password/reset/key/\S+/)", message.body)
    browser = Browser()
    form = browser.get(link)
    browser.post(form.headers["Location"], {"password1": password, "password2": password})


def test_an_integrating_agency_walks_the_whole_api(django_capture_on_commit_callbacks):
    PlatformAdminFactory(username="platform", password="platform-passphrase-1")
    admin = Client("platform", "platform-passphrase-1")

    # The platform administrator creates the agencies and their people.
    cps = ok(
        admin.post("agencies/", {"name": "Harris County CPS", "kind": "child_welfare", "jurisdiction": "TX"}),
        201,
    )
    police = ok(
        admin.post("agencies/", {"name": "Houston PD", "kind": "law_enforcement", "jurisdiction": "TX"}), 201
    )
    other = ok(
        admin.post("agencies/", {"name": "Dallas County CPS", "kind": "child_welfare", "jurisdiction": "TX"}),
        201,
    )
    people = {
        "cps.worker": (cps, "caseworker"),
        "cps.liaison": (cps, "liaison"),
        "hpd.worker": (police, "caseworker"),
        "hpd.liaison": (police, "liaison"),
        "dallas.supervisor": (other, "supervisor"),
    }
    ids = {}
    for username, (agency, role) in people.items():
        with django_capture_on_commit_callbacks(execute=True):
            created = admin.post(
                "users/",
                {
                    "username": username,
                    "email": f"{username}@example.org",
                    "first_name": username.split(".")[1].title(),
                    "last_name": "Tester",
                    "agency": agency["id"],
                    "role": role,
                },
            )
        ids[username] = ok(created, 201)["id"]
        set_own_password(username)
    worker, liaison = Client("cps.worker"), Client("cps.liaison")
    police_liaison = Client("hpd.liaison")
    outsider = Client("dallas.supervisor")
    assert ok(worker.get("me/"))["agency"] == {
        "id": cps["id"],
        "name": "Harris County CPS",
        "kind": "child_welfare",
    }

    # A caseworker opens a case; the lead agency's liaison invites the police.
    case = ok(
        worker.post(
            "cases/",
            {
                "pseudonym": "M.R.",
                "age_band": "15-17",
                "identity": {"legal_name": "Maria Rivera", "date_of_birth": "2010-04-02"},
                "location": {"placement_type": "shelter", "address": "12 Elm Street"},
            },
        ),
        201,
    )
    case_path = f"cases/{case['id']}/"
    assert outsider.get(case_path).status_code == 404
    assert worker.post(f"{case_path}participants/", {"agency": police["id"]}).status_code == 403
    ok(liaison.post(f"{case_path}participants/", {"agency": police["id"]}), 201)
    assert outsider.get(f"{case_path}participants/").status_code == 404

    # The police see only their sections, and fill in the one they steward.
    seen = police_liaison.get(case_path)
    police_view = ok(seen)
    assert police_view["visible_sections"] == ["core", "identity", "investigation"]
    assert police_view["identity"]["legal_name"] == "Maria Rivera"
    assert "location" not in police_view
    assert b"12 Elm Street" not in seen.content
    ok(
        police_liaison.patch(
            case_path, {"investigation": {"summary": "Trafficker identified."}}, seen.headers["ETag"]
        )
    )
    assert outsider.patch(case_path, {"pseudonym": "X"}, '"2"').status_code == 404

    # The police record an event; its deadline templates create tasks for the right agencies.
    event = ok(
        police_liaison.post(
            f"{case_path}events/", {"type": "missing_reported", "occurred_at": "2026-03-01T08:00:00-06:00"}
        ),
        201,
    )
    assert sorted((task["template"], task["owner_agency"], task["due_at"]) for task in event["tasks"]) == [
        ("enter-missing-child-ncic", police["id"], "2026-03-01T16:00:00Z"),
        ("report-missing-child", cps["id"], "2026-03-02T14:00:00Z"),
    ]
    assert outsider.get(f"{case_path}events/").status_code == 404
    assert (
        outsider.post(
            f"{case_path}events/", {"type": "missing_located", "occurred_at": "2026-03-02T08:00:00Z"}
        ).status_code
        == 404
    )

    # The police create a task and hand it to the lead agency, whose liaison accepts it.
    task = ok(
        police_liaison.post(
            "tasks/",
            {
                "case": case["id"],
                "title": "Arrange forensic interview",
                "due_at": "2030-03-05T09:00:00-06:00",
            },
        ),
        201,
    )
    assert outsider.get(f"tasks/{task['id']}/").status_code == 404
    handoff = ok(
        police_liaison.post(
            "handoffs/", {"task": task["id"], "to_agency": cps["id"], "note": "Your interviewer"}
        ),
        201,
    )
    incoming = ok(liaison.get("handoffs/", {"direction": "incoming", "status": "pending"}))["results"]
    assert [row["id"] for row in incoming] == [handoff["id"]]
    assert outsider.post(f"handoffs/{handoff['id']}/accept/", {}).status_code == 404
    accepted = ok(liaison.post(f"handoffs/{handoff['id']}/accept/", {"assignee": ids["cps.worker"]}))
    assert accepted["status"] == "accepted"

    # The task is now the lead agency's, assigned to its caseworker; the police keep sight of it
    # but no longer hold it.
    mine = ok(worker.get("tasks/", {"assignee": "me"}))["results"]
    assert [(row["id"], row["owner_agency"]) for row in mine] == [(task["id"], cps["id"])]
    kept = ok(police_liaison.get(f"tasks/{task['id']}/"))
    assert (kept["owner_agency"], kept["assignee"], kept["status"]) == (cps["id"], ids["cps.worker"], "open")
    assert police_liaison.post(f"tasks/{task['id']}/complete/", {}).status_code == 403
    notified = ok(police_liaison.get("notifications/", {"unread": "true"}))["results"]
    assert [row["kind"] for row in notified] == ["handoff_accepted"]

    # The timeline shows it all to the lead agency, and the police only what is theirs to see.
    lead_timeline = [
        row["kind"] for row in ok(liaison.get(f"{case_path}timeline/", {"page_size": 200}))["results"]
    ]
    # Entries sort by when things happened: the event is dated when the child went missing.
    assert lead_timeline == [
        "handoff_accepted",
        "handoff_proposed",
        "task_created",
        "participant_joined",
        "section_updated",
        "section_updated",
        "participant_joined",
        "case_opened",
        "case_event_recorded",
    ]
    police_timeline = ok(police_liaison.get(f"{case_path}timeline/", {"page_size": 200}))["results"]
    assert [(row["kind"], row["section"]) for row in police_timeline] == [
        ("handoff_accepted", "core"),
        ("handoff_proposed", "core"),
        ("task_created", "core"),
        ("task_created", "core"),
        ("section_updated", "investigation"),
        ("participant_joined", "core"),
        ("section_updated", "identity"),
        ("participant_joined", "core"),
        ("case_opened", "core"),
        ("case_event_recorded", "core"),
    ]
    assert outsider.get(f"{case_path}timeline/").status_code == 404
    assert outsider.get(f"{case_path}notes/").status_code == 404
    assert ok(outsider.get("cases/"))["results"] == []
    assert ok(outsider.get("tasks/"))["results"] == []
    assert ok(outsider.get("handoffs/"))["results"] == []
