"""Break-glass: a supervisor opens an ungranted section in an emergency, with a written reason, for
4 hours; the lead agency's supervisors and the section's stewards hear at once; it is audited."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditRecord
from casework.access import get_case_access
from casework.models import BreakGlass, Note
from casework.services.sharing import team_member_add
from notifications.models import Notification
from tests.api.conftest import Api, body, error_of

pytestmark = pytest.mark.django_db

REASON = "Child called from an unknown address; police need the placement to do a welfare check."


def open_location(case, user):
    return Api(user).post(f"cases/{case.pk}/break-glass/", {"section": "location", "reason": REASON})


def test_a_supervisor_opens_an_ungranted_section(shared_case, partner):
    response = open_location(shared_case, partner.supervisor)

    opening = BreakGlass.objects.get()
    assert response.status_code == 201
    assert body(response) == {
        "id": str(opening.pk),
        "section": "location",
        "reason": REASON,
        "agency": partner.agency.pk,
        "opened_by": str(partner.supervisor.public_id),
        "opened_at": opening.opened_at.isoformat().replace("+00:00", "Z"),
        "expires_at": opening.expires_at.isoformat().replace("+00:00", "Z"),
    }
    assert opening.expires_at - opening.opened_at == timedelta(hours=4)


def test_the_opened_section_can_be_read(shared_case, partner):
    before = body(Api(partner.supervisor).get(f"cases/{shared_case.pk}/"))
    open_location(shared_case, partner.supervisor)

    after = body(Api(partner.supervisor).get(f"cases/{shared_case.pk}/"))

    assert "location" not in before
    assert after["location"] == {
        "placement_type": "foster_family",
        "address": "12 Elm Street",
        "school": "Lee High",
    }


def test_reads_through_break_glass_are_marked_in_the_audit_log(shared_case, partner):
    open_location(shared_case, partner.supervisor)

    Api(partner.supervisor).get(f"cases/{shared_case.pk}/")

    read = AuditRecord.objects.get(event_type="section.read", section="location")
    assert (read.user_id, read.detail["break_glass"]) == (partner.supervisor.pk, True)


def test_the_opening_is_audited(shared_case, partner):
    open_location(shared_case, partner.supervisor)

    record = AuditRecord.objects.get(event_type="break_glass.opened")
    assert (record.user_id, record.agency_id, record.case_id, record.section, record.component) == (
        partner.supervisor.pk,
        partner.agency.pk,
        shared_case.pk,
        "location",
        "api",
    )


def test_the_lead_supervisors_and_the_stewards_are_notified_at_once(shared_case, lead, partner):
    open_location(shared_case, partner.supervisor)

    notified = Notification.objects.filter(kind="break_glass_opened")
    assert sorted(notification.recipient_id for notification in notified) == sorted(
        [lead.liaison.pk, lead.supervisor.pk]
    )
    message = notified.first().message
    assert shared_case.number in message
    assert "Maria" not in message
    assert "Elm" not in message
    assert REASON not in message


def test_access_ends_after_four_hours(shared_case, partner):
    open_location(shared_case, partner.supervisor)

    with time_machine.travel(timezone.now() + timedelta(hours=3, minutes=59)):
        during = get_case_access(user=partner.supervisor, case_id=shared_case.pk).readable
    with time_machine.travel(timezone.now() + timedelta(hours=4, seconds=1)):
        after = get_case_access(user=partner.supervisor, case_id=shared_case.pk).readable
        detail = body(Api(partner.supervisor).get(f"cases/{shared_case.pk}/"))

    assert "location" in during
    assert "location" not in after
    assert "location" not in detail


def test_break_glass_gives_reading_not_writing(shared_case, partner):
    open_location(shared_case, partner.supervisor)
    api = Api(partner.supervisor)
    etag = api.get(f"cases/{shared_case.pk}/").headers["ETag"]

    response = api.patch(
        f"cases/{shared_case.pk}/", {"location": {"school": "Elsewhere"}}, **{"If-Match": etag}
    )

    assert response.status_code == 403


def test_only_the_supervisor_who_opened_it_reads_through_it(shared_case, partner):
    open_location(shared_case, partner.supervisor)

    assert "location" not in get_case_access(user=partner.liaison, case_id=shared_case.pk).readable


def test_a_written_reason_is_required(shared_case, partner):
    response = Api(partner.supervisor).post(
        f"cases/{shared_case.pk}/break-glass/", {"section": "location", "reason": "   "}
    )

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["reason"]
    assert not BreakGlass.objects.exists()


@pytest.mark.parametrize("role", ["caseworker", "liaison"])
def test_only_supervisors_break_glass(shared_case, partner, role):
    user = getattr(partner, role)
    team_member_add(actor=partner.liaison, case=shared_case, member=partner.caseworker)

    response = open_location(shared_case, user)

    assert response.status_code == 403
    assert not BreakGlass.objects.exists()


def test_the_legal_section_is_never_opened_outside_legal_advocates(shared_case, partner):
    response = Api(partner.supervisor).post(
        f"cases/{shared_case.pk}/break-glass/", {"section": "legal", "reason": REASON}
    )

    assert response.status_code == 403
    assert (
        error_of(response)["message"] == "The legal section is never opened outside legal_advocate agencies."
    )
    assert not BreakGlass.objects.exists()


def test_a_section_already_readable_is_not_opened(shared_case, partner):
    response = Api(partner.supervisor).post(
        f"cases/{shared_case.pk}/break-glass/", {"section": "investigation", "reason": REASON}
    )

    assert response.status_code == 409


def test_an_unrelated_agency_gets_not_found(shared_case, unrelated):
    response = open_location(shared_case, unrelated.supervisor)

    assert response.status_code == 404
    assert not Notification.objects.exists()


# --- reading never implies writing: every write path refuses a section opened by break-glass ---


def test_break_glass_gives_no_note_through_the_api(shared_case, partner):
    open_location(shared_case, partner.supervisor)

    response = Api(partner.supervisor).post(
        f"cases/{shared_case.pk}/notes/", {"section": "location", "body": "Seen at the placement."}
    )

    assert response.status_code == 403
    assert not Note.objects.filter(section="location").exists()


def test_break_glass_gives_no_note_through_the_page(shared_case, partner):
    open_location(shared_case, partner.supervisor)
    browser = Client()
    browser.force_login(partner.supervisor)

    response = browser.post(
        reverse("web:case-note-add", args=[shared_case.pk]),
        {"section": "location", "body": "Seen at the placement."},
    )

    assert response.status_code == 403
    assert not Note.objects.filter(section="location").exists()


def test_the_section_page_opened_by_break_glass_offers_no_note_form_or_edit(shared_case, partner):
    open_location(shared_case, partner.supervisor)
    browser = Client()
    browser.force_login(partner.supervisor)

    page = browser.get(reverse("web:case-section", args=[shared_case.pk, "location"])).content.decode()

    assert "12 Elm Street" in page
    assert reverse("web:case-note-add", args=[shared_case.pk]) not in page
    assert reverse("web:case-section-edit", args=[shared_case.pk, "location"]) not in page


def test_break_glass_gives_no_edit_page(shared_case, partner):
    open_location(shared_case, partner.supervisor)
    browser = Client()
    browser.force_login(partner.supervisor)
    url = reverse("web:case-section-edit", args=[shared_case.pk, "location"])

    shown = browser.get(url)
    posted = browser.post(url, {"placement_type": "shelter", "address": "1 Other Road", "school": "X"})

    assert (shown.status_code, posted.status_code) == (403, 403)
    shared_case.location.refresh_from_db()
    assert shared_case.location.address == "12 Elm Street"


def test_a_reader_without_stewardship_adds_no_note_to_the_section(shared_case, partner):
    """`identity` is granted to every participant but written only by the lead agency."""
    response = Api(partner.liaison).post(
        f"cases/{shared_case.pk}/notes/", {"section": "identity", "body": "Goes by Mia."}
    )

    assert response.status_code == 403
    assert not Note.objects.exists()


def test_every_participant_adds_general_notes(shared_case, partner):
    response = Api(partner.liaison).post(
        f"cases/{shared_case.pk}/notes/", {"section": "core", "body": "Interview set for Monday."}
    )

    assert response.status_code == 201
