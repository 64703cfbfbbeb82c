"""The "Email settings" page: the signed-in person's own email choice, in plain words."""

import re

import pytest

from notifications.selectors import notification_preferences_for
from notifications.services import notification_preferences_update
from tests.web.conftest import Browser, text

pytestmark = pytest.mark.django_db

PAGE = "/notifications/email/"


def choices(user):
    preference = notification_preferences_for(user=user)
    return preference.email_enabled, preference.email_digest


def checked(response):
    """The value of the checked radio button."""
    (value,) = re.findall(
        r'<input type="radio" name="email" value="(\w+)"[^>]* checked', response.content.decode()
    )
    return value


@pytest.mark.parametrize(
    ("switches", "shown"),
    [
        ({}, "each"),
        ({"email_digest": True}, "digest"),
        ({"email_enabled": False}, "none"),
        ({"email_enabled": False, "email_digest": True}, "none"),
    ],
)
def test_the_page_shows_the_current_choice(lead, switches, shown):
    notification_preferences_update(user=lead.caseworker, **switches)

    response = Browser(lead.caseworker).get(PAGE)

    assert response.status_code == 200
    assert checked(response) == shown


def test_the_page_says_the_choices_in_plain_words(lead):
    page = text(Browser(lead.caseworker).get(PAGE))

    assert "Email me each notification" in page
    assert "One daily digest" in page
    assert "No email (inbox only)" in page
    assert "after 7:00" in page


@pytest.mark.parametrize(
    ("choice", "stored", "message"),
    [
        ("digest", (True, True), "Saved: Bridge will email you one daily digest."),
        ("none", (False, False), "Saved: Bridge will not email you; notifications stay in your inbox."),
    ],
)
def test_saving_stores_the_choice_and_says_so(lead, choice, stored, message):
    browser = Browser(lead.caseworker)

    response = browser.post(PAGE, {"email": choice})

    assert (response.status_code, response["Location"]) == (302, PAGE)
    assert choices(lead.caseworker) == stored
    page = browser.get(PAGE)
    assert message in text(page)
    assert checked(page) == choice


def test_choosing_each_notification_again_turns_the_digest_off(lead):
    notification_preferences_update(user=lead.caseworker, email_enabled=False, email_digest=True)

    Browser(lead.caseworker).post(PAGE, {"email": "each"})

    assert choices(lead.caseworker) == (True, False)


@pytest.mark.parametrize("sent", [{"email": "weekly"}, {"email": ""}, {}])
def test_a_tampered_choice_is_a_400_and_changes_nothing(lead, sent):
    notification_preferences_update(user=lead.caseworker, email_digest=True)

    response = Browser(lead.caseworker).post(PAGE, sent)

    assert response.status_code == 400
    assert "Choose how Bridge emails you." in text(response)
    assert choices(lead.caseworker) == (True, True)


def test_saving_changes_only_the_signed_in_persons_choice(lead):
    Browser(lead.caseworker).post(PAGE, {"email": "none", "user": str(lead.liaison.public_id)})

    assert choices(lead.caseworker) == (False, False)
    assert choices(lead.liaison) == (True, False)


def test_signing_in_is_required():
    response = Browser(None).get(PAGE)

    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={PAGE}")


def test_the_inbox_links_to_the_page(lead):
    html = Browser(lead.caseworker).get("/notifications/").content.decode()

    assert f'<a href="{PAGE}">Email settings</a>' in html


@pytest.mark.parametrize("role", ["caseworker", "agency_admin"])
def test_the_account_menu_links_to_the_page(lead, role):
    html = Browser(lead.by_role(role)).get(PAGE).content.decode()
    account = html[html.index('<div class="account">') :]

    assert f'<a href="{PAGE}">Email settings</a>' in account


def test_an_agency_administrator_is_told_their_role_gets_no_notifications(lead):
    browser = Browser(lead.admin)

    page = text(browser.get(PAGE))
    browser.post(PAGE, {"email": "digest"})

    assert "Your role does not work on cases, so Bridge sends you no notifications now." in page
    assert "Back to the inbox" not in page
    assert choices(lead.admin) == (True, True)


def test_a_person_without_an_email_address_is_told_bridge_cannot_email_them(lead):
    lead.caseworker.email = ""
    lead.caseworker.save(update_fields=["email"])

    page = text(Browser(lead.caseworker).get(PAGE))

    assert "Your account has no email address, so Bridge cannot email you." in page
