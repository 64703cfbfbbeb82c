"""`/api/v1/me/notification-preferences/`: the caller's own email choices, read and changed."""

import pytest

from audit.models import AuditRecord
from notifications.selectors import notification_preferences_for
from notifications.services import notification_preferences_update
from tests.api.conftest import Api, body, error_of

pytestmark = pytest.mark.django_db

PATH = "me/notification-preferences/"


def choices(user):
    preference = notification_preferences_for(user=user)
    return preference.email_enabled, preference.email_digest


def test_get_gives_the_defaults_before_anything_was_chosen(lead):
    response = Api(lead.caseworker).get(PATH)

    assert response.status_code == 200
    assert body(response) == {"email_enabled": True, "email_digest": False}


def test_get_gives_the_callers_own_choices(lead):
    notification_preferences_update(user=lead.caseworker, email_digest=True)
    notification_preferences_update(user=lead.liaison, email_enabled=False)

    response = Api(lead.caseworker).get(PATH)

    assert body(response) == {"email_enabled": True, "email_digest": True}


def test_patch_changes_only_the_fields_given(lead):
    notification_preferences_update(user=lead.caseworker, email_digest=True)

    response = Api(lead.caseworker).patch(PATH, {"email_enabled": False})

    assert response.status_code == 200
    assert body(response) == {"email_enabled": False, "email_digest": True}
    assert choices(lead.caseworker) == (False, True)


def test_patch_is_recorded_in_the_audit_log_with_what_changed(lead):
    Api(lead.caseworker).patch(PATH, {"email_enabled": True, "email_digest": True})

    record = AuditRecord.objects.get(event_type="notification_preferences.changed")
    assert (record.user_id, record.object_id, record.detail) == (
        lead.caseworker.pk,
        str(lead.caseworker.public_id),
        {"email_digest": True},
    )


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({"email_enabled": "false"}, "email_enabled"),
        ({"email_digest": 1}, "email_digest"),
        ({"email_digest": None}, "email_digest"),
    ],
)
def test_patch_refuses_values_that_are_not_json_booleans(lead, sent, field):
    response = Api(lead.caseworker).patch(PATH, sent)

    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], list(error["fields"])) == ("validation_error", [field])
    assert choices(lead.caseworker) == (True, False)


def test_patch_refuses_a_body_that_is_not_an_object(lead):
    response = Api(lead.caseworker).patch(PATH, [True])

    assert response.status_code == 400
    assert error_of(response)["code"] == "validation_error"


def test_patch_changes_nobody_else(lead, partner):
    """The path names no one: whatever the body says, only the caller's row changes."""
    Api(lead.caseworker).patch(PATH, {"email_enabled": False, "user": str(lead.liaison.public_id)})

    assert choices(lead.caseworker) == (False, False)
    assert choices(lead.liaison) == (True, False)
    assert choices(partner.caseworker) == (True, False)


@pytest.mark.parametrize("role", ["caseworker", "liaison", "supervisor", "agency_admin"])
def test_every_agency_role_reads_and_changes_its_own(lead, role):
    user = lead.by_role(role)

    response = Api(user).patch(PATH, {"email_digest": True})

    assert (response.status_code, body(response)) == (200, {"email_enabled": True, "email_digest": True})
    assert body(Api(user).get(PATH)) == {"email_enabled": True, "email_digest": True}


def test_a_platform_administrator_reads_and_changes_their_own(platform_admin):
    response = Api(platform_admin).patch(PATH, {"email_enabled": False})

    assert (response.status_code, body(response)) == (200, {"email_enabled": False, "email_digest": False})


@pytest.mark.parametrize("method", ["get", "patch"])
def test_anonymous_callers_get_401(method):
    response = getattr(Api(None), method)(PATH)

    assert response.status_code == 401


def test_put_is_not_allowed(lead):
    response = Api(lead.caseworker).raw("PUT", PATH, b'{"email_enabled": false}')

    assert response.status_code == 405
    assert choices(lead.caseworker) == (True, False)


def test_reading_takes_one_query_after_authentication(lead, django_assert_num_queries):
    client = Api(lead.caseworker)
    client.get(PATH)

    # The token and its user, then the preference row.
    with django_assert_num_queries(2):
        client.get(PATH)
