"""Reading case links. A link exists for a reader only when they see both of its cases: both
ends are filtered with `casework.access.case_visibility_filter`, in one query whatever the number
of links."""

import uuid

from django.db.models import Q, QuerySet

from agencies.models import User
from casework.access import CaseAccess, case_visibility_filter
from common.errors import NotFound
from links.models import CaseLink


def links_visible_to(*, user: User) -> QuerySet[CaseLink]:
    return CaseLink.objects.filter(
        case_visibility_filter(user=user, case_ref="case_a_id"),
        case_visibility_filter(user=user, case_ref="case_b_id"),
    )


def case_links_visible(*, access: CaseAccess) -> QuerySet[CaseLink]:
    """The links of one case the reader sees, with both cases loaded for their numbers."""
    case_id = access.case.pk
    return (
        links_visible_to(user=access.user)
        .filter(Q(case_a_id=case_id) | Q(case_b_id=case_id))
        .select_related("case_a", "case_b")
        .order_by("created_at", "pk")
    )


def get_case_link(*, access: CaseAccess, link_id: uuid.UUID, lock: bool = False) -> CaseLink:
    links = case_links_visible(access=access)
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.filter(pk=link_id).first()
    if link is None:
        raise NotFound()
    return link
