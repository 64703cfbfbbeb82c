"""Reading case links. A link exists for a reader only when they see both of its cases: both
ends are filtered with `casework.access.case_visibility_filter`, in one query whatever the number
of links."""

import uuid

from django.db import connection
from django.db.models import Q, QuerySet

from agencies.models import User
from casework.access import CaseAccess, case_visibility_filter
from casework.models import Case
from common.errors import NotFound
from links.models import CaseLink, LinkKind


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


def sibling_group(*, access: CaseAccess) -> QuerySet[Case]:
    """The case's sibling group as the reader sees it: every case reached from this one through
    sibling links the reader sees (both cases visible to them), however many links away, oldest
    first. A sibling reached only through a case the reader cannot see is not in it: the group
    never tells them of a link they do not see. Two queries whatever the group's size."""
    links, params = (
        links_visible_to(user=access.user)
        .filter(kind=LinkKind.SIBLING)
        .order_by()
        .values_list("case_a_id", "case_b_id")
        .query.sql_with_params()
    )
    # A recursive walk over the visible links; UNION (not UNION ALL) stops at cases already
    # reached, so cycles end.
    sql = (
        f"WITH RECURSIVE visible(case_a, case_b) AS ({links}), "  # noqa: S608 (the ORM's SQL and parameters)
        "family(case_id) AS (SELECT %s::uuid UNION SELECT CASE WHEN visible.case_a = family.case_id "
        "THEN visible.case_b ELSE visible.case_a END FROM visible JOIN family "
        "ON family.case_id IN (visible.case_a, visible.case_b)) "
        "SELECT case_id FROM family WHERE case_id <> %s::uuid"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, access.case.pk, access.case.pk])
        found = [row[0] for row in cursor.fetchall()]
    return Case.objects.filter(pk__in=found).order_by("created_at", "pk")
