"""Who may manage agencies and their members. Case access lives in `casework.access`."""

from agencies.models import Agency, Role, User


def is_platform_admin(user: User) -> bool:
    return bool(user.is_active and (user.is_staff or user.is_superuser))


def may_create_agency(*, actor: User) -> bool:
    return is_platform_admin(actor)


def may_manage_members(*, actor: User, agency: Agency) -> bool:
    if is_platform_admin(actor):
        return True
    return actor.agency_id == agency.pk and actor.role == Role.AGENCY_ADMIN


def may_list_members(*, actor: User, agency: Agency) -> bool:
    if may_manage_members(actor=actor, agency=agency):
        return True
    return actor.agency_id == agency.pk and actor.role in {Role.SUPERVISOR, Role.LIAISON}
