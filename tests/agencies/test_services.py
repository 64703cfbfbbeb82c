import pytest
from django.core import mail
from django.db import IntegrityError

from agencies.models import AgencyKind, Role, User
from agencies.services import (
    ADMIN_NOT_MEMBER,
    OWN_ACCOUNT_REFUSAL,
    STAFF_STAYS_STAFF,
    agency_create,
    user_change_role,
    user_create,
    user_password_link_send,
    user_update,
)
from audit.models import AuditRecord
from common.errors import PermissionDenied, ValidationFailed
from notifications.models import EmailDelivery, Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _new_member(actor, agency, role, username="newbie"):
    return user_create(
        actor=actor, username=username, email=f"{username}@example.org", agency=agency, role=role
    )


def _update(actor, user, **changes):
    values = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "agency": user.agency,
        "role": user.role,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        **changes,
    }
    return user_update(actor=actor, user=user, **values)


# --- agencies -------------------------------------------------------------------------------------


def test_platform_admin_creates_an_agency_with_its_group(platform_admin):
    agency = agency_create(
        actor=platform_admin, name=" Metro PD ", kind=AgencyKind.LAW_ENFORCEMENT, jurisdiction="tx"
    )

    assert (agency.name, agency.jurisdiction, agency.group.name) == (
        "Metro PD",
        "TX",
        f"agency:{agency.public_id}",
    )


def test_an_agency_name_of_200_characters_fits_its_group(platform_admin):
    agency = agency_create(actor=platform_admin, name="N" * 200, kind=AgencyKind.CHILD_WELFARE)

    assert (len(agency.name), agency.group.name) == (200, f"agency:{agency.public_id}")


def test_an_agency_name_over_200_characters_is_a_field_error(platform_admin):
    with pytest.raises(ValidationFailed) as error:
        agency_create(actor=platform_admin, name="N" * 201, kind=AgencyKind.CHILD_WELFARE)

    assert error.value.fields == {"name": ["At most 200 characters."]}


def test_agency_members_cannot_create_agencies(lead):
    with pytest.raises(PermissionDenied):
        agency_create(actor=lead.supervisor, name="X", kind=AgencyKind.CHILD_WELFARE)


def test_bad_agency_input_names_the_fields(platform_admin):
    with pytest.raises(ValidationFailed) as error:
        agency_create(actor=platform_admin, name="", kind="army", jurisdiction="Texas")

    assert sorted(error.value.fields) == ["jurisdiction", "kind", "name"]


# --- creating accounts ----------------------------------------------------------------------------


def test_agency_admin_adds_a_member_to_their_own_agency(lead):
    user = _new_member(lead.admin, lead.agency, Role.CASEWORKER)

    assert (user.agency, user.role, user.groups.get()) == (lead.agency, Role.CASEWORKER, lead.agency.group)


def test_a_new_account_has_no_password_anyone_chose(lead):
    user = _new_member(lead.admin, lead.agency, Role.SUPERVISOR)

    assert User.objects.get(pk=user.pk).has_usable_password() is False


def test_a_new_account_is_emailed_an_enrolment_link_after_commit(lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = _new_member(lead.admin, lead.agency, Role.CASEWORKER)

    [message] = mail.outbox
    assert (message.to, message.subject) == (["newbie@example.org"], "[Bridge] Set up your account newbie")
    assert "/accounts/password/reset/key/" in message.body
    assert "The link works once and for 72 hours" in message.body
    assert user.username in message.body


def test_no_enrolment_email_leaves_before_the_account_is_committed(lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        _new_member(lead.admin, lead.agency, Role.AGENCY_ADMIN)

    assert mail.outbox == []


def test_agency_admin_cannot_add_to_another_agency(lead, partner):
    with pytest.raises(PermissionDenied):
        _new_member(lead.admin, partner.agency, Role.CASEWORKER, username="x")


def test_taken_usernames_and_email_addresses_are_refused(lead):
    with pytest.raises(ValidationFailed) as error:
        user_create(
            actor=lead.admin,
            username=lead.caseworker.username.upper(),
            email=lead.caseworker.email.upper(),
            agency=lead.agency,
            role=Role.CASEWORKER,
        )

    assert error.value.fields == {
        "username": ["This username is taken."],
        "email": ["Another account uses this email address."],
    }


def test_a_username_taken_once_unicode_normalises_it_is_refused(lead):
    """Full-width letters are stored as their plain forms; found only by the database, it was a 500."""
    UserFactory(username="fiona", agency=lead.agency)

    with pytest.raises(ValidationFailed) as error:
        user_create(
            actor=lead.admin,
            username="\uff46\uff49\uff4f\uff4e\uff41",
            email="f2@example.org",
            agency=lead.agency,
            role=Role.CASEWORKER,
        )

    assert error.value.fields == {"username": ["This username is taken."]}


def test_an_agency_admin_cannot_give_a_new_account_their_own_email_address(lead):
    with pytest.raises(ValidationFailed) as error:
        user_create(
            actor=lead.admin,
            username="second-me",
            email=lead.admin.email,
            agency=lead.agency,
            role=Role.SUPERVISOR,
        )

    assert error.value.fields == {"email": ["Another account uses this email address."]}
    assert not User.objects.filter(username="second-me").exists()


def test_a_new_account_needs_an_email_address_for_its_link(lead):
    with pytest.raises(ValidationFailed) as error:
        user_create(actor=lead.admin, username="nomail", email=" ", agency=lead.agency, role=Role.CASEWORKER)

    assert error.value.fields == {"email": ["The enrolment link is emailed here; an address is required."]}


def test_a_platform_administrator_account_gets_no_agency_or_role(platform_admin, lead):
    with pytest.raises(ValidationFailed) as error:
        user_create(
            actor=platform_admin,
            username="admin-and-supervisor",
            email="both@example.org",
            agency=lead.agency,
            role=Role.SUPERVISOR,
            is_staff=True,
        )

    assert error.value.fields == {"agency": [ADMIN_NOT_MEMBER], "role": [ADMIN_NOT_MEMBER]}


def test_the_database_refuses_an_agency_for_a_staff_account(lead):
    lead.supervisor.is_staff = True

    with pytest.raises(IntegrityError):
        lead.supervisor.save(update_fields=["is_staff"])


def test_the_database_refuses_a_role_for_a_superuser_without_an_agency(platform_admin):
    platform_admin.role = Role.SUPERVISOR

    with pytest.raises(IntegrityError):
        platform_admin.save(update_fields=["role"])


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.LIAISON, Role.SUPERVISOR])
def test_creating_a_case_role_account_tells_the_agencys_supervisors(lead, role):
    other_supervisor = UserFactory(agency=lead.agency, role=Role.SUPERVISOR)

    user = _new_member(lead.admin, lead.agency, role)

    notices = Notification.objects.filter(kind="case_role_granted").order_by("recipient_id")
    label = Role(role).label.lower()
    assert [(n.recipient, n.case, n.message) for n in notices] == [
        (
            supervisor,
            None,
            f"A new {label} account, {user.username}, was created in your agency by {lead.admin.username}.",
        )
        for supervisor in (lead.supervisor, other_supervisor)
    ]
    delivery = EmailDelivery.objects.get(notification=notices[0])
    assert delivery.subject == "[Bridge] a member of your agency now works on cases"
    assert "Case:" not in delivery.body


def test_creating_an_agency_administrator_account_tells_nobody(lead):
    _new_member(lead.admin, lead.agency, Role.AGENCY_ADMIN)

    assert Notification.objects.count() == 0


def test_creating_a_case_role_account_is_audited_with_the_administrator(lead):
    user = _new_member(lead.admin, lead.agency, Role.SUPERVISOR)

    records = AuditRecord.objects.filter(event_type__startswith="account.").order_by("id")
    assert [(r.event_type, r.user, r.object_id, r.detail) for r in records] == [
        (
            "account.created",
            lead.admin,
            str(user.public_id),
            {"agency": lead.agency.pk, "role": "supervisor", "platform_admin": False},
        ),
        (
            "account.case_role_granted",
            lead.admin,
            str(user.public_id),
            {"agency": lead.agency.pk, "role": "supervisor", "previous_role": ""},
        ),
    ]


# --- roles ----------------------------------------------------------------------------------------


def test_role_change_stays_inside_the_agency(lead, partner):
    user_change_role(actor=lead.admin, user=lead.caseworker, role=Role.LIAISON)
    with pytest.raises(PermissionDenied):
        user_change_role(actor=lead.admin, user=partner.caseworker, role=Role.LIAISON)

    assert User.objects.get(pk=lead.caseworker.pk).role == Role.LIAISON


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.LIAISON, Role.SUPERVISOR])
def test_an_agency_admin_cannot_give_themselves_a_case_role(lead, role):
    with pytest.raises(PermissionDenied) as error:
        user_change_role(actor=lead.admin, user=lead.admin, role=role)

    assert error.value.message == OWN_ACCOUNT_REFUSAL
    assert User.objects.get(pk=lead.admin.pk).role == Role.AGENCY_ADMIN


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (Role.AGENCY_ADMIN, Role.CASEWORKER),
        (Role.AGENCY_ADMIN, Role.SUPERVISOR),
        (Role.CASEWORKER, Role.LIAISON),
        (Role.CASEWORKER, Role.SUPERVISOR),
        (Role.LIAISON, Role.SUPERVISOR),
    ],
)
def test_raising_a_role_tells_the_agencys_supervisors(lead, start, end):
    member = UserFactory(agency=lead.agency, role=start)

    user_change_role(actor=lead.admin, user=member, role=end)

    [notice] = Notification.objects.filter(kind="case_role_granted")
    assert (notice.recipient, notice.message) == (
        lead.supervisor,
        f"{member.username} was given the {Role(end).label.lower()} role in your agency "
        f"by {lead.admin.username}.",
    )
    assert AuditRecord.objects.filter(
        event_type="account.case_role_granted", user=lead.admin, object_id=str(member.public_id)
    ).exists()


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (Role.SUPERVISOR, Role.LIAISON),
        (Role.LIAISON, Role.CASEWORKER),
        (Role.CASEWORKER, Role.AGENCY_ADMIN),
    ],
)
def test_lowering_a_role_tells_nobody(lead, start, end):
    member = UserFactory(agency=lead.agency, role=start)

    user_change_role(actor=lead.admin, user=member, role=end)

    assert Notification.objects.count() == 0
    assert AuditRecord.objects.get(event_type="account.role_changed").detail == {
        "agency": lead.agency.pk,
        "from": start,
        "to": end,
    }


# --- platform administrators' edits (the admin's change form) -------------------------------------


def test_a_platform_admin_cannot_give_themselves_an_agency(platform_admin, lead):
    with pytest.raises(PermissionDenied) as error:
        _update(
            platform_admin,
            platform_admin,
            is_staff=False,
            is_superuser=False,
            agency=lead.agency,
            role=Role.SUPERVISOR,
        )

    assert error.value.message == OWN_ACCOUNT_REFUSAL
    platform_admin.refresh_from_db()
    assert (platform_admin.agency, platform_admin.role, platform_admin.is_superuser) == (None, "", True)


def test_another_platform_admin_cannot_become_a_member(platform_admin, lead):
    colleague = UserFactory(agency=None, role="", is_staff=True)

    with pytest.raises(ValidationFailed) as error:
        _update(platform_admin, colleague, is_staff=False, agency=lead.agency, role=Role.SUPERVISOR)

    assert error.value.fields == {"agency": [STAFF_STAYS_STAFF]}


def test_a_member_cannot_be_made_staff_while_in_an_agency(platform_admin, lead):
    with pytest.raises(ValidationFailed) as error:
        _update(platform_admin, lead.caseworker, is_staff=True)

    assert error.value.fields == {"agency": [ADMIN_NOT_MEMBER], "role": [ADMIN_NOT_MEMBER]}


def test_moving_a_member_into_an_agency_tells_that_agencys_supervisors(platform_admin, lead, partner):
    _update(platform_admin, lead.caseworker, agency=partner.agency, role=Role.LIAISON)

    [notice] = Notification.objects.filter(kind="case_role_granted")
    assert (notice.recipient, notice.message) == (
        partner.supervisor,
        f"{lead.caseworker.username} now works on your agency's cases as liaison, "
        f"set by {platform_admin.username}.",
    )
    assert list(User.objects.get(pk=lead.caseworker.pk).groups.all()) == [partner.agency.group]


def test_reactivating_a_case_role_account_tells_the_supervisors(platform_admin, lead):
    lead.liaison.is_active = False
    lead.liaison.save(update_fields=["is_active"])

    _update(platform_admin, lead.liaison, is_active=True)

    assert [n.recipient for n in Notification.objects.filter(kind="case_role_granted")] == [lead.supervisor]


# --- reset links ----------------------------------------------------------------------------------


def test_an_agency_admin_sends_a_member_of_their_agency_a_reset_link(
    lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user_password_link_send(actor=lead.admin, user=lead.caseworker)

    [message] = mail.outbox
    assert (message.to, message.subject) == (
        [lead.caseworker.email],
        f"[Bridge] Choose a new password for {lead.caseworker.username}",
    )
    record = AuditRecord.objects.get(event_type="account.password_link_sent")
    assert (record.user, record.object_id) == (lead.admin, str(lead.caseworker.public_id))


def test_an_agency_admin_cannot_send_a_reset_link_to_another_agency(lead, partner):
    with pytest.raises(PermissionDenied):
        user_password_link_send(actor=lead.admin, user=partner.supervisor)

    assert not AuditRecord.objects.filter(event_type="account.password_link_sent").exists()


def test_a_supervisor_cannot_send_reset_links(lead):
    with pytest.raises(PermissionDenied):
        user_password_link_send(actor=lead.supervisor, user=lead.caseworker)
