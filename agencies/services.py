"""Writes for agencies and their members."""

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agencies.access import may_create_agency, may_manage_members
from agencies.models import Agency, AgencyKind, Role, User
from common.errors import PermissionDenied, ValidationFailed


def agency_create(*, actor: User, name: str, kind: str, jurisdiction: str = "US") -> Agency:
    if not may_create_agency(actor=actor):
        raise PermissionDenied("Only platform administrators create agencies.")
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["This field may not be blank."]
    if kind not in AgencyKind.values:
        errors["kind"] = [f"Must be one of: {', '.join(AgencyKind.values)}."]
    jurisdiction = jurisdiction.strip().upper()
    if not (jurisdiction == "US" or (len(jurisdiction) == 2 and jurisdiction.isalpha())):
        errors["jurisdiction"] = ["Use `US` for federal agencies or a two-letter state code."]
    if errors:
        raise ValidationFailed("The agency could not be created.", fields=errors)
    try:
        with transaction.atomic():
            group = Group.objects.create(name=f"agency:{name}")
            return Agency.objects.create(name=name, kind=kind, jurisdiction=jurisdiction, group=group)
    except IntegrityError as error:
        raise ValidationFailed(
            "The agency could not be created.", fields={"name": ["An agency with this name exists."]}
        ) from error


def user_create(
    *,
    actor: User | None,
    username: str,
    email: str,
    password: str,
    agency: Agency | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    is_staff: bool = False,
) -> User:
    """Create a person. `actor=None` is reserved for trusted callers (management commands)."""
    if actor is not None:
        if agency is None or is_staff:
            if not (actor.is_staff or actor.is_superuser):
                raise PermissionDenied("Only platform administrators create platform administrators.")
        elif not may_manage_members(actor=actor, agency=agency):
            raise PermissionDenied("You may only add members to your own agency.")
    errors: dict[str, list[str]] = {}
    if not username.strip():
        errors["username"] = ["This field may not be blank."]
    elif User.objects.filter(username__iexact=username.strip()).exists():
        errors["username"] = ["This username is taken."]
    if agency is not None and role not in Role.values:
        errors["role"] = [f"Must be one of: {', '.join(Role.values)}."]
    if agency is None and role:
        errors["agency"] = ["A role needs an agency."]
    candidate = User(username=username.strip(), email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    if errors:
        raise ValidationFailed("The user could not be created.", fields=errors)
    user = User.objects.create_user(
        username=username.strip(),
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        agency=agency,
        role=role if agency is not None else "",
        is_staff=is_staff,
    )
    if agency is not None:
        user.groups.add(agency.group)
    return user


@transaction.atomic
def user_change_role(*, actor: User, user: User, role: str) -> User:
    if user.agency is None or not may_manage_members(actor=actor, agency=user.agency):
        raise PermissionDenied("You may only change roles in your own agency.")
    if role not in Role.values:
        raise ValidationFailed(
            "Unknown role.", fields={"role": [f"Must be one of: {', '.join(Role.values)}."]}
        )
    user.role = role
    user.save(update_fields=["role"])
    return user


@transaction.atomic
def user_sync_agency_group(*, user: User) -> User:
    """Make the user's groups exactly their agency's group. Agency groups are the only groups in
    Bridge, so membership alone decides them. Trusted callers only (the admin checks permission)."""
    if user.agency_id is None and user.role:
        user.role = ""
        user.save(update_fields=["role"])
    user.groups.set([user.agency.group] if user.agency is not None else [])
    return user
