"""Every error, the application's and the framework's, comes in one shape:
`{"error": {"code", "message", "fields"}}`."""

import pytest
from django.test import RequestFactory

from config.urls import handler500
from tests.api.conftest import body, error_of

pytestmark = pytest.mark.django_db


def test_unauthenticated_request_is_401_with_token_challenge(api_as):
    response = api_as(None).get("cases/")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert error_of(response) == {
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided.",
        "fields": {},
    }


def test_unknown_token_is_401(api_as):
    api = api_as(None)
    api.client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = api.get("me/")

    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


def test_unknown_api_route_is_404_in_the_error_shape(api_as, lead):
    response = api_as(lead.caseworker).get("no-such-thing/")

    assert response.status_code == 404
    assert error_of(response) == {"code": "not_found", "message": "Not found.", "fields": {}}


def test_malformed_case_id_in_the_path_is_404(api_as, lead):
    response = api_as(lead.caseworker).get("cases/12345/")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_invisible_case_is_404_exactly_like_a_missing_one(api_as, case, unrelated):
    api = api_as(unrelated.supervisor)

    invisible = api.get(f"cases/{case.pk}/")
    missing = api.get("cases/00000000-0000-4000-8000-000000000000/")

    assert invisible.status_code == missing.status_code == 404
    assert invisible.content == missing.content


def test_method_not_allowed_is_405(api_as, lead):
    response = api_as(lead.caseworker).raw("PUT", "me/", b"{}")

    assert response.status_code == 405
    assert error_of(response) == {
        "code": "method_not_allowed",
        "message": 'Method "PUT" not allowed.',
        "fields": {},
    }


def test_form_encoded_body_is_415(api_as, lead):
    response = api_as(lead.caseworker).raw(
        "POST", "cases/", "pseudonym=A.B.", "application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_malformed_json_is_400(api_as, lead):
    response = api_as(lead.caseworker).raw("POST", "cases/", b'{"pseudonym": ')

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "parse_error"
    assert error["message"].startswith("JSON parse error")


def test_wrong_types_are_400_with_field_messages(api_as, lead):
    response = api_as(lead.caseworker).post(
        "cases/", {"pseudonym": 17, "age_band": "teen", "identity": {"aliases": "Mia", "date_of_birth": 5}}
    )

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert error["message"] == "Some fields are not valid."
    assert error["fields"] == {
        "pseudonym": ["Not a valid string."],
        "age_band": ['"teen" is not a valid choice.'],
        "identity.aliases": ['Expected a list of items but got type "str".'],
        "identity.date_of_birth": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
    }


def test_a_body_that_is_not_an_object_is_400(api_as, lead):
    response = api_as(lead.caseworker).post("cases/", ["M.R."])

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


def test_unknown_fields_are_ignored(api_as, lead):
    response = api_as(lead.caseworker).post(
        "cases/", {"pseudonym": "A.B.", "favourite_colour": "blue", "identity": {"shoe_size": 9}}
    )

    assert response.status_code == 201
    assert "favourite_colour" not in body(response)
    assert "shoe_size" not in body(response)["identity"]


def test_services_application_errors_map_to_their_status(api_as, shared_case, lead, partner):
    # Inviting an agency that already takes part is the service's Conflict.
    response = api_as(lead.liaison).post(
        f"cases/{shared_case.pk}/participants/", {"agency": partner.agency.pk}
    )

    assert response.status_code == 409
    assert error_of(response) == {
        "code": "conflict",
        "message": "This agency already takes part in the case.",
        "fields": {},
    }


def test_invalid_cursor_is_400(api_as, lead):
    response = api_as(lead.caseworker).get("cases/", {"cursor": "garbage"})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"cursor": ["Invalid cursor."]}


def test_server_error_on_an_api_path_keeps_the_error_shape():
    response = handler500(RequestFactory().get("/api/v1/cases/"))

    assert response.status_code == 500
    assert body(response) == {
        "error": {"code": "server_error", "message": "Something went wrong on our side.", "fields": {}}
    }


def test_server_error_outside_the_api_is_django_page():
    response = handler500(RequestFactory().get("/admin/"))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


# --- input that used to crash the server (issue 12, finding 10) ---------------------------------


@pytest.mark.parametrize(
    "cursor",
    [
        # Well-formed cursors whose position is not a value of the ordering column.
        "cD1ub3QtYS1kYXRl",  # p=not-a-date
        "cj0xJnA9MjAyNi0xMy00MA==",  # r=1&p=2026-13-40
    ],
)
def test_a_forged_cursor_is_a_400(api_as, lead, case, cursor):
    response = api_as(lead.caseworker).get("cases/", {"cursor": cursor})

    assert response.status_code == 400
    assert error_of(response) == {
        "code": "validation_error",
        "message": "Some fields are not valid.",
        "fields": {"cursor": ["Invalid cursor."]},
    }


def test_deeply_nested_json_is_a_400(api_as, lead, case):
    nested = "[" * 100_000 + "]" * 100_000

    response = api_as(lead.caseworker).client.post(
        f"/api/v1/cases/{case.pk}/notes/", nested, content_type="application/json"
    )

    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_a_hearing_at_the_end_of_time_is_a_400(api_as, lead, case):
    response = api_as(lead.caseworker).post(
        f"cases/{case.pk}/events/",
        {
            "type": "court_hearing_scheduled",
            "occurred_at": "2026-06-01T09:00:00-05:00",
            "details": {"hearing_at": "9999-12-31T23:59:59-12:00"},
        },
    )

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "details.hearing_at": ["Give a time between the years 1900 and 2199."]
    }
