"""Writes for agencies and their members.

No god mode (DOMAIN.md rule 1) shapes every member write here:

* nobody sets or sees another person's password: a new account gets an unusable password and an
  emailed enrolment link (`security.services`), and an administrator can only have a reset link
  emailed to the person;
* platform administrators hold no agency and no role (also a database constraint), and an
  administrator account never becomes a member: members and administrators are separate people
  or at least separate accounts;
* nobody changes their own role, agency or platform rights;
* an account that gains a case role in an agency (created with one, raised to one, moved into the
  agency or reactivated with one) is announced to that agency's supervisors and audited with the
  administrator who did it, so an administrator who makes themselves a case account is seen.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from agencies.access import is_platform_admin, may_create_agency, may_manage_members
from agencies.models import AGENCY_NAME_MAX_LENGTH, Agency, AgencyKind, Role, User, agency_group_name
from agencies.selectors import agency_supervisors
from audit.services import audit_record
from common.errors import PermissionDenied, ValidationFailed
from common.inputs import choice_errors, text_errors
from notifications.services import notify
from security.services import PasswordLinkPurpose, password_link_send

# How much case access each role carries; moving up this order is "raising" a role.
ROLE_RANK = {Role.AGENCY_ADMIN: 0, Role.CASEWORKER: 1, Role.LIAISON: 2, Role.SUPERVISOR: 3}
CASE_ROLES = frozenset({Role.CASEWORKER, Role.LIAISON, Role.SUPERVISOR})

OWN_ACCOUNT_REFUSAL = (
    "Nobody changes their own role, agency or platform rights; another administrator must do it."
)
ADMIN_NOT_MEMBER = (
    "Platform administrators hold no agency and no role; give the person a separate member account."
)
STAFF_STAYS_STAFF = (
    "A platform administrator's account never becomes an agency member; create a separate member "
    "account for the person."
)
SET_BY_THE_PERSON = "Members set their own password through the enrolment link emailed to them."

# Input contract of `agency_create`, `user_create`, `user_update` and `user_change_role` (the
# widths of the `Agency` columns and of Django's user columns).
AGENCY_KIND_CHOICES = AgencyKind.choices
JURISDICTION_MAX_LENGTH = 2
JURISDICTION_RULE = "Use `US` for federal agencies or a two-letter state code."
ROLE_CHOICES = Role.choices
USERNAME_MAX_LENGTH = 150
PERSON_NAME_MAX_LENGTH = 150
EMAIL_MAX_LENGTH = 254
EMAIL_REQUIRED = "The enrolment link is emailed here; an address is required."


def agency_create(*, actor: User, name: str, kind: str, jurisdiction: str = "US") -> Agency:
    if not may_create_agency(actor=actor):
        raise PermissionDenied("Only platform administrators create agencies.")
    errors: dict[str, list[str]] = {}
    if problems := text_errors(name, max_length=AGENCY_NAME_MAX_LENGTH):
        errors["name"] = problems
    if problems := choice_errors(kind, AgencyKind.values):
        errors["kind"] = problems
    name = name.strip()
    jurisdiction = jurisdiction.strip().upper()
    if not (len(jurisdiction) == JURISDICTION_MAX_LENGTH and jurisdiction.isalpha()):
        errors["jurisdiction"] = [JURISDICTION_RULE]
    if errors:
        raise ValidationFailed("The agency could not be created.", fields=errors)
    try:
        with transaction.atomic():
            agency = Agency(name=name, kind=kind, jurisdiction=jurisdiction)
            agency.group = Group.objects.create(name=agency_group_name(agency.public_id))
            agency.save(force_insert=True)
            return agency
    except IntegrityError as error:
        raise ValidationFailed(
            "The agency could not be created.", fields={"name": ["An agency with this name exists."]}
        ) from error


def membership_errors(
    *, agency: Agency | None, role: str, is_staff: bool, is_superuser: bool
) -> dict[str, list[str]]:
    """Field errors for an account's agency, role and platform flags (the database constraints
    `user_agency_and_role_go_together` and `user_staff_have_no_agency`, said in words)."""
    errors: dict[str, list[str]] = {}
    if is_staff or is_superuser:
        if agency is not None:
            errors["agency"] = [ADMIN_NOT_MEMBER]
        if role:
            errors["role"] = [ADMIN_NOT_MEMBER]
        return errors
    if agency is not None and (problems := choice_errors(role, Role.values)):
        errors["role"] = problems
    if agency is None and role:
        errors["agency"] = ["A role needs an agency."]
    return errors


@dataclass(frozen=True)
class AccountChangeCheck:
    """What is wrong with a proposed change of an account: `refusal` when the actor may not make
    it at all (403), `errors` per field when the values are wrong (400)."""

    refusal: str | None
    errors: dict[str, list[str]]


def account_change_check(
    *,
    actor: User,
    user: User,
    agency: Agency | None,
    role: str,
    is_staff: bool,
    is_superuser: bool,
) -> AccountChangeCheck:
    """Check a platform administrator's change of `user` (as stored) to these values. Shared by
    `user_update` and the admin's change form, so the form shows field errors rather than
    failing on a constraint."""
    if not is_platform_admin(actor):
        return AccountChangeCheck(refusal="Only platform administrators edit accounts.", errors={})
    changes_rights = (user.agency_id, user.role, user.is_staff, user.is_superuser) != (
        agency.pk if agency is not None else None,
        role,
        is_staff,
        is_superuser,
    )
    if user.pk == actor.pk and changes_rights:
        return AccountChangeCheck(refusal=OWN_ACCOUNT_REFUSAL, errors={})
    errors = membership_errors(agency=agency, role=role, is_staff=is_staff, is_superuser=is_superuser)
    if (user.is_staff or user.is_superuser) and agency is not None:
        errors["agency"] = [STAFF_STAYS_STAFF]
    return AccountChangeCheck(refusal=None, errors=errors)


def new_account_errors(
    *, username: str, email: str, agency: Agency | None, role: str, is_staff: bool, is_superuser: bool
) -> dict[str, list[str]]:
    """Field errors for a new account; shared by `user_create` and the admin's add form."""
    errors = membership_errors(agency=agency, role=role, is_staff=is_staff, is_superuser=is_superuser)
    if problems := text_errors(username, max_length=USERNAME_MAX_LENGTH):
        errors["username"] = problems
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["This username is taken."]
    if problems := text_errors(email, max_length=EMAIL_MAX_LENGTH, blank=EMAIL_REQUIRED):
        errors["email"] = problems
    elif User.objects.filter(email__iexact=email).exists():
        # One address per account: otherwise an administrator could give a new account their own
        # address and receive its enrolment link.
        errors["email"] = ["Another account uses this email address."]
    return errors


def _person_name_errors(*, first_name: str, last_name: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if problems := text_errors(value, max_length=PERSON_NAME_MAX_LENGTH, required=False):
            errors[field] = problems
    return errors


def user_create(
    *,
    actor: User | None,
    username: str,
    email: str,
    agency: Agency | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    enrolment_email: bool = True,
) -> User:
    """Create an account with no usable password and email the person a link to set their own
    (valid BRIDGE_ENROLMENT_LINK_HOURS); they enrol a second factor at their first sign-in.

    `actor=None` is reserved for trusted callers (management commands). `enrolment_email=False`
    is for the demo alone, which then sets its published demo password itself."""
    if actor is not None:
        if agency is None or is_staff or is_superuser:
            if not is_platform_admin(actor):
                raise PermissionDenied("Only platform administrators create platform administrators.")
        elif not may_manage_members(actor=actor, agency=agency):
            raise PermissionDenied("You may only add members to your own agency.")
    # As `create_user` will store it (Unicode NFKC), so the uniqueness check sees the stored name.
    username = User.normalize_username(username.strip())
    email = email.strip()
    errors = new_account_errors(
        username=username, email=email, agency=agency, role=role, is_staff=is_staff, is_superuser=is_superuser
    ) | _person_name_errors(first_name=first_name, last_name=last_name)
    if errors:
        raise ValidationFailed("The user could not be created.", fields=errors)
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            email=email,
            password=None,
            first_name=first_name,
            last_name=last_name,
            agency=agency,
            role=role if agency is not None else "",
            is_staff=is_staff,
            is_superuser=is_superuser,
        )
        if agency is not None:
            user.groups.add(agency.group)
        audit_record(
            event_type="account.created",
            user=actor,
            object_type="user",
            object_id=str(user.public_id),
            detail={"agency": user.agency_id, "role": user.role, "platform_admin": is_staff or is_superuser},
        )
        _announce_case_access(actor=actor, user=user, before=None)
        if enrolment_email:
            password_link_send(user=user, purpose=PasswordLinkPurpose.ENROLMENT)
    return user


@transaction.atomic
def user_change_role(*, actor: User, user: User, role: str) -> User:
    """An administrator of the member's agency (or a platform administrator) changes their role.
    Nobody changes their own. Raising a role is announced to the agency's supervisors."""
    if user.agency is None or not may_manage_members(actor=actor, agency=user.agency):
        raise PermissionDenied("You may only change roles in your own agency.")
    if user.pk == actor.pk:
        raise PermissionDenied(OWN_ACCOUNT_REFUSAL)
    if problems := choice_errors(role, Role.values):
        raise ValidationFailed("Unknown role.", fields={"role": problems})
    current = User.objects.select_for_update().get(pk=user.pk)
    before = _Access.of(current)
    current.role = role
    current.save(update_fields=["role"])
    audit_record(
        event_type="account.role_changed",
        user=actor,
        object_type="user",
        object_id=str(current.public_id),
        detail={"agency": current.agency_id, "from": before.role, "to": role},
    )
    _announce_case_access(actor=actor, user=current, before=before)
    return current


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    username: str,
    first_name: str,
    last_name: str,
    agency: Agency | None,
    role: str,
    is_active: bool,
    is_staff: bool,
    is_superuser: bool,
) -> User:
    """A platform administrator's edit of an account (the admin's change form). The email address
    is not editable here: a reset link goes to it, so whoever could change it could take the
    account over; the person changes it themselves."""
    current = User.objects.select_for_update().get(pk=user.pk)
    check = account_change_check(
        actor=actor, user=current, agency=agency, role=role, is_staff=is_staff, is_superuser=is_superuser
    )
    if check.refusal is not None:
        raise PermissionDenied(check.refusal)
    username = username.strip()
    errors = dict(check.errors) | _person_name_errors(first_name=first_name, last_name=last_name)
    if problems := text_errors(username, max_length=USERNAME_MAX_LENGTH):
        errors["username"] = problems
    elif User.objects.filter(username__iexact=username).exclude(pk=current.pk).exists():
        errors["username"] = ["This username is taken."]
    if errors:
        raise ValidationFailed("The account could not be changed.", fields=errors)
    before = _Access.of(current)
    current.username = username
    current.first_name = first_name
    current.last_name = last_name
    current.agency = agency
    current.role = role if agency is not None else ""
    current.is_active = is_active
    current.is_staff = is_staff
    current.is_superuser = is_superuser
    current.save(
        update_fields=[
            "username",
            "first_name",
            "last_name",
            "agency",
            "role",
            "is_active",
            "is_staff",
            "is_superuser",
        ]
    )
    current.groups.set([agency.group] if agency is not None else [])
    _announce_case_access(actor=actor, user=current, before=before)
    return current


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """An administrator of the member's agency (or a platform administrator) deactivates an account
    (the person left: they can no longer sign in, and their sessions and tokens stop working) or
    reactivates it, which is announced to the supervisors like any new case role. Nobody their own."""
    if user.agency is None or not may_manage_members(actor=actor, agency=user.agency):
        raise PermissionDenied("You may only change accounts of your own agency.")
    if user.pk == actor.pk:
        raise PermissionDenied(OWN_ACCOUNT_REFUSAL)
    current = User.objects.select_for_update(of=("self",)).select_related("agency").get(pk=user.pk)
    if current.is_active == active:
        return current
    before = _Access.of(current)
    current.is_active = active
    current.save(update_fields=["is_active"])
    audit_record(
        event_type="account.reactivated" if active else "account.deactivated",
        user=actor,
        object_type="user",
        object_id=str(current.public_id),
        detail={"agency": current.agency_id, "role": current.role},
    )
    _announce_case_access(actor=actor, user=current, before=before)
    return current


@transaction.atomic
def user_password_link_send(*, actor: User, user: User) -> None:
    """Email `user` a link to choose a new password (the administrator never sees it or the
    password). Platform administrators may send one to anyone; agency administrators to members
    of their agency. Audited with the administrator as actor."""
    allowed = is_platform_admin(actor) or (
        user.agency is not None and may_manage_members(actor=actor, agency=user.agency)
    )
    if not allowed:
        raise PermissionDenied("You may only send reset links to members of your own agency.")
    # The link is signed over the stored password hash, last sign-in and email address: sign it
    # over what the database holds, not over a copy that may be older.
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationFailed("The account is deactivated.", fields={"user": ["Reactivate it first."]})
    if not user.email:
        raise ValidationFailed("The account has no email address.", fields={"email": ["Required."]})
    audit_record(
        event_type="account.password_link_sent",
        user=actor,
        object_type="user",
        object_id=str(user.public_id),
        detail={"purpose": PasswordLinkPurpose.RESET},
    )
    password_link_send(user=user, purpose=PasswordLinkPurpose.RESET)


@dataclass(frozen=True)
class _Access:
    """The case access an account carries: its agency and role while active."""

    agency_id: int | None
    role: str

    @classmethod
    def of(cls, user: User) -> "_Access":
        if not user.is_active or user.agency_id is None:
            return cls(agency_id=None, role=user.role)
        return cls(agency_id=user.agency_id, role=user.role)

    def case_rank(self, agency_id: int) -> int:
        if self.agency_id != agency_id or self.role not in CASE_ROLES:
            return -1
        return ROLE_RANK[Role(self.role)]


def _announce_case_access(*, actor: User | None, user: User, before: _Access | None) -> None:
    """Tell the agency's supervisors (inbox and email) and the audit log when `user` now holds a
    case role there that they did not hold before, or a higher one. The message names accounts
    and roles, never a case."""
    after = _Access.of(user)
    if after.agency_id is None or after.role not in CASE_ROLES:
        return
    previous = before.case_rank(after.agency_id) if before is not None else -1
    if ROLE_RANK[Role(after.role)] <= previous:
        return
    role_label = Role(after.role).label.lower()
    by = actor.username if actor is not None else "a system operator"
    if before is None:
        message = f"A new {role_label} account, {user.username}, was created in your agency by {by}."
    elif previous < 0 and before.agency_id != after.agency_id:
        message = f"{user.username} now works on your agency's cases as {role_label}, set by {by}."
    else:
        message = f"{user.username} was given the {role_label} role in your agency by {by}."
    audit_record(
        event_type="account.case_role_granted",
        user=actor,
        object_type="user",
        object_id=str(user.public_id),
        detail={
            "agency": after.agency_id,
            "role": after.role,
            "previous_role": before.role if before is not None else "",
        },
    )
    assert user.agency is not None
    supervisors = agency_supervisors(agency=user.agency).exclude(pk=user.pk)
    notify(recipients=supervisors, kind="case_role_granted", case=None, message=message)


def user_language_set(*, user: User, language: str) -> str:
    """The language `user` reads Bridge in, and is written to in; blank follows their browser
    (and English for emails). Everyone chooses their own; nobody chooses for another."""
    allowed = ["", *(code for code, _name in settings.LANGUAGES)]
    errors = choice_errors(language, allowed)
    if errors:
        raise ValidationFailed(errors[0], fields={"language": errors})
    user.language = language
    user.save(update_fields=["language"])
    return language
