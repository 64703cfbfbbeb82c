"""The inbox and the unread count the navigation polls."""

import pytest

from notifications.models import Notification
from notifications.services import notify
from tests.web.conftest import text

pytestmark = pytest.mark.django_db


def tell(user, case, message="Something happened."):
    (notification,) = notify(
        recipients=[user], kind="test", case=case, message=f"Case {case.number}: {message}"
    )
    return notification


def test_the_badge_shows_the_unread_count(browser_as, lead, case):
    tell(lead.caseworker, case)
    tell(lead.caseworker, case)

    response = browser_as(lead.caseworker).get("/notifications/badge/", htmx=True)

    assert response.status_code == 200
    assert '<span class="badge">2</span>' in response.content.decode()


def test_the_badge_polls_in_the_background_every_thirty_seconds(browser_as, lead):
    html = browser_as(lead.caseworker).get("/work/").content.decode()

    assert 'hx-trigger="every 30s, inbox-changed from:body"' in html
    assert "X-Bridge-Background" in html


def test_the_badge_reloads_the_page_once_the_session_has_ended(browser_as):
    response = browser_as(None).get("/notifications/badge/", htmx=True)

    assert (response.status_code, response["HX-Refresh"]) == (204, "true")


def test_the_inbox_lists_only_my_notifications(browser_as, lead, case):
    tell(lead.caseworker, case, "for me")
    tell(lead.liaison, case, "for the liaison")

    page = text(browser_as(lead.caseworker).get("/notifications/"))

    assert "for me" in page
    assert "for the liaison" not in page


def test_marking_read_in_place_updates_the_row_and_the_count(browser_as, lead, case):
    notification = tell(lead.caseworker, case)

    response = browser_as(lead.caseworker).post(f"/notifications/{notification.pk}/read/", htmx=True)

    assert response.status_code == 200
    assert response["HX-Trigger"] == "inbox-changed"
    assert "Unread" not in text(response)
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_someone_elses_notification_is_not_found(browser_as, lead, case):
    notification = tell(lead.liaison, case)

    response = browser_as(lead.caseworker).post(f"/notifications/{notification.pk}/read/")

    assert response.status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_opening_a_notification_marks_it_read_and_goes_to_its_case(browser_as, lead, case):
    notification = tell(lead.caseworker, case)

    response = browser_as(lead.caseworker).post(f"/notifications/{notification.pk}/read/", {"go": "open"})

    assert (response.status_code, response["Location"]) == (302, f"/cases/{case.pk}/")


def test_marking_all_read(browser_as, lead, case):
    tell(lead.caseworker, case)
    tell(lead.caseworker, case)

    browser_as(lead.caseworker).post("/notifications/read-all/")

    assert Notification.objects.filter(recipient=lead.caseworker, read_at__isnull=True).count() == 0


def test_a_notice_about_accounts_is_listed_and_opens_the_inbox(browser_as, lead):
    (notification,) = notify(
        recipients=[lead.supervisor], kind="case_role_granted", case=None, message="A new account."
    )
    browser = browser_as(lead.supervisor)

    page = text(browser.get("/notifications/"))
    opened = browser.post(f"/notifications/{notification.pk}/read/", {"go": "open"})

    assert "Your agency's accounts" in page
    assert "A new account." in page
    assert (opened.status_code, opened["Location"]) == (302, "/notifications/")
