from django.db.models import QuerySet

from agencies.models import Agency, Role, User


def agency_members(*, agency: Agency) -> QuerySet[User]:
    return User.objects.filter(agency=agency, is_active=True).select_related("agency").order_by("username")


def agency_members_with_role(*, agency: Agency, roles: set[str]) -> QuerySet[User]:
    return agency_members(agency=agency).filter(role__in=roles)


def agency_supervisors(*, agency: Agency) -> QuerySet[User]:
    return agency_members_with_role(agency=agency, roles={Role.SUPERVISOR})


def agency_liaisons(*, agency: Agency) -> QuerySet[User]:
    return agency_members_with_role(agency=agency, roles={Role.LIAISON})


def agency_accounts(*, agency: Agency) -> QuerySet[User]:
    """Every account of the agency, deactivated ones included, for the people who manage them."""
    return User.objects.filter(agency=agency).order_by("-is_active", "last_name", "first_name", "username")
