"""The case's feature pages (sharing, court, screening, closing, the possible matches) in Spanish,
for a person who chose Spanish, and their English unchanged for everyone else. Needs the compiled
catalogue (`scripts/messages`; bootstrap compiles it)."""

import pytest
from django.utils import translation

from agencies.models import User
from casework.models import TraffickingStatus
from tests.screening.conftest import SUSPECT_ANSWERS, instrument  # noqa: F401 - the shipped instrument
from tests.web.conftest import Browser, text
from web.views.sharing import COPY_KINDS

pytestmark = pytest.mark.django_db


def in_spanish(user: User) -> User:
    user.language = "es"
    user.save(update_fields=["language"])
    return user


def test_the_sharing_page_is_in_spanish_for_a_person_who_chose_it(lead, case):
    page = text(Browser(in_spanish(lead.liaison)).get(f"/cases/{case.pk}/sharing/"))

    assert "Agencias participantes" in page
    assert "Invitar a una agencia" in page
    assert "Equipo del caso de su agencia" in page
    assert "Agencies taking part" not in page


def test_the_sharing_page_stays_in_english_without_a_choice(lead, case):
    page = text(Browser(lead.liaison).get(f"/cases/{case.pk}/sharing/"))

    assert "Agencies taking part" in page
    assert "Invite an agency" in page


def test_the_court_tab_and_its_hearing_form_are_in_spanish(lead, case):
    page = text(Browser(in_spanish(lead.liaison)).get(f"/cases/{case.pk}/court/"))

    assert "Tribunal de dependencia" in page
    assert "No hay ninguna audiencia del tribunal de dependencia registrada en este caso." in page
    assert "Programar una audiencia" in page
    assert "Fecha y hora" in page


def test_the_screening_form_is_in_spanish(lead, case, instrument):  # noqa: F811 - the fixture
    url = f"/cases/{case.pk}/screening/new/{instrument.pk}/"
    page = text(Browser(in_spanish(lead.caseworker)).get(url))

    assert "Fecha de la evaluación" in page
    assert "Puntuar las respuestas" in page
    assert "Volver a la pestaña de evaluación" in page


def test_a_screening_scored_in_spanish_shows_the_suggestion_in_spanish(lead, case, instrument):  # noqa: F811
    data = {"screened_on": "2026-03-01"}
    for key, value in SUSPECT_ANSWERS.items():
        data[f"answer_{key}"] = ("yes" if value else "no") if isinstance(value, bool) else value

    response = Browser(in_spanish(lead.caseworker)).post(
        f"/cases/{case.pk}/screening/new/{instrument.pk}/", data
    )

    assert response.status_code == 200
    assert "Puntuación 6: el instrumento sugiere" in text(response)
    assert "Registrar la evaluación" in text(response)


def test_a_status_change_without_a_reason_shows_the_form_in_spanish(lead, case):
    response = Browser(in_spanish(lead.liaison)).post(
        f"/cases/{case.pk}/screening/status/", {"status": TraffickingStatus.AT_RISK}
    )

    assert response.status_code == 400
    page = text(response)
    assert "Nueva situación de trata" in page
    assert "Cambiar la situación de trata" in page


def test_the_status_change_message_is_in_spanish(lead, case):
    browser = Browser(in_spanish(lead.liaison))

    browser.post(
        f"/cases/{case.pk}/screening/status/",
        {"status": TraffickingStatus.AT_RISK, "reason": "Pareja mayor."},
    )
    page = text(browser.get(f"/cases/{case.pk}/screening/"))

    assert "La situación de trata ahora es" in page


def test_the_closing_page_is_in_spanish(lead, case):
    page = text(Browser(in_spanish(lead.liaison)).get(f"/cases/{case.pk}/closing/"))

    assert "Cierre del caso" in page
    assert "Cierres anteriores" in page


def test_a_browser_asking_for_spanish_gets_the_documents_tab_in_spanish(lead, case):
    browser = Browser(lead.caseworker)

    response = browser.client.get(f"/cases/{case.pk}/documents/", headers={"accept-language": "es"})

    assert "Subir un documento" in text(response)


def test_module_level_labels_follow_the_active_language():
    with translation.override("es"):
        assert str(COPY_KINDS["case_summary"]) == "Resumen del caso (PDF)"
    with translation.override("en"):
        assert str(COPY_KINDS["case_summary"]) == "Case summary (PDF)"
