"""The core web pages in Spanish: for a person who chose Spanish (`User.language`) and, before
signing in, for a browser that asks for it. Needs the compiled catalogue (`scripts/messages`)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from tests.web.conftest import Browser, make_handoff, make_task, text
from web import humanize
from web.charts import BarRow, horizontal_bars

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture
def browser_as():
    return Browser


def spanish(user):
    user.language = "es"
    user.save(update_fields=["language"])
    return user


def test_my_work_answers_in_spanish(browser_as, lead, case):
    make_task(
        case=case,
        owner=lead.agency,
        title="Visita",
        due_at=timezone.now() - timedelta(hours=3),
        assignee=lead.caseworker,
    )
    page = text(browser_as(spanish(lead.caseworker)).get("/work/"))

    assert "Mi trabajo" in page
    assert "1 tarea vencida por atender; 1 tarea abierta asignada a usted." in page
    assert "vencida hace 3 h" in page
    assert "Nada suyo vence antes de la medianoche." in page
    assert "Cerrar sesión" in page


def test_a_case_page_answers_in_spanish(browser_as, lead, case):
    response = browser_as(spanish(lead.caseworker)).get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    assert '<html lang="es">' in response.content.decode()
    page = text(response)
    assert f"Caso {case.number}" in page
    assert "Agencia principal" in page
    assert "Cronología" in page
    assert "Todavía no hay notas." in page


def test_the_handoff_desk_answers_in_spanish(browser_as, lead, partner, shared_case):
    task = make_task(
        case=shared_case, owner=lead.agency, title="Entrevista", due_at=timezone.now() + timedelta(days=2)
    )
    # A handoff row as the service leaves it (the notification it sends is another part's test).
    make_handoff(task=task, sender=lead, receiver=partner, created_at=timezone.now(), urgent=True)

    page = text(browser_as(spanish(partner.liaison)).get("/handoffs/"))

    assert "Traspasos" in page
    assert "En espera de la respuesta de su agencia" in page
    assert f"De {lead.agency.name}" in page
    assert "Aceptar" in page
    assert "Urgente" in page


def test_the_dashboard_answers_in_spanish_with_charts_that_still_draw(browser_as, lead, case):
    make_task(
        case=case,
        owner=lead.agency,
        title="Visita",
        due_at=timezone.now() - timedelta(hours=3),
        assignee=lead.caseworker,
    )
    response = browser_as(spanish(lead.supervisor)).get("/dashboard/")
    html = response.content.decode()
    page = text(response)

    assert response.status_code == 200
    assert "Tareas vencidas por persona asignada" in page
    assert "Carga de casos por trabajador" in page
    assert "Últimos 7 días" in page
    # A figure's label agrees with its number.
    assert "1 tarea vencida" in page
    assert "1 caso abierto (1 con su agencia como agencia principal)" in page
    assert "Plazos en los próximos 7 días" in page
    # SVG coordinates keep a decimal point in every language.
    assert 'y1="0" y2="' in html
    assert ',5"' not in html.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_a_form_error_is_in_spanish(browser_as, lead):
    response = browser_as(spanish(lead.caseworker)).post("/cases/new/", {"pseudonym": "A.B."})

    assert response.status_code == 400
    page = text(response)
    assert "Elija el rango de edad del menor, o Desconocido si nadie lo sabe todavía." in page
    assert "Abrir un caso" in page


def test_the_sign_in_page_follows_the_browser_language():
    response = Client().get("/accounts/login/", headers={"Accept-Language": "es"})

    page = text(response)
    assert "Iniciar sesión en Bridge" in page
    assert "Aviso de uso del sistema" in page
    assert "Acepto — iniciar sesión" in page


def test_the_not_found_page_is_in_spanish(browser_as, lead):
    page = text(browser_as(spanish(lead.caseworker)).get("/cases/00000000-0000-0000-0000-000000000000/"))

    assert "Esta página no existe o usted no puede verla." in page


def test_an_api_error_message_is_in_spanish_for_accept_language_es():
    response = Client().get("/api/v1/no-such-thing/", headers={"Accept-Language": "es"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert response.json()["error"]["message"] == "No encontrado."


@pytest.mark.parametrize(
    ("offset", "wording"),
    [
        (timedelta(seconds=20), "vence ahora"),
        (timedelta(hours=3, minutes=59), "en 3 h"),
        (timedelta(hours=30), "en 1 día"),
        (-timedelta(days=2, hours=5), "vencida hace 2 días"),
    ],
)
def test_a_deadline_reads_naturally_in_spanish(offset, wording):
    with translation.override("es"):
        assert humanize.until_deadline(NOW + offset, now=NOW) == wording


def test_durations_and_times_ago_read_naturally_in_spanish():
    with translation.override("es"):
        assert humanize.since_moment(NOW - timedelta(hours=5), now=NOW) == "hace 5 h"
        assert humanize.duration(5400) == "1,5 h"
        assert humanize.duration(36 * 3600) == "1,5 días"
        assert humanize.duration(20) == "menos de 1 min"
        assert humanize.duration_unit(3 * 86400) == (86400, " días")


def test_a_chart_axis_uses_the_language_decimal_separator():
    with translation.override("es"):
        chart = horizontal_bars(
            chart_id="c", title="t", description="d", rows=[BarRow("a", 2.5, "2,5")], unit=" h"
        )

    assert [tick.label for tick in chart.ticks] == ["0 h", "0,625 h", "1,25 h", "1,875 h", "2,5 h"]


def test_the_sign_in_page_offers_the_other_language_and_remembers_the_choice():
    browser = Client()
    english = browser.get("/accounts/login/").content.decode()
    assert 'name="language" value="es" lang="es">Español</button>' in english

    response = browser.post("/i18n/setlang/", {"language": "es", "next": "/accounts/login/"})

    assert response.status_code == 302
    assert "Iniciar sesión en Bridge" in text(browser.get("/accounts/login/"))
