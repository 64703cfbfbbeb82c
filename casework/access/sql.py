"""The access rules written out as SQL once, with table and column names taken from the models,
for `casework.access` to splice into queries. Nothing outside `casework.access` uses them."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    Expression,
    F,
    Field,
    Model,
)
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from agencies.models import Agency, User
from casework.models import (
    BreakGlass,
    Case,
    CaseGroupObjectPermission,
    CaseStatus,
    CaseUserObjectPermission,
    DeadlineTemplate,
    Handoff,
    HandoffKind,
    HandoffStatus,
    IdentitySection,
    SectionGrant,
    Task,
    TaskStatus,
)
from casework.search import SearchKey
from casework.sections import Section

VIEW_CASE = "view_case"
WORK_ON_CASE = "work_on_case"


# --- which cases: SQL written once ------------------------------------------------------------
#
# The rules are SQL text written once, with table and column names taken from the models, and
# spliced into any query by `CaseVisible`: the database answers them in well under a millisecond,
# and building the same nested querysets per request would cost several times that (measured in
# docs/performance.md).


def table_of(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column_of(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    assert field.column is not None
    return connection.ops.quote_name(field.column)


@dataclass(frozen=True)
class _VisibilitySql:
    """`{case}` stands for the outer query's case column, `%s` for parameters, in this order:
    `takes_part` (agency id, then the permission's codename, app label, model), `works_on`
    (user id, then the permission's, then user id and agency id for the task). The `_probe`
    variants are the same, answered row by row, and `works_on_whole` the same, read from the
    worker's side (below)."""

    takes_part: str
    takes_part_probe: str
    works_on: str
    works_on_probe: str
    works_on_whole: str


# The group and permission are uncorrelated subqueries, so PostgreSQL evaluates them once per query
# (InitPlan) and compares by equality in the permission table's own index; joined instead, they
# hide from the planner how many cases an agency takes part in (docs/performance.md). Their ids are
# looked up by the database on every query, never cached here: a flushed or reloaded database
# gives them new ids. (The group as a value lets PostgreSQL plan for the agency's real size, which
# made some searches faster and others twice as slow at 1,000,000 cases: change 18.) Only table and
# column names from the models are spliced into the text (hence the noqa: S608); every value is a
# parameter.
@cache
def _permission_id_sql() -> str:
    """The id of a permission on cases; parameters: its codename, the app label and the model."""
    # The content type first, then the permission by its unique (content type, codename) index:
    # joined, PostgreSQL scanned every permission for the codename (0.04 to 0.1 ms a query).
    return (
        f"(SELECT access_permission.{column_of(Permission, 'id')} "  # noqa: S608
        f"FROM {table_of(Permission)} access_permission "
        f"WHERE access_permission.{column_of(Permission, 'codename')} = %s "
        f"AND access_permission.{column_of(Permission, 'content_type')} = ("
        f"SELECT access_content_type.{column_of(ContentType, 'id')} "
        f"FROM {table_of(ContentType)} access_content_type "
        f"WHERE access_content_type.{column_of(ContentType, 'app_label')} = %s "
        f"AND access_content_type.{column_of(ContentType, 'model')} = %s))"
    )


def _case_permission_params(codename: str) -> list[str]:
    return [codename, Case._meta.app_label, Case._meta.model_name or ""]


@cache
def _visibility_sql() -> _VisibilitySql:
    permission_id = _permission_id_sql()
    group, user, task = CaseGroupObjectPermission, CaseUserObjectPermission, Task
    takes_part_rows = (
        f"SELECT 1 FROM {table_of(group)} access_group_permission "  # noqa: S608
        f"WHERE access_group_permission.{column_of(group, 'content_object')} = {{case}} "
        f"AND access_group_permission.{column_of(group, 'group')} = ("
        f"SELECT access_agency.{column_of(Agency, 'group')} FROM {table_of(Agency)} access_agency "
        f"WHERE access_agency.{column_of(Agency, 'id')} = %s) "
        f"AND access_group_permission.{column_of(group, 'permission')} = {permission_id}"
    )
    takes_part = f"EXISTS ({takes_part_rows})"
    # Records on cases (tasks, handoffs, ...) are listed a page at a time, and the test sits in an
    # OR, where PostgreSQL cannot join it: it then either probes the permission index for each row
    # or reads every case the agency takes part in into a hash table first, and it picks the hash
    # from an estimate that knows neither how many rows the page reads nor how big the agency is.
    # At 200,000 cases an agency's hash costs tens of milliseconds for a page of 50 rows; a probe
    # costs microseconds. `OFFSET 0` is PostgreSQL's documented fence that keeps the subquery as
    # it is written, so it is probed row by row (docs/performance.md, "Pages at 1,000,000 cases").
    takes_part_probe = f"EXISTS ({takes_part_rows} OFFSET 0)"
    on_team = (
        f"SELECT 1 FROM {table_of(user)} access_user_permission "  # noqa: S608
        f"WHERE access_user_permission.{column_of(user, 'content_object')} = {{case}} "
        f"AND access_user_permission.{column_of(user, 'user')} = %s "
        f"AND access_user_permission.{column_of(user, 'permission')} = {permission_id}"
    )
    assigned = (
        f"SELECT 1 FROM {table_of(task)} access_task "  # noqa: S608
        f"WHERE access_task.{column_of(task, 'case')} = {{case}} "
        f"AND access_task.{column_of(task, 'assignee')} = %s "
        f"AND access_task.{column_of(task, 'owner_agency')} = %s"
    )
    works_on = f"(EXISTS ({on_team}) OR EXISTS ({assigned}))"
    works_on_probe = f"(EXISTS ({on_team} OFFSET 0) OR EXISTS ({assigned} OFFSET 0))"
    # A list that needs every case a caseworker sees (sorted by a figure) starts from the worker's
    # few, their team places and tasks: as two `EXISTS` in an OR, which PostgreSQL cannot join, it
    # read every case of the agency to keep the worker's (80 ms for an agency in 20,000 cases,
    # 1.5 s in 200,000). One `IN` is a semi-join the planner starts from the worker's side. Not for
    # a page in an index's order, which stops after its 50 rows: PostgreSQL takes a worker for 200
    # cases, and read all 3,933 of one at 1,000,000 cases (50 ms) where the walk took 27 ms. (Not
    # `= ANY(ARRAY(...))` either: as a filter that scans the array for each row.)
    worked_on_cases = (
        f"SELECT access_user_permission.{column_of(user, 'content_object')} "  # noqa: S608
        f"FROM {table_of(user)} access_user_permission "
        f"WHERE access_user_permission.{column_of(user, 'user')} = %s "
        f"AND access_user_permission.{column_of(user, 'permission')} = {permission_id} "
        f"UNION ALL SELECT access_task.{column_of(task, 'case')} FROM {table_of(task)} access_task "
        f"WHERE access_task.{column_of(task, 'assignee')} = %s "
        f"AND access_task.{column_of(task, 'owner_agency')} = %s"
    )
    works_on_whole = f"{{case}} IN ({worked_on_cases})"
    return _VisibilitySql(
        takes_part=takes_part,
        takes_part_probe=takes_part_probe,
        works_on=works_on,
        works_on_probe=works_on_probe,
        works_on_whole=works_on_whole,
    )


class _RowSql(Expression):
    """An expression written out as SQL about columns of the outer query's row, named by `refs`
    (placeholder in the SQL: field of the outer query). Each is resolved as an `F()` like any
    other column, so the expression keeps pointing at the right table when its query becomes a
    subquery and is relabeled: Django's `resolve_expression` and `relabeled_clone` reach the
    columns through the source expressions."""

    def __init__(self, **refs: str) -> None:
        super().__init__()
        self.refs: dict[str, Any] = {name: F(field) for name, field in refs.items()}

    def get_source_expressions(self) -> list[Any]:
        return list(self.refs.values())

    def set_source_expressions(self, exprs: Any) -> None:
        self.refs = dict(zip(self.refs, exprs, strict=True))

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        columns = {}
        for name, column in self.refs.items():
            columns[name], params = compiler.compile(column)
            assert not params, "refs name columns, which take no parameters"
        return self.sql(columns)

    def sql(self, columns: dict[str, str]) -> tuple[str, list[Any]]:
        raise NotImplementedError


class _RowCondition(_RowSql):
    """A condition about the outer query's row (`_RowSql`)."""

    conditional = True
    output_field = BooleanField()

    def sql(self, columns: dict[str, str]) -> tuple[str, list[Any]]:
        return self.condition(columns)

    def condition(self, columns: dict[str, str]) -> tuple[str, list[Any]]:
        raise NotImplementedError


def case_visible_sql(
    case_sql: str, *, agency_id: int, worker_id: int | None, probe: bool = False, whole: bool = False
) -> tuple[str, list[Any]]:
    """With `probe`, the agency's and the worker's part in the case are looked up row by row
    (`takes_part_probe`, `works_on_probe`): for records on cases, never for lists of cases, which
    PostgreSQL joins. With `whole`, a list needs every case the user sees (`works_on_whole`)."""
    sql = _visibility_sql()
    takes_part = (sql.takes_part_probe if probe else sql.takes_part).format(case=case_sql)
    params: list[Any] = [agency_id, *_case_permission_params(VIEW_CASE)]
    if worker_id is None:
        return takes_part, params
    params += [worker_id, *_case_permission_params(WORK_ON_CASE), worker_id, agency_id]
    works_on = sql.works_on_probe if probe else sql.works_on_whole if whole else sql.works_on
    return f"({takes_part} AND {works_on.format(case=case_sql)})", params


class CaseVisible(_RowCondition):
    """True for the rows whose case (`case_ref`: `"pk"` on cases, `"case_id"` on tasks and
    handoffs) the agency takes part in (its group holds `view_case`) and, with `worker_id`, on
    which that member of the agency also works: on the case team (holds `work_on_case`) or
    assigned a task the agency owns. `whole`: a list of cases that needs every one of them."""

    def __init__(
        self, case_ref: str = "pk", *, agency_id: int, worker_id: int | None = None, whole: bool = False
    ) -> None:
        super().__init__(case=case_ref)
        self.agency_id = agency_id
        self.worker_id = worker_id
        # On anything but cases themselves, the rows are records on cases: probed (above).
        self.probe = case_ref != "pk"
        self.whole = whole

    def __repr__(self) -> str:
        return (
            f"CaseVisible({self.refs['case']!r}, agency_id={self.agency_id}, worker_id={self.worker_id}, "
            f"whole={self.whole})"
        )

    def condition(self, columns: dict[str, str]) -> tuple[str, list[Any]]:
        return case_visible_sql(
            columns["case"],
            agency_id=self.agency_id,
            worker_id=self.worker_id,
            probe=self.probe,
            whole=self.whole,
        )


# Every section readable on the cases through an active grant (`active_grant_filter`) or the user's
# active break-glass openings (`active_break_glass_filter`), in one statement written out once (an
# ORM `.union()` costs more to build than to run). One case (a case page) is matched with `=`,
# which PostgreSQL plans faster than `= ANY(array)`.
@cache
def _readable_sections_sql(*, many: bool) -> str:
    grant, opening = SectionGrant, BreakGlass
    matches = "= ANY(%s::uuid[])" if many else "= %s"
    return (
        f"SELECT {column_of(grant, 'case')}, {column_of(grant, 'section')}, false FROM {table_of(grant)} "  # noqa: S608
        f"WHERE {column_of(grant, 'case')} {matches} AND {column_of(grant, 'agency')} = %s "
        f"AND {column_of(grant, 'ended_at')} IS NULL "
        f"AND ({column_of(grant, 'expires_at')} IS NULL OR {column_of(grant, 'expires_at')} > %s) "
        "UNION ALL "
        f"SELECT {column_of(opening, 'case')}, {column_of(opening, 'section')}, true "
        f"FROM {table_of(opening)} "
        f"WHERE {column_of(opening, 'case')} {matches} AND {column_of(opening, 'opened_by')} = %s "
        f"AND {column_of(opening, 'agency')} = %s AND {column_of(opening, 'expires_at')} > %s"
    )


def readable_rows(*, user: User, case_ids: list[uuid.UUID]) -> list[tuple[uuid.UUID, str, bool]]:
    """(case id, section, read through break-glass) for each active grant of the user's agency
    and each active break-glass opening of the user for that agency on these cases."""
    if not case_ids:
        return []
    many = len(case_ids) > 1
    cases: uuid.UUID | list[uuid.UUID] = case_ids if many else case_ids[0]
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _readable_sections_sql(many=many),
            [cases, user.agency_id, now, cases, user.pk, user.agency_id, now],
        )
        return cursor.fetchall()


def sections_read(*, granted: list[str], opened: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(readable sections, those readable only through break-glass) from the sections the agency's
    active grants and the user's active break-glass openings name."""
    by_break_glass = set(opened).difference(granted)
    return frozenset({Section.CORE.value, *granted, *by_break_glass}), frozenset(by_break_glass)


# The same two lists as `readable_rows`, for one case, as columns of the query that reads the case:
# a case page then takes one round trip to the database for the case and what the user reads of it.
@cache
def _sections_granted_sql() -> str:
    grant = SectionGrant
    return (
        f"ARRAY(SELECT {column_of(grant, 'section')} FROM {table_of(grant)} "  # noqa: S608
        f"WHERE {column_of(grant, 'case')} = {{case}} AND {column_of(grant, 'agency')} = %s "
        f"AND {column_of(grant, 'ended_at')} IS NULL "
        f"AND ({column_of(grant, 'expires_at')} IS NULL OR {column_of(grant, 'expires_at')} > %s))"
    )


@cache
def _sections_opened_sql() -> str:
    opening = BreakGlass
    return (
        f"ARRAY(SELECT {column_of(opening, 'section')} FROM {table_of(opening)} "  # noqa: S608
        f"WHERE {column_of(opening, 'case')} = {{case}} AND {column_of(opening, 'opened_by')} = %s "
        f"AND {column_of(opening, 'agency')} = %s AND {column_of(opening, 'expires_at')} > %s)"
    )


class SectionsGranted(_RowSql):
    """On a query over cases: the sections the agency holds an active grant of on each case."""

    output_field = ArrayField(CharField())

    def __init__(self, *, agency_id: int, now: datetime) -> None:
        super().__init__(case="pk")
        self.agency_id = agency_id
        self.now = now

    def __repr__(self) -> str:
        return f"SectionsGranted(agency_id={self.agency_id}, now={self.now!r})"

    def sql(self, columns: dict[str, str]) -> tuple[str, list[Any]]:
        return _sections_granted_sql().format(**columns), [self.agency_id, self.now]


class SectionsOpened(_RowSql):
    """On a query over cases: the sections the user has an active break-glass opening of, for
    the agency, on each case."""

    output_field = ArrayField(CharField())

    def __init__(self, *, agency_id: int, user_id: int, now: datetime) -> None:
        super().__init__(case="pk")
        self.agency_id = agency_id
        self.user_id = user_id
        self.now = now

    def __repr__(self) -> str:
        return f"SectionsOpened(agency_id={self.agency_id}, user_id={self.user_id}, now={self.now!r})"

    def sql(self, columns: dict[str, str]) -> tuple[str, list[Any]]:
        return _sections_opened_sql().format(**columns), [self.user_id, self.agency_id, self.now]


@cache
def _readable_changed_at_sql() -> str:
    grant, opening = SectionGrant, BreakGlass
    return (
        "GREATEST({updated_at}, (SELECT max(({changes} -> access_readable.section ->> 'at')::timestamptz) "  # noqa: S608
        f"FROM (SELECT {column_of(grant, 'section')} AS section FROM {table_of(grant)} "
        f"WHERE {column_of(grant, 'case')} = {{case}} AND {column_of(grant, 'agency')} = %s "
        f"AND {column_of(grant, 'ended_at')} IS NULL "
        f"AND ({column_of(grant, 'expires_at')} IS NULL OR {column_of(grant, 'expires_at')} > %s) "
        f"UNION ALL SELECT {column_of(opening, 'section')} FROM {table_of(opening)} "
        f"WHERE {column_of(opening, 'case')} = {{case}} AND {column_of(opening, 'opened_by')} = %s "
        f"AND {column_of(opening, 'agency')} = %s AND {column_of(opening, 'expires_at')} > %s) "
        "access_readable))"
    )


class ReadableChangedAt(_RowSql):
    """On a query over cases: when what this user may read of each case last changed."""

    output_field = DateTimeField()

    def __init__(self, *, agency_id: int, user_id: int) -> None:
        super().__init__(case="pk", updated_at="updated_at", changes="section_changes")
        self.agency_id = agency_id
        self.user_id = user_id

    def __repr__(self) -> str:
        return f"ReadableChangedAt(agency_id={self.agency_id}, user_id={self.user_id})"

    def sql(self, columns: dict[str, str]) -> tuple[str, list[Any]]:
        now = timezone.now()
        return _readable_changed_at_sql().format(**columns), [
            self.agency_id,
            now,
            self.user_id,
            self.agency_id,
            now,
        ]


def readable_changed_at(*, user: User) -> ReadableChangedAt:
    assert user.agency_id is not None
    return ReadableChangedAt(agency_id=user.agency_id, user_id=user.pk)


# --- things on a case ------------------------------------------------------------------------


@cache
def _handed_off_sql() -> str:
    """`{task}` was handed off by the agency (a parameter, then the accepted status and task kind)."""
    handoff = Handoff
    return (
        f"EXISTS (SELECT 1 FROM {table_of(handoff)} access_handed_off "  # noqa: S608
        f"WHERE access_handed_off.{column_of(handoff, 'task')} = {{task}} "
        f"AND access_handed_off.{column_of(handoff, 'from_agency')} = %s "
        f"AND access_handed_off.{column_of(handoff, 'status')} = %s "
        f"AND access_handed_off.{column_of(handoff, 'kind')} = %s)"
    )


@cache
def _offered_sql() -> str:
    handoff = Handoff
    return (
        f"EXISTS (SELECT 1 FROM {table_of(handoff)} access_handoff "  # noqa: S608
        f"WHERE access_handoff.{column_of(handoff, 'task')} = {{task}} "
        f"AND access_handoff.{column_of(handoff, 'to_agency')} = %s "
        f"AND access_handoff.{column_of(handoff, 'status')} = %s "
        f"AND access_handoff.{column_of(handoff, 'kind')} = %s)"
    )


# --- tasks carry the section of what created them ---------------------------------------------
#
# DOMAIN.md, "Derived records carry their section": a task a deadline template created belongs to
# the template's section. Its owner sees it only while the owner may read that section on the case
# (an active grant; a user's own break-glass opening counts for that user), or when the template
# asks something of the owner's kind (`DeadlineTemplate.asks_owner`); such an owner sees the task's
# title and due time and nothing else of the section (`TASK_DETAIL_FIELDS`). A core task needs
# neither, so the condition stops at `section = 'core'` for nearly every row. The SQL is written
# once, like `CaseVisible`'s, with `{case}`, `{section}`, `{agency}`, `{template}` and `{kind}`
# standing for columns of the outer query (or, for `{agency}`, a parameter).

# What only a reader of the task's section sees: the rest (title, due time, priority, status,
# owner, assignee, completion time) is what the owner a template asks something of needs to do
# the work, and what an agency that handed the task off keeps sight of.
TASK_DETAIL_FIELDS = frozenset({"description", "template", "event", "section", "outcome"})


@dataclass(frozen=True)
class _TaskSectionSql:
    """`granted` takes the agency's parameters then now; `opened` the agency's, then the user id
    and now; `asked` none."""

    granted: str
    opened: str
    asked: str


@cache
def _task_section_sql() -> _TaskSectionSql:
    grant, opening, template = SectionGrant, BreakGlass, DeadlineTemplate
    granted = (
        f"EXISTS (SELECT 1 FROM {table_of(grant)} access_task_grant "  # noqa: S608
        f"WHERE access_task_grant.{column_of(grant, 'case')} = {{case}} "
        f"AND access_task_grant.{column_of(grant, 'agency')} = {{agency}} "
        f"AND access_task_grant.{column_of(grant, 'section')} = {{section}} "
        f"AND access_task_grant.{column_of(grant, 'ended_at')} IS NULL "
        f"AND (access_task_grant.{column_of(grant, 'expires_at')} IS NULL "
        f"OR access_task_grant.{column_of(grant, 'expires_at')} > %s))"
    )
    opened = (
        f"EXISTS (SELECT 1 FROM {table_of(opening)} access_task_opening "  # noqa: S608
        f"WHERE access_task_opening.{column_of(opening, 'case')} = {{case}} "
        f"AND access_task_opening.{column_of(opening, 'agency')} = {{agency}} "
        f"AND access_task_opening.{column_of(opening, 'section')} = {{section}} "
        f"AND access_task_opening.{column_of(opening, 'opened_by')} = %s "
        f"AND access_task_opening.{column_of(opening, 'expires_at')} > %s)"
    )
    asked = (
        f"EXISTS (SELECT 1 FROM {table_of(template)} access_task_template "  # noqa: S608
        f"WHERE access_task_template.{column_of(template, 'id')} = {{template}} "
        f"AND access_task_template.{column_of(template, 'asks_owner')} "
        f"AND access_task_template.{column_of(template, 'owner_kind')} = {{kind}})"
    )
    return _TaskSectionSql(granted=granted, opened=opened, asked=asked)


_TASK_REFS = {
    "case": "case_id",
    "owner": "owner_agency_id",
    "task": "pk",
    "section": "section",
    "template": "template_id",
}


def _task_section_readable(
    columns: dict[str, str], *, agency: str, agency_params: list[Any], user_id: int | None
) -> tuple[str, list[Any]]:
    """The task's section is core, or `agency` (SQL) holds an active grant of it on the task's
    case, or (with `user_id`) that user holds an active break-glass opening of it for `agency`."""
    sql, now = _task_section_sql(), timezone.now()
    refs = {"case": columns["case"], "section": columns["section"], "agency": agency}
    parts = [f"{columns['section']} = %s", sql.granted.format(**refs)]
    params: list[Any] = [Section.CORE.value, *agency_params, now]
    if user_id is not None:
        parts.append(sql.opened.format(**refs))
        params += [*agency_params, user_id, now]
    return f"({' OR '.join(parts)})", params


def _task_asked(columns: dict[str, str]) -> str:
    """The task's template asks something of agencies of its owner's kind."""
    owner_kind = (
        f"(SELECT access_owner.{column_of(Agency, 'kind')} FROM {table_of(Agency)} access_owner "  # noqa: S608
        f"WHERE access_owner.{column_of(Agency, 'id')} = {columns['owner']})"
    )
    return _task_section_sql().asked.format(template=columns["template"], kind=owner_kind)


# --- case search ------------------------------------------------------------------------------
#
# `casework.search`'s match, written out once: a term's key inside a case's key (number and
# pseudonym), inside the key of a case merged into it (an old number keeps finding the child), or,
# on cases whose `identity` the agency holds an active grant of, inside the key of the child's names.
# As three querysets joined by the ORM's `union`, building and compiling the statement took five
# times what PostgreSQL takes to run it (docs/performance.md, change 18). The term's key is escaped
# for `LIKE` as Django escapes it.
_TERM_PATTERN = (
    "'%%' || REPLACE(REPLACE(REPLACE(" + SearchKey.function + r"(%s), E'\\', E'\\\\'), E'%%', E'\\%%'), "
    r"E'_', E'\\_') || '%%'"
)


@cache
def _case_found_sql() -> str:
    case, identity, grant = Case, IdentitySection, SectionGrant
    return (
        f"{{case}} IN (SELECT search_case.{column_of(case, 'id')} FROM {table_of(case)} search_case "  # noqa: S608
        f"WHERE search_case.{column_of(case, 'search_key')}::text LIKE {_TERM_PATTERN} "
        f"UNION ALL SELECT search_merged.{column_of(case, 'merged_into')} "
        f"FROM {table_of(case)} search_merged "
        f"WHERE search_merged.{column_of(case, 'search_key')}::text LIKE {_TERM_PATTERN} "
        f"AND search_merged.{column_of(case, 'merged_into')} IS NOT NULL "
        f"UNION ALL SELECT search_identity.{column_of(identity, 'case')} "
        f"FROM {table_of(identity)} search_identity "
        f"WHERE search_identity.{column_of(identity, 'search_key')}::text LIKE {_TERM_PATTERN} "
        f"AND EXISTS (SELECT 1 FROM {table_of(grant)} search_grant "
        f"WHERE search_grant.{column_of(grant, 'case')} = search_identity.{column_of(identity, 'case')} "
        f"AND search_grant.{column_of(grant, 'agency')} = %s "
        f"AND search_grant.{column_of(grant, 'section')} = %s "
        f"AND search_grant.{column_of(grant, 'ended_at')} IS NULL "
        f"AND (search_grant.{column_of(grant, 'expires_at')} IS NULL "
        f"OR search_grant.{column_of(grant, 'expires_at')} > %s)))"
    )


class CaseFound(_RowCondition):
    """True for the cases a search for `term` finds for a member of the agency (above). Names are
    matched only where the agency reads `identity` through a grant: break-glass openings do not
    count, one supervisor's emergency read of one case is not a way to search across cases."""

    def __init__(self, *, term: str, agency_id: int) -> None:
        super().__init__(case="pk")
        self.term = term
        self.agency_id = agency_id

    def __repr__(self) -> str:
        return f"CaseFound(term={self.term!r}, agency_id={self.agency_id})"

    def condition(self, columns: dict[str, str]) -> tuple[str, list[Any]]:
        term = self.term
        params = [term, term, term, self.agency_id, Section.IDENTITY.value, timezone.now()]
        return _case_found_sql().format(**columns), params


class TaskVisible(_RowCondition):
    """True for the agency's own tasks on cases visible to the user (`CaseVisible`'s rule) whose
    section the agency may read or whose template asks something of the agency's kind, for tasks
    on those cases the agency handed off to another agency (it keeps sight of work it passed on)
    and, with `offered`, for tasks another agency offers it in a pending handoff. One expression
    rather than several filters, which would each cost more to build than the database takes."""

    def __init__(self, *, agency_id: int, user_id: int, worker_id: int | None, offered: bool) -> None:
        super().__init__(**_TASK_REFS)
        self.agency_id = agency_id
        self.user_id = user_id
        self.worker_id = worker_id
        self.offered = offered

    def __repr__(self) -> str:
        return f"TaskVisible(agency_id={self.agency_id}, worker_id={self.worker_id}, offered={self.offered})"

    def condition(self, columns: dict[str, str]) -> tuple[str, list[Any]]:
        case_sql, case_params = case_visible_sql(
            columns["case"], agency_id=self.agency_id, worker_id=self.worker_id, probe=True
        )
        readable, readable_params = _task_section_readable(
            columns, agency="%s", agency_params=[self.agency_id], user_id=self.user_id
        )
        # The sender held the task, so saw at least its title; what more it sees is still decided
        # by whether it reads the task's section (`reads_section`, `task_shows_detail`).
        handed_off = _handed_off_sql().format(task=columns["task"])
        owned = (
            f"({case_sql} AND (({columns['owner']} = %s AND ({readable} OR {_task_asked(columns)})) "
            f"OR {handed_off}))"
        )
        params = [
            *case_params,
            self.agency_id,
            *readable_params,
            self.agency_id,
            HandoffStatus.ACCEPTED.value,
            HandoffKind.TASK.value,
        ]
        if not self.offered:
            return owned, params
        params += [self.agency_id, HandoffStatus.PENDING.value, HandoffKind.TASK.value]
        return f"({owned} OR {_offered_sql().format(task=columns['task'])})", params


class TaskSectionReadable(_RowCondition):
    """True for tasks whose section this member of the agency may read on the task's case."""

    def __init__(self, *, agency_id: int, user_id: int) -> None:
        super().__init__(**_TASK_REFS)
        self.agency_id = agency_id
        self.user_id = user_id

    def __repr__(self) -> str:
        return f"TaskSectionReadable(agency_id={self.agency_id}, user_id={self.user_id})"

    def condition(self, columns: dict[str, str]) -> tuple[str, list[Any]]:
        return _task_section_readable(
            columns, agency="%s", agency_params=[self.agency_id], user_id=self.user_id
        )


class OwnerSeesTask(_RowCondition):
    """True for tasks their owning agency may see (as `TaskVisible` decides for the agency as a
    whole, without anyone's break-glass): for the reminder sweep and the agency dashboard. With
    `detail`, only those whose section the owner reads."""

    def __init__(self, *, detail: bool = False) -> None:
        super().__init__(**_TASK_REFS)
        self.detail = detail

    def __repr__(self) -> str:
        return f"OwnerSeesTask(detail={self.detail})"

    def condition(self, columns: dict[str, str]) -> tuple[str, list[Any]]:
        owner = columns["owner"]
        readable, params = _task_section_readable(columns, agency=owner, agency_params=[], user_id=None)
        if self.detail:
            return f"({owner} IS NOT NULL AND {readable})", params
        return f"({owner} IS NOT NULL AND ({readable} OR {_task_asked(columns)}))", params


def owner_sees_task() -> OwnerSeesTask:
    """A filter or annotation over tasks: their owning agency may see them. A reminder or a
    dashboard figure about any other task would tell the agency of a record derived from a
    section it may not read; a task waiting for an owner has nobody to remind."""
    return OwnerSeesTask()


def _task_columns(*, alias: str) -> dict[str, str]:
    return {
        ref: f"{alias}.{column_of(Task, 'id' if field == 'pk' else field)}"
        for ref, field in _TASK_REFS.items()
    }


def owner_reads_task_section() -> OwnerSeesTask:
    """An annotation over tasks: their owning agency reads the task's section, so sees it whole."""
    return OwnerSeesTask(detail=True)


# A worker's open cases, for every worker of an agency at once: the pairs (worker, case) of
# `CaseVisible`'s "works on" rule (on the case team, or assigned a task the agency holds, here an
# open one its owner may see), in one pass with hash joins rather than one probe per worker
# (docs/performance.md). The agency takes part in every such case (agencies never leave a case),
# so the case's status is the only other test.
@cache
def _open_cases_per_worker_sql() -> str:
    membership, user, task, case = CaseUserObjectPermission, User, Task, Case
    owner_sees, _ = OwnerSeesTask().condition(_task_columns(alias="access_task"))
    return (
        f"SELECT links.user_id, count(*) FROM ("  # noqa: S608
        f"SELECT access_membership.{column_of(membership, 'user')} AS user_id, "
        f"access_membership.{column_of(membership, 'content_object')} AS case_id "
        f"FROM {table_of(membership)} access_membership "
        f"JOIN {table_of(user)} access_worker ON access_worker.{column_of(user, 'id')} "
        f"= access_membership.{column_of(membership, 'user')} "
        f"WHERE access_worker.{column_of(user, 'agency')} = %s "
        f"AND access_membership.{column_of(membership, 'permission')} = {_permission_id_sql()} "
        f"UNION SELECT access_task.{column_of(task, 'assignee')}, access_task.{column_of(task, 'case')} "
        f"FROM {table_of(task)} access_task "
        f"WHERE access_task.{column_of(task, 'owner_agency')} = %s "
        f"AND access_task.{column_of(task, 'status')} = %s "
        f"AND access_task.{column_of(task, 'assignee')} IS NOT NULL AND {owner_sees}"
        f") AS links JOIN {table_of(case)} access_case "
        f"ON access_case.{column_of(case, 'id')} = links.case_id "
        f"WHERE access_case.{column_of(case, 'status')} = %s GROUP BY links.user_id"
    )


def open_cases_per_worker(*, agency_id: int) -> dict[int, int]:
    """How many open cases each member of the agency works on (user id: count; members on none
    are left out)."""
    _, owner_sees_params = OwnerSeesTask().condition(_task_columns(alias="access_task"))
    params = [
        agency_id,
        *_case_permission_params(WORK_ON_CASE),
        agency_id,
        TaskStatus.OPEN.value,
        *owner_sees_params,
        CaseStatus.OPEN.value,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_open_cases_per_worker_sql(), params)
        return dict(cursor.fetchall())
