"""Which language a person gets: their own choice, else their browser's; the API's explicit
Accept-Language first; and the choice itself, on the settings page and the sign-in page."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.api.conftest import Api

pytestmark = pytest.mark.django_db


def signed_in(user, **headers):
    client = Client(**headers)
    client.force_login(user)
    return client


def test_a_chosen_language_wins_over_the_browsers(lead):
    lead.caseworker.language = "es"
    lead.caseworker.save()

    response = signed_in(lead.caseworker, HTTP_ACCEPT_LANGUAGE="en").get(reverse("web:my-work"))

    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in response.content.decode()


def test_without_a_choice_the_browser_decides(lead):
    response = signed_in(lead.caseworker, HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").get(reverse("web:my-work"))

    assert response["Content-Language"] == "es"


def test_without_a_choice_or_a_browser_language_pages_are_english(lead):
    response = signed_in(lead.caseworker).get(reverse("web:my-work"))

    assert response["Content-Language"] == "en"


def test_the_sign_in_page_follows_the_browser():
    response = Client(HTTP_ACCEPT_LANGUAGE="es").get(reverse("account_login"))

    assert response["Content-Language"] == "es"


def test_the_apis_accept_language_wins_over_the_chosen_language(lead, case):
    lead.caseworker.language = "es"
    lead.caseworker.save()
    api = Api(lead.caseworker)

    assert api.get(f"cases/{case.pk}/", **{"Accept-Language": "en"})["Content-Language"] == "en"
    assert api.get(f"cases/{case.pk}/")["Content-Language"] == "es"


def test_choosing_a_language_keeps_it_on_the_account_and_in_the_cookie(lead):
    client = signed_in(lead.caseworker)

    response = client.post(reverse("web:language-settings"), {"language": "es"})

    assert response.status_code == 302
    lead.caseworker.refresh_from_db()
    assert lead.caseworker.language == "es"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert client.get(reverse("web:language-settings"))["Content-Language"] == "es"


def test_following_the_browser_again_forgets_the_choice(lead):
    lead.caseworker.language = "es"
    lead.caseworker.save()
    client = signed_in(lead.caseworker, HTTP_ACCEPT_LANGUAGE="en")

    response = client.post(reverse("web:language-settings"), {"language": ""})

    lead.caseworker.refresh_from_db()
    assert lead.caseworker.language == ""
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""
    assert client.get(reverse("web:language-settings"))["Content-Language"] == "en"


def test_a_language_bridge_does_not_speak_is_refused_with_a_message(lead):
    response = signed_in(lead.caseworker).post(reverse("web:language-settings"), {"language": "fr"})

    assert response.status_code == 400
    assert "Choose one of the languages offered." in response.content.decode()
    lead.caseworker.refresh_from_db()
    assert lead.caseworker.language == ""


def test_the_settings_page_offers_each_language_in_itself(lead):
    html = signed_in(lead.caseworker, HTTP_ACCEPT_LANGUAGE="en").get(reverse("web:language-settings")).content

    assert "Español" in html.decode()
    assert 'lang="es"' in html.decode()


def test_the_sign_in_pages_switch_sets_the_cookie():
    response = Client().post(reverse("set_language"), {"language": "es", "next": "/accounts/login/"})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
