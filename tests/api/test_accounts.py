"""The caller, agencies and their members."""

import pytest
from django.core import mail

from agencies.models import Agency, User
from tests.api.conftest import body, error_of

pytestmark = pytest.mark.django_db


def test_me_describes_the_caller(api_as, lead):
    response = api_as(lead.liaison).get("me/")

    assert body(response) == {
        "id": str(lead.liaison.public_id),
        "username": lead.liaison.username,
        "agency": {"id": lead.agency.pk, "name": "Harris County CPS", "kind": "child_welfare"},
        "role": "liaison",
        "mfa_enabled": False,
        "language": "",
    }


def test_me_for_a_platform_administrator_has_no_agency(api_as, platform_admin):
    data = body(api_as(platform_admin).get("me/"))

    assert (data["agency"], data["role"]) == (None, "")


def test_every_user_lists_agencies(api_as, lead, partner):
    response = api_as(partner.admin).get("agencies/")

    assert [row["name"] for row in body(response)["results"]] == [
        "Harris County CPS",
        "Houston Police Department",
    ]


def test_platform_admin_creates_an_agency(api_as, platform_admin):
    response = api_as(platform_admin).post(
        "agencies/", {"name": "Travis County Sheriff", "kind": "law_enforcement", "jurisdiction": "tx"}
    )

    assert response.status_code == 201
    assert body(response) == {
        "id": Agency.objects.get(name="Travis County Sheriff").pk,
        "name": "Travis County Sheriff",
        "kind": "law_enforcement",
        "jurisdiction": "TX",
    }


@pytest.mark.parametrize("role", ["caseworker", "liaison", "supervisor", "agency_admin"])
def test_agency_members_may_not_create_agencies(api_as, lead, role):
    response = api_as(lead.by_role(role)).post("agencies/", {"name": "Rogue", "kind": "law_enforcement"})

    assert response.status_code == 403
    assert not Agency.objects.filter(name="Rogue").exists()


def test_platform_admin_creates_an_agency_with_a_200_character_name(api_as, platform_admin):
    response = api_as(platform_admin).post("agencies/", {"name": "N" * 200, "kind": "victim_services"})

    assert response.status_code == 201
    assert Agency.objects.get(pk=body(response)["id"]).name == "N" * 200


def test_agency_admin_adds_a_member_to_its_own_agency(api_as, lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(lead.admin).post(
            "users/",
            {
                "username": "new.worker",
                "email": "new.worker@example.org",
                "first_name": "New",
                "last_name": "Worker",
                "agency": lead.agency.pk,
                "role": "caseworker",
            },
        )

    assert response.status_code == 201
    user = User.objects.get(username="new.worker")
    assert body(response) == {
        "id": str(user.public_id),
        "username": "new.worker",
        "email": "new.worker@example.org",
        "first_name": "New",
        "last_name": "Worker",
        "agency": lead.agency.pk,
        "role": "caseworker",
        "is_active": True,
    }
    assert (user.agency, user.role, user.has_usable_password()) == (lead.agency, "caseworker", False)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["new.worker@example.org"], "[Bridge] Set up your account new.worker")
    ]


def test_an_empty_password_is_accepted_and_ignored(api_as, lead):
    response = api_as(lead.admin).post(
        "users/",
        {
            "username": "new.worker",
            "email": "new.worker@example.org",
            "password": "",
            "agency": lead.agency.pk,
            "role": "caseworker",
        },
    )

    assert response.status_code == 201
    assert User.objects.get(username="new.worker").has_usable_password() is False


@pytest.mark.parametrize("caller", ["platform", "agency_admin"])
def test_nobody_chooses_a_new_members_password(api_as, lead, platform_admin, caller):
    actor = platform_admin if caller == "platform" else lead.admin

    response = api_as(actor).post(
        "users/",
        {
            "username": "new.supervisor",
            "email": "new.supervisor@example.org",
            "password": "a-long-enough-passphrase",
            "agency": lead.agency.pk,
            "role": "supervisor",
        },
    )

    assert response.status_code == 400
    assert error_of(response) == {
        "code": "validation_error",
        "message": "Some fields are not valid.",
        "fields": {
            "password": ["Members set their own password through the enrolment link emailed to them."]
        },
    }
    assert not User.objects.filter(username="new.supervisor").exists()


def test_agency_admin_may_not_add_members_elsewhere(api_as, lead, partner):
    response = api_as(lead.admin).post(
        "users/",
        {
            "username": "mole",
            "email": "mole@example.org",
            "agency": partner.agency.pk,
            "role": "supervisor",
        },
    )

    assert response.status_code == 403
    assert not User.objects.filter(username="mole").exists()


def test_a_new_account_may_not_reuse_an_email_address(api_as, lead):
    response = api_as(lead.admin).post(
        "users/",
        {"username": "me.again", "email": lead.admin.email, "agency": lead.agency.pk, "role": "supervisor"},
    )

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"email": ["Another account uses this email address."]}


@pytest.mark.parametrize(
    ("role", "status"), [("agency_admin", 200), ("supervisor", 200), ("liaison", 200), ("caseworker", 403)]
)
def test_members_of_own_agency_are_listed_for_admins_supervisors_and_liaisons(api_as, lead, role, status):
    response = api_as(lead.by_role(role)).get("users/")

    assert response.status_code == status
    if status == 200:
        assert [row["role"] for row in body(response)["results"]] == [
            "caseworker",
            "liaison",
            "supervisor",
            "agency_admin",
        ]


def test_members_of_another_agency_are_not_listed(api_as, lead, partner):
    response = api_as(lead.supervisor).get("users/", {"agency": partner.agency.pk})

    assert response.status_code == 403


def test_platform_admin_lists_any_agency_and_must_name_it(api_as, platform_admin, partner):
    unnamed = api_as(platform_admin).get("users/")
    named = api_as(platform_admin).get("users/", {"agency": partner.agency.pk, "role": "liaison"})

    assert unnamed.status_code == 400
    assert [row["username"] for row in body(named)["results"]] == [partner.liaison.username]
