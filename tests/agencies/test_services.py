import pytest

from agencies.models import AgencyKind, Role, User
from agencies.services import agency_create, user_change_role, user_create
from common.errors import PermissionDenied, ValidationFailed
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_platform_admin_creates_an_agency_with_its_group(platform_admin):
    agency = agency_create(
        actor=platform_admin, name=" Metro PD ", kind=AgencyKind.LAW_ENFORCEMENT, jurisdiction="tx"
    )

    assert (agency.name, agency.jurisdiction, agency.group.name) == ("Metro PD", "TX", "agency:Metro PD")


def test_agency_members_cannot_create_agencies(lead):
    with pytest.raises(PermissionDenied):
        agency_create(actor=lead.supervisor, name="X", kind=AgencyKind.CHILD_WELFARE)


def test_bad_agency_input_names_the_fields(platform_admin):
    with pytest.raises(ValidationFailed) as error:
        agency_create(actor=platform_admin, name="", kind="army", jurisdiction="Texas")

    assert sorted(error.value.fields) == ["jurisdiction", "kind", "name"]


def test_agency_admin_adds_a_member_to_their_own_agency(lead):
    user = user_create(
        actor=lead.admin,
        username="newbie",
        email="n@example.org",
        password=PASSWORD,
        agency=lead.agency,
        role=Role.CASEWORKER,
    )

    assert user.groups.get() == lead.agency.group


def test_agency_admin_cannot_add_to_another_agency(lead, partner):
    with pytest.raises(PermissionDenied):
        user_create(
            actor=lead.admin,
            username="x",
            email="x@example.org",
            password=PASSWORD,
            agency=partner.agency,
            role=Role.CASEWORKER,
        )


def test_weak_passwords_and_taken_usernames_are_refused(lead):
    with pytest.raises(ValidationFailed) as error:
        user_create(
            actor=lead.admin,
            username=lead.caseworker.username,
            email="x@example.org",
            password="password",
            agency=lead.agency,
            role=Role.CASEWORKER,
        )

    assert sorted(error.value.fields) == ["password", "username"]


def test_role_change_stays_inside_the_agency(lead, partner):
    user_change_role(actor=lead.admin, user=lead.caseworker, role=Role.LIAISON)
    with pytest.raises(PermissionDenied):
        user_change_role(actor=lead.admin, user=partner.caseworker, role=Role.LIAISON)

    assert User.objects.get(pk=lead.caseworker.pk).role == Role.LIAISON
