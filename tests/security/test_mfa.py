"""Multi-factor authentication: enrolment required, the browser's second step, and the API token."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.authentication import BridgeTokenAuthentication
from audit.models import AuditRecord
from tests.api.conftest import API, Api, body, error_of
from tests.factories import PASSWORD
from tests.security.conftest import Enrolment, enrol, sign_in, signed_in_user_id

pytestmark = pytest.mark.django_db

SIGN_IN_FAILED = {
    "code": "authentication_failed",
    "message": "Unable to sign in with these credentials.",
    "fields": {},
}


def request_token(username: str, **extra: str) -> object:
    return APIClient().post(
        f"{API}/auth/token/", {"username": username, "password": PASSWORD, **extra}, format="json"
    )


def test_the_token_needs_the_one_time_code_once_enrolled(lead):
    enrol(lead.caseworker)

    response = request_token(lead.caseworker.username)

    assert response.status_code == 401
    assert error_of(response) == SIGN_IN_FAILED
    assert not Token.objects.filter(user=lead.caseworker).exists()


def test_a_wrong_one_time_code_gets_no_token(lead):
    enrolment = enrol(lead.caseworker)
    wrong = "000000" if enrolment.code() != "000000" else "111111"

    response = request_token(lead.caseworker.username, otp=wrong)

    assert response.status_code == 401
    assert not Token.objects.filter(user=lead.caseworker).exists()


def test_the_current_one_time_code_gets_the_token(lead):
    enrolment = enrol(lead.caseworker)

    response = request_token(lead.caseworker.username, otp=enrolment.code())

    assert response.status_code == 200
    assert body(response) == {"token": Token.objects.get(user=lead.caseworker).key}


def test_a_one_time_code_works_only_once(lead):
    enrolment = enrol(lead.caseworker)
    code = enrolment.code()
    request_token(lead.caseworker.username, otp=code)

    replay = request_token(lead.caseworker.username, otp=code)

    assert replay.status_code == 401


def test_a_recovery_code_gets_the_token_once(lead):
    enrolment = enrol(lead.caseworker)
    code = enrolment.recovery_codes[0]

    first = request_token(lead.caseworker.username, otp=code)
    second = request_token(lead.caseworker.username, otp=code)

    assert (first.status_code, second.status_code) == (200, 401)


def test_me_reports_whether_the_user_has_a_second_factor(lead):
    before = body(Api(lead.caseworker).get("me/"))["mfa_enabled"]
    enrol(lead.caseworker)
    after = body(Api(lead.caseworker).get("me/"))["mfa_enabled"]

    assert (before, after) == (False, True)


def test_the_browser_asks_for_the_code_after_the_password(lead):
    enrolment = enrol(lead.caseworker)
    client = Client()

    password_step = sign_in(client, lead.caseworker.username)
    between = signed_in_user_id(client)
    code_step = client.post("/accounts/2fa/authenticate/", {"code": enrolment.code()})

    assert password_step.headers["Location"] == "/accounts/2fa/authenticate/"
    assert between is None
    assert code_step.status_code == 302
    assert signed_in_user_id(client) == str(lead.caseworker.pk)
    assert AuditRecord.objects.filter(event_type="login.succeeded", user=lead.caseworker).count() == 1


def test_when_required_a_user_without_a_second_factor_is_sent_to_enrolment(lead, settings, client):
    settings.BRIDGE_MFA_REQUIRED = True
    sign_in(client, lead.caseworker.username)

    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/2fa/totp/activate/"


def test_when_required_enrolment_pages_stay_reachable(lead, settings, client):
    settings.BRIDGE_MFA_REQUIRED = True
    sign_in(client, lead.caseworker.username)

    response = client.get("/accounts/2fa/totp/activate/")

    assert response.status_code == 200


def test_when_required_the_api_refuses_a_session_without_a_second_factor(lead, settings, client):
    settings.BRIDGE_MFA_REQUIRED = True
    sign_in(client, lead.caseworker.username)

    response = client.get(f"{API}/me/")

    assert response.status_code == 403
    assert error_of(response)["code"] == "mfa_enrolment_required"


def test_when_required_no_token_is_issued_without_a_second_factor(lead, settings):
    settings.BRIDGE_MFA_REQUIRED = True

    response = request_token(lead.caseworker.username)

    assert response.status_code == 403
    assert error_of(response)["code"] == "mfa_enrolment_required"


def test_when_required_a_token_of_a_user_without_a_second_factor_is_refused(lead, settings):
    """A token issued before the requirement was switched on (or minted some other way) is no
    way around it."""
    api = Api(lead.caseworker)
    settings.BRIDGE_MFA_REQUIRED = True

    response = api.get("cases/")

    assert response.status_code == 403
    assert error_of(response) == {
        "code": "mfa_enrolment_required",
        "message": "Set up multi-factor authentication in the browser before using the API.",
        "fields": {},
    }


def test_when_required_a_token_of_an_enrolled_user_works(lead, settings):
    enrol(lead.caseworker)
    api = Api(lead.caseworker)
    settings.BRIDGE_MFA_REQUIRED = True

    response = api.get("me/")

    assert response.status_code == 200
    assert body(response)["mfa_enabled"] is True


def test_when_required_a_token_answers_in_one_query_for_user_agency_and_second_factor(
    lead, settings, django_assert_num_queries
):
    enrol(lead.caseworker)
    token = Token.objects.create(user=lead.caseworker)
    settings.BRIDGE_MFA_REQUIRED = True

    with django_assert_num_queries(1):
        user, _ = BridgeTokenAuthentication().authenticate_credentials(token.key)

    assert (user, user.agency) == (lead.caseworker, lead.agency)


def test_when_required_an_enrolled_user_works_normally(lead, settings):
    settings.BRIDGE_MFA_REQUIRED = True
    enrolment = enrol(lead.caseworker)
    client = Client()
    sign_in(client, lead.caseworker.username)
    client.post("/accounts/2fa/authenticate/", {"code": enrolment.code()})

    response = client.get(f"{API}/me/")

    assert response.status_code == 200
    assert body(response)["mfa_enabled"] is True


def test_enrolling_right_after_signing_in_is_audited(lead, client, django_capture_on_commit_callbacks):
    sign_in(client, lead.caseworker.username)
    page = client.get("/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    code = Enrolment(user=lead.caseworker, secret=secret, recovery_codes=[]).code()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/activate/", {"code": code})

    assert response.status_code == 302
    assert list(
        AuditRecord.objects.filter(event_type="mfa.added").values_list("detail__type", flat=True)
    ) == [
        "totp",
        "recovery_codes",
    ]


def test_changing_an_enrolled_second_factor_asks_for_the_password_again(lead, client):
    enrol(lead.caseworker)
    client.force_login(lead.caseworker)

    response = client.get("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/reauthenticate/")


def test_nobody_signs_up(client):
    response = client.post(
        "/accounts/signup/", {"username": "walk-in", "password1": "x" * 16, "password2": "x" * 16}
    )

    assert response.status_code == 200
    assert response.templates[0].name == "account/signup_closed.html"
