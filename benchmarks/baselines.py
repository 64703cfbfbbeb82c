"""The same page computed three ways, on the same data in the same run:

* **bridge**: the access layer's querysets, exactly as the API views build them;
* **guardian**: django-guardian's `get_objects_for_user` over its *generic* permission tables
  (`guardian_groupobjectpermission` / `guardian_userobjectpermission`, object ids stored as text),
  the usual way to use guardian, filled here with the same grants as Bridge's direct tables;
* **sql**: hand-written SQL for the same rows, with the group and permission ids looked up once
  beforehand, as someone tuning one query by hand would.

Each way must return the same rows (checked); only the data access is timed, fetching every
column the page renders, so the ratios compare query shapes and ORM overhead, nothing else.
Bridge and SQL take turns on the same case in each iteration, each going first half the time, so
neither always finds the rows the other just read in memory.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import cycle
from time import perf_counter
from typing import Any

from benchmarks.common import ROLES, Actor, summary_ms

PAGE_SIZE = 51  # a page of 50 and the one row cursor pagination reads to know there is more


def populate_generic_tables(log: Callable[[str], None]) -> None:
    """Guardian's generic tables get one row per row of Bridge's direct tables (benchmark
    database only: Bridge itself never reads them)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from casework.models import Case

    content_type = ContentType.objects.get_for_model(Case).pk
    with connection.cursor() as cursor:
        for kind, subject in (("group", "group_id"), ("user", "user_id")):
            cursor.execute(f"SELECT count(*) FROM casework_case{kind}objectpermission")
            (direct,) = cursor.fetchone()
            cursor.execute(f"SELECT count(*) FROM guardian_{kind}objectpermission")
            (generic,) = cursor.fetchone()
            if generic == direct:
                continue
            cursor.execute(f"DELETE FROM guardian_{kind}objectpermission")
            cursor.execute(
                f"INSERT INTO guardian_{kind}objectpermission "
                f"(permission_id, {subject}, content_type_id, object_pk) "
                f"SELECT permission_id, {subject}, %s, content_object_id::text "
                f"FROM casework_case{kind}objectpermission",
                [content_type],
            )
            cursor.execute(f"ANALYZE guardian_{kind}objectpermission")
            log(f"  guardian_{kind}objectpermission filled with {direct} rows")


@contextmanager
def generic_guardian() -> Iterator[None]:
    """Make guardian ignore Bridge's direct foreign-key tables (its documented `enabled` switch),
    so its shortcuts fall back to the generic tables."""
    from casework.models import CaseGroupObjectPermission, CaseUserObjectPermission

    models = (CaseGroupObjectPermission, CaseUserObjectPermission)
    for model in models:
        model.enabled = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for model in models:
            del model.enabled  # type: ignore[attr-defined]


# --- bridge: what the API views run -------------------------------------------------------------


def _searched(cases: Any, user: Any, term: str) -> Any:
    """`cases` narrowed to those `term` finds, as `GET /api/v1/cases/?q=` narrows them."""
    from casework.selectors import case_search_filter

    matches = case_search_filter(user=user, term=term)
    return cases if matches is None else cases.filter(matches)


def _bridge(page: str, actor: Actor, n: int) -> list[Any]:
    from casework.access import cases_visible_to, get_case_access, tasks_visible_to
    from casework.selectors import handoff_list

    user = actor.user
    if page == "case_list":
        return [c.pk for c in cases_visible_to(user=user).order_by("-created_at", "-id")[:PAGE_SIZE]]
    if page == "case_search":
        term = actor.search_terms[n % len(actor.search_terms)]
        queryset = _searched(cases_visible_to(user=user), user, term)
        return [c.pk for c in queryset.order_by("-created_at", "-id")[:PAGE_SIZE]]
    if page == "case_detail":
        access = get_case_access(user=user, case_id=actor.case_ids[n % len(actor.case_ids)])
        return [access.case.pk, *sorted(access.readable)]
    if page == "my_tasks":
        queryset = tasks_visible_to(user=user).select_related("case", "assignee", "template")
        return [
            t.pk
            for t in queryset.filter(assignee_id=user.pk, status="open").order_by("due_at", "id")[:PAGE_SIZE]
        ]
    if page == "incoming_handoffs":
        return [h.pk for h in handoff_list(user=user, direction="incoming", status="pending")[:PAGE_SIZE]]
    raise ValueError(page)


# --- guardian over its generic tables -------------------------------------------------------------


def _guardian_cases(user: Any) -> Any:
    from django.db.models import Q
    from guardian.shortcuts import get_objects_for_user

    from casework.access import LIAISON_ROLES
    from casework.models import Case, Task

    options = {"klass": Case, "with_superuser": False, "accept_global_perms": False}
    agency_cases = get_objects_for_user(user, "casework.view_case", use_groups=True, **options)
    if user.role in LIAISON_ROLES:
        return agency_cases
    team = get_objects_for_user(user, "casework.work_on_case", use_groups=False, **options)
    holds_task = Task.objects.filter(assignee_id=user.pk, owner_agency_id=user.agency_id).values("case_id")
    return agency_cases.filter(Q(pk__in=team.values("pk")) | Q(pk__in=holds_task))


def _guardian(page: str, actor: Actor, n: int) -> list[Any]:
    from django.db.models import Exists, OuterRef, Q

    from casework.access import LIAISON_ROLES, active_grant_filter
    from casework.models import Handoff, SectionGrant, Task

    user = actor.user
    if page == "case_list":
        return [c.pk for c in _guardian_cases(user).order_by("-created_at", "-id")[:PAGE_SIZE]]
    if page == "case_search":
        term = actor.search_terms[n % len(actor.search_terms)]
        queryset = _searched(_guardian_cases(user), user, term)
        return [c.pk for c in queryset.order_by("-created_at", "-id")[:PAGE_SIZE]]
    if page == "case_detail":
        case = (
            _guardian_cases(user)
            .select_related("lead_agency")
            .filter(pk=actor.case_ids[n % len(actor.case_ids)])
            .first()
        )
        assert case is not None
        granted = SectionGrant.objects.filter(active_grant_filter(), case=case, agency_id=user.agency_id)
        return [case.pk, *sorted({"core", *granted.values_list("section", flat=True)})]
    if page == "my_tasks":
        visible = Q(owner_agency_id=user.agency_id, case_id__in=_guardian_cases(user).values("pk"))
        if user.role in LIAISON_ROLES:
            offered = Handoff.objects.filter(
                task_id=OuterRef("pk"), to_agency_id=user.agency_id, status="pending", kind="task"
            )
            visible |= Q(Exists(offered))
        queryset = Task.objects.filter(visible, assignee_id=user.pk, status="open").select_related(
            "case", "assignee", "template"
        )
        return [t.pk for t in queryset.order_by("due_at", "id")[:PAGE_SIZE]]
    if page == "incoming_handoffs":
        queryset = Handoff.objects.filter(to_agency_id=user.agency_id, status="pending")
        if user.role not in LIAISON_ROLES:
            queryset = queryset.filter(case_id__in=_guardian_cases(user).values("pk"))
        queryset = queryset.select_related(
            "case", "task", "from_agency", "to_agency", "created_by", "responded_by"
        )
        return [h.pk for h in queryset.order_by("-created_at", "pk")[:PAGE_SIZE]]
    raise ValueError(page)


# --- hand-written SQL -------------------------------------------------------------------------------


class HandSql:
    def __init__(self) -> None:
        from django.contrib.auth.models import Permission

        ids = dict(
            Permission.objects.filter(
                content_type__app_label="casework", content_type__model="case"
            ).values_list("codename", "pk")
        )
        self.view_case = ids["view_case"]
        self.work_on_case = ids["work_on_case"]

    def visibility(self, user: Any, case: str) -> tuple[str, list[Any]]:
        from casework.access import LIAISON_ROLES

        sql = (
            "EXISTS (SELECT 1 FROM casework_casegroupobjectpermission g "
            f"WHERE g.content_object_id = {case} AND g.group_id = %s AND g.permission_id = %s)"
        )
        params: list[Any] = [user.agency.group_id, self.view_case]
        if user.role not in LIAISON_ROLES:
            sql += (
                " AND (EXISTS (SELECT 1 FROM casework_caseuserobjectpermission u "
                f"WHERE u.content_object_id = {case} AND u.user_id = %s AND u.permission_id = %s) "
                "OR EXISTS (SELECT 1 FROM casework_task own "
                f"WHERE own.case_id = {case} AND own.assignee_id = %s AND own.owner_agency_id = %s))"
            )
            params += [user.pk, self.work_on_case, user.pk, user.agency_id]
        return sql, params

    def run(self, page: str, actor: Actor, n: int) -> list[Any]:
        from django.db import connection

        from casework.access import LIAISON_ROLES
        from casework.search import is_short_term

        user = actor.user
        with connection.cursor() as cursor:
            if page in ("case_list", "case_search"):
                where, params = self.visibility(user, "c.id")
                term = actor.search_terms[n % len(actor.search_terms)]
                if page == "case_search" and is_short_term(term):
                    # One or two characters: a pseudonym, whole (casework.search).
                    where += " AND bridge_search_key(c.pseudonym) = bridge_search_key(%s)"
                    params.append(term)
                elif page == "case_search":
                    # The term's search key inside a case's or, where the agency reads the
                    # child's identity, a name's (casework.search); the keys hold no % or _.
                    where += (
                        " AND c.id IN (SELECT k.id FROM casework_case k "
                        "WHERE k.search_key LIKE '%%' || bridge_search_key(%s) || '%%' "
                        "UNION ALL SELECT i.case_id FROM casework_identitysection i "
                        "WHERE i.search_key LIKE '%%' || bridge_search_key(%s) || '%%' "
                        "AND EXISTS (SELECT 1 FROM casework_sectiongrant g WHERE g.case_id = i.case_id "
                        "AND g.agency_id = %s AND g.section = 'identity' AND g.ended_at IS NULL "
                        "AND (g.expires_at IS NULL OR g.expires_at > now())))"
                    )
                    params += [term, term, user.agency_id]
                cursor.execute(
                    f"SELECT c.* FROM casework_case c WHERE {where} "
                    f"ORDER BY c.created_at DESC, c.id DESC LIMIT {PAGE_SIZE}",
                    params,
                )
                return [row[0] for row in cursor.fetchall()]
            if page == "case_detail":
                where, params = self.visibility(user, "c.id")
                case_id = actor.case_ids[n % len(actor.case_ids)]
                cursor.execute(
                    "SELECT c.*, a.* FROM casework_case c JOIN agencies_agency a ON a.id = c.lead_agency_id "
                    f"WHERE c.id = %s AND {where}",
                    [case_id, *params],
                )
                row = cursor.fetchone()
                cursor.execute(
                    "SELECT section FROM casework_sectiongrant WHERE case_id = %s AND agency_id = %s "
                    "AND ended_at IS NULL AND (expires_at IS NULL OR expires_at > now())",
                    [case_id, user.agency_id],
                )
                return [row[0], *sorted({"core", *(section for (section,) in cursor.fetchall())})]
            if page == "my_tasks":
                where, params = self.visibility(user, "t.case_id")
                # The task's section (DOMAIN.md, "Derived records carry their section"), as
                # `casework.access` asks it: core, a grant or break-glass of it, or asked of the owner.
                section = (
                    "(t.section = 'core' OR EXISTS (SELECT 1 FROM casework_sectiongrant g "
                    "WHERE g.case_id = t.case_id AND g.agency_id = %s AND g.section = t.section "
                    "AND g.ended_at IS NULL AND (g.expires_at IS NULL OR g.expires_at > now())) "
                    "OR EXISTS (SELECT 1 FROM casework_breakglass b WHERE b.case_id = t.case_id "
                    "AND b.agency_id = %s AND b.section = t.section AND b.opened_by_id = %s "
                    "AND b.expires_at > now()) "
                    "OR EXISTS (SELECT 1 FROM casework_deadlinetemplate d JOIN agencies_agency o "
                    "ON o.id = t.owner_agency_id WHERE d.id = t.template_id AND d.asks_owner "
                    "AND d.owner_kind = o.kind))"
                )
                visible = f"(t.owner_agency_id = %s AND {where} AND {section})"
                params = [user.agency_id, *params, user.agency_id, user.agency_id, user.pk]
                if user.role in LIAISON_ROLES:
                    visible = (
                        f"({visible} OR EXISTS (SELECT 1 FROM casework_handoff h WHERE h.task_id = t.id "
                        "AND h.to_agency_id = %s AND h.status = 'pending' AND h.kind = 'task'))"
                    )
                    params.append(user.agency_id)
                cursor.execute(
                    "SELECT t.*, c.*, u.*, d.* FROM casework_task t JOIN casework_case c ON c.id = t.case_id "
                    "LEFT JOIN agencies_user u ON u.id = t.assignee_id "
                    "LEFT JOIN casework_deadlinetemplate d ON d.id = t.template_id "
                    f"WHERE t.assignee_id = %s AND t.status = 'open' AND {visible} "
                    f"ORDER BY t.due_at, t.id LIMIT {PAGE_SIZE}",
                    [user.pk, *params],
                )
                return [row[0] for row in cursor.fetchall()]
            if page == "incoming_handoffs":
                where, params = "TRUE", []
                if user.role not in LIAISON_ROLES:
                    where, params = self.visibility(user, "h.case_id")
                cursor.execute(
                    "SELECT h.*, c.*, t.*, fa.*, ta.*, cb.*, rb.* FROM casework_handoff h "
                    "JOIN casework_case c ON c.id = h.case_id LEFT JOIN casework_task t ON t.id = h.task_id "
                    "JOIN agencies_agency fa ON fa.id = h.from_agency_id "
                    "JOIN agencies_agency ta ON ta.id = h.to_agency_id "
                    "JOIN agencies_user cb ON cb.id = h.created_by_id "
                    "LEFT JOIN agencies_user rb ON rb.id = h.responded_by_id "
                    f"WHERE h.to_agency_id = %s AND h.status = 'pending' AND {where} "
                    f"ORDER BY h.created_at DESC, h.id LIMIT {PAGE_SIZE}",
                    [user.agency_id, *params],
                )
                return [row[0] for row in cursor.fetchall()]
        raise ValueError(page)


PAGES = ("case_list", "case_search", "case_detail", "my_tasks", "incoming_handoffs")


def _time(
    way: Callable[[str, Actor, int], list[Any]],
    page: str,
    actors: list[Actor],
    *,
    iterations: int,
    budget: float,
) -> tuple[list[float], list[list[Any]]]:
    """Run `way` round robin over the actors (one untimed warm-up each), `iterations` times or
    until `budget` seconds have passed (at least five), and return the times and the rows."""
    for index, actor in enumerate(actors):
        way(page, actor, index)
    seconds, rows = [], []
    order = cycle(range(len(actors)))
    spent = 0.0
    for n in range(iterations):
        actor = actors[next(order)]
        started = perf_counter()
        result = way(page, actor, n)
        elapsed = perf_counter() - started
        seconds.append(elapsed)
        rows.append(result)
        spent += elapsed
        if spent > budget and n >= 4:
            break
    return seconds, rows


def _time_alternating(
    ways: tuple[Callable[[str, Actor, int], list[Any]], Callable[[str, Actor, int], list[Any]]],
    page: str,
    actors: list[Actor],
    *,
    iterations: int,
) -> tuple[tuple[list[float], list[list[Any]]], tuple[list[float], list[list[Any]]]]:
    """`_time` for two ways at once, on the same actor and case in each iteration, taking turns at
    going first: whichever runs second finds the rows the first just read in memory, so timing
    one way's whole series before the other's favoured the second."""
    for index, actor in enumerate(actors):
        for way in ways:
            way(page, actor, index)
    timed: tuple[tuple[list[float], list[list[Any]]], ...] = (([], []), ([], []))
    order = cycle(range(len(actors)))
    for n in range(iterations):
        actor = actors[next(order)]
        turn = (0, 1) if n % 2 == 0 else (1, 0)
        for index in turn:
            started = perf_counter()
            result = ways[index](page, actor, n)
            timed[index][0].append(perf_counter() - started)
            timed[index][1].append(result)
    return timed[0], timed[1]


def compare_all(
    actors: dict[str, list[Actor]], *, iterations: int, guardian_budget: float, log: Callable[[str], None]
) -> dict[str, Any]:
    populate_generic_tables(log)
    hand_sql = HandSql()
    results: dict[str, Any] = {}
    for page in PAGES:
        results[page] = {}
        for role in ROLES:
            group = actors[role]
            (bridge_s, bridge_rows), (sql_s, sql_rows) = _time_alternating(
                (_bridge, hand_sql.run), page, group, iterations=iterations
            )
            with generic_guardian():
                guardian_s, guardian_rows = _time(
                    _guardian, page, group, iterations=iterations, budget=guardian_budget
                )
            compared = min(len(guardian_rows), len(bridge_rows))
            same = bridge_rows == sql_rows and guardian_rows[:compared] == bridge_rows[:compared]
            bridge, sql, guardian = summary_ms(bridge_s), summary_ms(sql_s), summary_ms(guardian_s)
            entry = {
                "bridge": bridge,
                "sql": sql,
                "guardian_generic": guardian,
                "same_rows": same,
                "bridge_over_sql": round(bridge["p50"] / sql["p50"], 2),
                "guardian_over_bridge": round(guardian["p50"] / bridge["p50"], 1),
            }
            results[page][role] = entry
            log(
                f"  {page:<18} {role:<10} bridge {bridge['p50']:8.2f} ms  sql {sql['p50']:8.2f} ms  "
                f"guardian {guardian['p50']:9.2f} ms  bridge/sql {entry['bridge_over_sql']:5.2f}  "
                f"guardian/bridge {entry['guardian_over_bridge']:7.1f}  same rows: {same}"
            )
    return results
