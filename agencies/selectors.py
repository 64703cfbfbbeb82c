from django.db.models import QuerySet

from agencies.models import Agency, Role, User


def agency_members(*, agency: Agency) -> QuerySet[User]:
    return User.objects.filter(agency=agency, is_active=True).select_related("agency").order_by("username")


def agency_supervisors(*, agency: Agency) -> QuerySet[User]:
    """Who hears about the agency's own accounts (a member given a case role). Who is told about
    a case is the case policy's answer (`casework.access.audience`), which this layer may not import."""
    return agency_members(agency=agency).filter(role=Role.SUPERVISOR)


def agency_accounts(*, agency: Agency) -> QuerySet[User]:
    """Every account of the agency, deactivated ones included, for the people who manage them."""
    return User.objects.filter(agency=agency).order_by("-is_active", "last_name", "first_name", "username")
