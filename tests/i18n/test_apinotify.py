"""Spanish where the API, notifications and emails speak: API error messages in the request's
language (codes unchanged), notices and emails in each recipient's, whoever caused them."""

import uuid
from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from agencies.models import Role
from agencies.services import user_change_role, user_create
from common.i18n import Message
from notifications.digests import digests_build
from notifications.models import DeliveryKind, EmailDelivery, Notification
from notifications.services import Notice, notification_preferences_update, notify, notify_many
from tests.api.conftest import Api, body, error_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request in Spanish leaves Spanish active in the test's thread; the next test starts in
    English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- API errors -------------------------------------------------------------------------------


def test_a_400_speaks_the_requested_language_and_keeps_its_code(lead):
    api = Api(lead.admin)

    english = api.get("users/", {"agency": "999999"}, **{"Accept-Language": "en"})
    spanish = api.get("users/", {"agency": "999999"}, **{"Accept-Language": "es"})

    assert (english.status_code, spanish.status_code) == (400, 400)
    assert error_of(english) == {
        "code": "validation_error",
        "message": "Unknown agency.",
        "fields": {"agency": ["No agency with this id."]},
    }
    assert error_of(spanish) == {
        "code": "validation_error",
        "message": "Agencia desconocida.",
        "fields": {"agency": ["No existe ninguna agencia con este id."]},
    }
    assert spanish["Content-Language"] == "es"
    assert "Accept-Language" in spanish["Vary"]


def test_a_404_speaks_the_requested_language(lead):
    response = Api(lead.caseworker).get(f"tasks/{uuid.uuid4()}/", **{"Accept-Language": "es"})

    assert response.status_code == 404
    assert error_of(response) == {"code": "not_found", "message": "No encontrado.", "fields": {}}


def test_a_403_of_a_service_speaks_the_requested_language(lead):
    response = Api(lead.caseworker).get("users/", **{"Accept-Language": "es"})

    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "permission_denied"
    assert error["message"] == (
        "Solo los administradores, supervisores y enlaces de la agencia pueden ver la lista de sus miembros."
    )


def test_a_failed_sign_in_speaks_the_requested_language(lead):
    response = Api(None).post(
        "auth/token/",
        {"username": lead.caseworker.username, "password": "wrong"},
        **{"Accept-Language": "es"},
    )

    assert response.status_code == 401
    assert error_of(response)["message"] == "No es posible iniciar sesión con estas credenciales."


def test_a_token_caller_who_chose_spanish_gets_spanish_unless_the_request_names_a_language(lead):
    lead.admin.language = "es"
    lead.admin.save(update_fields=["language"])
    api = Api(lead.admin)

    chosen = api.get("users/", {"agency": "999999"})
    named = api.get("users/", {"agency": "999999"}, **{"Accept-Language": "en"})

    assert error_of(chosen)["message"] == "Agencia desconocida."
    assert error_of(named)["message"] == "Unknown agency."


# --- the caller's language through /me/ ---------------------------------------------------------


def test_me_reads_and_changes_the_callers_language(lead):
    api = Api(lead.liaison)
    assert body(api.get("me/"))["language"] == ""

    response = api.patch("me/", {"language": "es"})

    assert response.status_code == 200
    assert body(response)["language"] == "es"
    lead.liaison.refresh_from_db()
    assert lead.liaison.language == "es"
    assert body(api.patch("me/", {"language": ""}))["language"] == ""


def test_me_refuses_an_unknown_language_in_the_requested_language(lead):
    response = Api(lead.liaison).patch("me/", {"language": "fr"}, **{"Accept-Language": "es"})

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert list(error["fields"]) == ["language"]
    assert error["fields"]["language"] == ['"fr" no es una elección válida.']


# --- notifications and their emails -----------------------------------------------------------


def test_one_notice_reaches_each_recipient_in_their_own_language(case, lead):
    lead.liaison.language = "es"
    lead.liaison.save(update_fields=["language"])
    # The notice is caused by someone reading in English; the Spanish reader still gets Spanish.
    translation.activate("en")

    notifications = notify(
        recipients=[lead.liaison, lead.supervisor],
        kind="handoff_created",
        case=case,
        message=Message(gettext_lazy("Task due soon")),
    )

    messages = {n.recipient_id: n.message for n in notifications}
    assert messages == {lead.liaison.pk: "Tarea que vence pronto", lead.supervisor.pk: "Task due soon"}
    spanish = EmailDelivery.objects.get(recipient=lead.liaison)
    english = EmailDelivery.objects.get(recipient=lead.supervisor)
    assert spanish.subject == f"[Bridge] {case.number}: solicitud de traspaso"
    assert spanish.body == (
        "Tarea que vence pronto\n\n"
        f"Caso: {case.number}\n"
        f"Abrir en Bridge: {settings.BRIDGE_BASE_URL}/cases/{case.pk}/\n\n"
        "Las horas están en la zona horaria America/Chicago.\n"
        "Este correo electrónico omite a propósito los detalles del caso. "
        "Inicie sesión en Bridge para verlos.\n"
    )
    assert english.subject == f"[Bridge] {case.number}: handoff request"
    assert english.body.startswith("Task due soon\n\nCase: ")


def test_a_second_language_costs_no_query(case, lead, django_assert_num_queries):
    def queries_for(recipients):
        with CaptureQueriesContext(connection) as captured:
            notify_many(
                notices=[
                    Notice(
                        recipients=recipients,
                        kind="handoff_created",
                        case=case,
                        message=Message(gettext_lazy("Task due soon")),
                    )
                ]
            )
        return len(captured)

    english_only = queries_for([lead.liaison, lead.supervisor])
    lead.liaison.language = "es"
    lead.liaison.save(update_fields=["language"])

    with django_assert_num_queries(english_only):
        notify_many(
            notices=[
                Notice(
                    recipients=[lead.liaison, lead.supervisor],
                    kind="handoff_created",
                    case=case,
                    message=Message(gettext_lazy("Task due soon")),
                )
            ]
        )

    assert sorted(Notification.objects.filter(recipient=lead.liaison).values_list("message", flat=True)) == [
        "Tarea que vence pronto",
        "Task due soon",
    ]


def test_a_role_announcement_reaches_a_spanish_supervisor_in_spanish(lead):
    lead.supervisor.language = "es"
    lead.supervisor.save(update_fields=["language"])
    member = UserFactory(agency=lead.agency, role=Role.AGENCY_ADMIN)

    user_change_role(actor=lead.admin, user=member, role=Role.CASEWORKER)

    notification = Notification.objects.get(recipient=lead.supervisor, kind="case_role_granted")
    assert notification.message == (
        f"{lead.admin.username} asignó a {member.username} el rol de trabajador social en su agencia."
    )
    delivery = EmailDelivery.objects.get(notification=notification)
    assert delivery.subject == "[Bridge] un miembro de su agencia ahora trabaja en casos"


def test_the_daily_digest_is_in_the_readers_language(case, lead):
    lead.liaison.language = "es"
    lead.liaison.save(update_fields=["language"])
    notification_preferences_update(user=lead.liaison, email_digest=True)
    for _ in range(2):
        notify(
            recipients=[lead.liaison],
            kind="task_due",
            case=case,
            message=Message(gettext_lazy("Task due now")),
        )
    translation.activate("en")
    tomorrow = timezone.localdate() + timedelta(days=1)

    digests_build(now=timezone.make_aware(datetime.combine(tomorrow, time(settings.BRIDGE_DIGEST_HOUR, 5))))

    digest = EmailDelivery.objects.get(kind=DeliveryKind.DIGEST)
    assert digest.subject == "[Bridge] Su resumen diario: 2 notificaciones"
    assert digest.body.startswith("Notificaciones de Bridge desde su último resumen:\n\n- ")
    assert digest.body.count(f"| {case.number} | Tarea que vence ahora\n") == 2
    assert "Las horas están en la zona horaria America/Chicago.\n" in digest.body


# --- security emails --------------------------------------------------------------------------


def test_the_enrolment_email_is_in_the_new_persons_language(lead, django_capture_on_commit_callbacks):
    translation.activate("en")
    with django_capture_on_commit_callbacks(execute=True):
        user_create(
            actor=lead.admin,
            username="nueva",
            email="nueva@example.org",
            agency=lead.agency,
            role=Role.CASEWORKER,
            language="es",
        )

    [message] = [m for m in mail.outbox if m.to == ["nueva@example.org"]]
    assert message.subject == "[Bridge] Configure su cuenta nueva"
    assert "Se creó una cuenta para usted en Bridge. Su nombre de usuario es nueva." in message.body
    assert "El enlace funciona una sola vez y durante 72 horas:" in message.body
    assert "/accounts/password/reset/key/" in message.body
