"""The policy's reverse direction: which people are on a case, or may or must act on it."""

from agencies.models import User
from casework.access.policy import CaseAccess
from casework.access.sql import WORK_ON_CASE
from casework.models import CaseUserObjectPermission


def case_team(*, access: CaseAccess) -> list[User]:
    """The reader's colleagues on this case's team (each agency builds its own team), active ones."""
    on_team = CaseUserObjectPermission.objects.filter(
        content_object=access.case,
        permission__codename=WORK_ON_CASE,
        permission__content_type__app_label=access.case._meta.app_label,
    ).values("user_id")
    return list(
        User.objects.filter(pk__in=on_team, agency_id=access.user.agency_id, is_active=True).order_by(
            "last_name", "first_name", "username"
        )
    )
