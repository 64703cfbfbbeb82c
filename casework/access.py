"""The one place that decides who may see or do what on a case, and which sections.

Every view, API endpoint, template, export and notification asks this module; none decides for
itself. Two stores answer:

* guardian's direct foreign-key permission tables say *who takes part*: `view_case` held by an
  agency's group means the agency participates; `work_on_case` held by a user puts a caseworker
  on the case team. The services that change participation keep these rows in step.
* `SectionGrant` says *which data sections* an agency may read. Grants carry their basis,
  consent and expiry, which guardian rows cannot, and an expired grant stops access at the
  moment it expires because every check compares `expires_at` with now.

What a caller may not see raises `NotFound`, the same error as for something that does not
exist, so nobody can probe for a child's existence.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    Expression,
    F,
    Field,
    Model,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Role, User
from casework.models import (
    BreakGlass,
    Case,
    CaseEvent,
    CaseGroupObjectPermission,
    CaseParticipant,
    CaseUserObjectPermission,
    Consent,
    DeadlineTemplate,
    Handoff,
    HandoffKind,
    HandoffStatus,
    Note,
    SectionGrant,
    Task,
    TaskStatus,
    TimelineEvent,
)
from casework.sections import CONSENT_SECTIONS, DATA_SECTIONS, RULES, Section, default_sections_for
from common.errors import NotFound, PermissionDenied

VIEW_CASE = "view_case"
WORK_ON_CASE = "work_on_case"
CASE_ROLES = frozenset({Role.CASEWORKER, Role.LIAISON, Role.SUPERVISOR})
LIAISON_ROLES = frozenset({Role.LIAISON, Role.SUPERVISOR})


def works_on_cases(user: User) -> bool:
    """Agency members in a case role; agency administrators and platform staff see no case content."""
    return bool(user.is_authenticated and user.is_active and user.agency_id and user.role in CASE_ROLES)


def active_grant_filter(*, prefix: str = "") -> Q:
    now = timezone.now()
    return Q(**{f"{prefix}ended_at__isnull": True}) & (
        Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": now})
    )


# --- which cases: SQL written once ------------------------------------------------------------
#
# Visibility used to be built from `Exists(...)` querysets on every call. The database answers in
# well under a millisecond, but building and compiling those nested querysets cost several times
# that on each request (docs/performance.md), so the same SQL is written out here once, with table
# and column names taken from the models, and spliced into any query by `CaseVisible`.


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    assert field.column is not None
    return connection.ops.quote_name(field.column)


@dataclass(frozen=True)
class _VisibilitySql:
    """`{case}` stands for the outer query's case column, `%s` for parameters, in this order:
    `takes_part` (agency id, then the permission's codename, app label, model), `works_on`
    (user id, then the permission's, then user id and agency id for the task)."""

    takes_part: str
    works_on: str


# The group and permission are uncorrelated subqueries, which PostgreSQL evaluates once per query
# (InitPlan) and compares by equality in the permission table's own index. Joining the group,
# agency, permission and content-type tables instead hid from the planner how many cases an
# agency takes part in, so it read every one of a large agency's cases and sorted them to return
# the newest 50 (docs/performance.md). Their ids are looked up by the database on every query,
# never cached here: a flushed or reloaded database gives them new ids. Only table and column names
# from the models are spliced into the text (hence the noqa: S608); every value is a parameter.
@cache
def _visibility_sql() -> _VisibilitySql:
    permission_id = (
        f"(SELECT access_permission.{_column(Permission, 'id')} "  # noqa: S608
        f"FROM {_table(Permission)} access_permission "
        f"JOIN {_table(ContentType)} access_content_type "
        f"ON access_content_type.{_column(ContentType, 'id')} "
        f"= access_permission.{_column(Permission, 'content_type')} "
        f"WHERE access_permission.{_column(Permission, 'codename')} = %s "
        f"AND access_content_type.{_column(ContentType, 'app_label')} = %s "
        f"AND access_content_type.{_column(ContentType, 'model')} = %s)"
    )
    group, user, task = CaseGroupObjectPermission, CaseUserObjectPermission, Task
    takes_part = (
        f"EXISTS (SELECT 1 FROM {_table(group)} access_group_permission "  # noqa: S608
        f"WHERE access_group_permission.{_column(group, 'content_object')} = {{case}} "
        f"AND access_group_permission.{_column(group, 'group')} = ("
        f"SELECT access_agency.{_column(Agency, 'group')} FROM {_table(Agency)} access_agency "
        f"WHERE access_agency.{_column(Agency, 'id')} = %s) "
        f"AND access_group_permission.{_column(group, 'permission')} = {permission_id})"
    )
    works_on = (
        f"(EXISTS (SELECT 1 FROM {_table(user)} access_user_permission "  # noqa: S608
        f"WHERE access_user_permission.{_column(user, 'content_object')} = {{case}} "
        f"AND access_user_permission.{_column(user, 'user')} = %s "
        f"AND access_user_permission.{_column(user, 'permission')} = {permission_id}) "
        f"OR EXISTS (SELECT 1 FROM {_table(task)} access_task "
        f"WHERE access_task.{_column(task, 'case')} = {{case}} "
        f"AND access_task.{_column(task, 'assignee')} = %s "
        f"AND access_task.{_column(task, 'owner_agency')} = %s))"
    )
    return _VisibilitySql(takes_part=takes_part, works_on=works_on)


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


def _case_visible(case_sql: str, *, agency_id: int, worker_id: int | None) -> tuple[str, list[Any]]:
    sql = _visibility_sql()
    permission = [Case._meta.app_label, Case._meta.model_name]
    params: list[Any] = [agency_id, VIEW_CASE, *permission]
    if worker_id is None:
        return sql.takes_part.format(case=case_sql), params
    params += [worker_id, WORK_ON_CASE, *permission, worker_id, agency_id]
    return f"({sql.takes_part.format(case=case_sql)} AND {sql.works_on.format(case=case_sql)})", params


class CaseVisible(_RowCondition):
    """True for the rows whose case (`case_ref`: `"pk"` on cases, `"case_id"` on tasks and
    handoffs) the agency takes part in (its group holds `view_case`) and, with `worker_id`, on
    which that member of the agency also works: on the case team (holds `work_on_case`) or
    assigned a task the agency owns."""

    def __init__(self, case_ref: str = "pk", *, agency_id: int, worker_id: int | None = None) -> None:
        super().__init__(case=case_ref)
        self.agency_id = agency_id
        self.worker_id = worker_id

    def __repr__(self) -> str:
        return f"CaseVisible({self.refs['case']!r}, agency_id={self.agency_id}, worker_id={self.worker_id})"

    def condition(self, columns: dict[str, str]) -> tuple[str, list[Any]]:
        return _case_visible(columns["case"], agency_id=self.agency_id, worker_id=self.worker_id)


def _worker_id(user: User) -> int | None:
    """Whose own work limits the cases a user sees: a caseworker's. Liaisons and supervisors see
    every case their agency takes part in."""
    return None if user.role in LIAISON_ROLES else user.pk


def sees_every_agency_case(*, user: User) -> bool:
    """Whether the user sees every case their agency takes part in (liaisons and supervisors), not
    only those they work on (caseworkers)."""
    return works_on_cases(user) and _worker_id(user) is None


def agency_takes_part(*, agency_id: int, case_ref: str = "pk") -> CaseVisible:
    return CaseVisible(case_ref, agency_id=agency_id)


def case_visibility_filter(*, user: User, case_ref: str = "pk") -> Q:
    """A filter over any queryset with a reference to a case (`case_ref`) that keeps the rows on
    cases this user may see. One indexed `EXISTS` per rule, whatever the data size."""
    if not works_on_cases(user):
        return Q(pk__in=[])
    assert user.agency_id is not None
    return Q(CaseVisible(case_ref, agency_id=user.agency_id, worker_id=_worker_id(user)))


def cases_visible_to(*, user: User) -> QuerySet[Case]:
    return Case.objects.filter(case_visibility_filter(user=user))


def _parse_id(value: object) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as error:
        raise NotFound() from error


@dataclass(frozen=True)
class CaseAccess:
    """What one user may do on one case. Build it with `case_access` or `get_case_access`."""

    user: User
    case: Case
    readable: frozenset[str]
    # The readable sections the user reads only through an active break-glass opening: read-only,
    # and marked as such in the audit log.
    break_glass: frozenset[str] = frozenset()

    @property
    def agency(self) -> Agency:
        assert self.user.agency is not None
        return self.user.agency

    @property
    def version(self) -> int:
        """The version of what this user may read of the case (its ETag)."""
        return self.case.version_for(self.readable)

    @property
    def is_lead(self) -> bool:
        return self.case.lead_agency_id == self.user.agency_id

    def stewards(self, section: str) -> bool:
        return agency_stewards(agency=self.agency, case=self.case, section=section)

    def may_read(self, section: str) -> bool:
        return section in self.readable

    def may_write(self, section: str) -> bool:
        return section in self.readable and section not in self.break_glass and self.stewards(section)

    def may_add_note(self, section: str) -> bool:
        """A note is a write: general notes (`core`) by every agency on the case, a data section's
        notes only by an agency that may write that section. Reading a section, by grant, consent
        or break-glass, never lets anyone write in it."""
        return section == Section.CORE or self.may_write(section)

    @property
    def note_sections(self) -> frozenset[str]:
        return frozenset(section for section in self.readable if self.may_add_note(section))

    @property
    def writable(self) -> frozenset[str]:
        return frozenset(section for section in self.readable if self.may_write(section))

    @property
    def is_liaison_or_supervisor(self) -> bool:
        return self.user.role in LIAISON_ROLES

    @property
    def may_invite(self) -> bool:
        return self.is_lead and self.is_liaison_or_supervisor

    def may_grant(self, section: str) -> bool:
        return section != Section.CORE and self.is_liaison_or_supervisor and self.stewards(section)

    @property
    def grantable_sections(self) -> frozenset[str]:
        return frozenset(section for section in RULES if self.may_grant(section))

    @property
    def may_view_grants(self) -> bool:
        return bool(self.grantable_sections)

    def may_record_consent(self, sections: list[str] | frozenset[str]) -> bool:
        return bool(sections) and all(self.stewards(section) for section in sections)

    def may_revoke_grant(self, grant: SectionGrant) -> bool:
        """End another agency's grant of a section this agency stewards; a steward's own access to
        its section never ends this way."""
        return (
            grant.ended_at is None
            and self.may_grant(grant.section)
            and not agency_stewards(agency=grant.agency, case=self.case, section=grant.section)
        )

    def may_revoke_consent(self, consent: Consent) -> bool:
        """Revoking a consent ends the grants resting on it, so it takes what ending a grant takes:
        a liaison or supervisor of the steward agency that recorded it."""
        return (
            consent.revoked_at is None
            and self.is_liaison_or_supervisor
            and consent.recorded_by_agency_id == self.user.agency_id
            and self.may_record_consent(consent.sections)
        )

    @property
    def consent_sections(self) -> frozenset[str]:
        """The consent-based sections this agency stewards, so may record consents for."""
        return frozenset(section for section in CONSENT_SECTIONS if self.stewards(section))

    @property
    def may_view_access_log(self) -> bool:
        return self.is_lead and self.user.role == Role.SUPERVISOR

    @property
    def may_manage_team(self) -> bool:
        return self.is_liaison_or_supervisor

    def may_break_glass(self, section: str) -> bool:
        """A supervisor may open a data section their agency holds no grant for, in an emergency;
        never a section that may not leave its kind of agency (`legal` outside legal advocates)."""
        if self.user.role != Role.SUPERVISOR or section not in DATA_SECTIONS or section in self.readable:
            return False
        only_kinds = RULES[section].only_kinds
        return only_kinds is None or self.agency.kind in only_kinds

    @property
    def may_record_exploitation_profile(self) -> bool:
        """The exploitation profile lives in `investigation`: its stewards write it, and child
        welfare records it too, but only while it already reads the section by a grant (never by
        break-glass), so recording never widens what child welfare reads."""
        section = Section.INVESTIGATION
        return self.may_write(section) or (
            self.agency.kind == AgencyKind.CHILD_WELFARE
            and section in self.readable
            and section not in self.break_glass
        )

    def may_correct_event(self, event: CaseEvent) -> bool:
        """Correct or void a recorded event: its recording agency, through a liaison or supervisor
        or the person who recorded it, while the agency reads (not by break-glass) its section."""
        return (
            event.recording_agency_id == self.user.agency_id
            and (self.is_liaison_or_supervisor or event.recorded_by_id == self.user.pk)
            and event.section in self.readable
            and event.section not in self.break_glass
        )

    def require(self, allowed: bool, message: str) -> None:
        if not allowed:
            raise PermissionDenied(message)


def agency_stewards(*, agency: Agency, case: Case, section: str) -> bool:
    rule = RULES[section]
    if rule.steward_kinds is None:
        return case.lead_agency_id == agency.pk
    return agency.kind in rule.steward_kinds


def active_break_glass_filter(*, user: User) -> Q:
    """Break-glass openings by this user, for their current agency, that have not yet expired."""
    return Q(opened_by_id=user.pk, agency_id=user.agency_id, expires_at__gt=timezone.now())


# Every section readable on the cases through an active grant (`active_grant_filter`) or the user's
# active break-glass openings (`active_break_glass_filter`), in one statement written out once: the
# ORM's `.union()` of two querysets cost several times the query itself to build and compile. One
# case (a case page) is matched with `=`, which PostgreSQL plans faster than `= ANY(array)`.
@cache
def _readable_sections_sql(*, many: bool) -> str:
    grant, opening = SectionGrant, BreakGlass
    matches = "= ANY(%s::uuid[])" if many else "= %s"
    return (
        f"SELECT {_column(grant, 'case')}, {_column(grant, 'section')}, false FROM {_table(grant)} "  # noqa: S608
        f"WHERE {_column(grant, 'case')} {matches} AND {_column(grant, 'agency')} = %s "
        f"AND {_column(grant, 'ended_at')} IS NULL "
        f"AND ({_column(grant, 'expires_at')} IS NULL OR {_column(grant, 'expires_at')} > %s) "
        "UNION ALL "
        f"SELECT {_column(opening, 'case')}, {_column(opening, 'section')}, true FROM {_table(opening)} "
        f"WHERE {_column(opening, 'case')} {matches} AND {_column(opening, 'opened_by')} = %s "
        f"AND {_column(opening, 'agency')} = %s AND {_column(opening, 'expires_at')} > %s"
    )


def _readable_rows(*, user: User, case_ids: list[uuid.UUID]) -> list[tuple[uuid.UUID, str, bool]]:
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


def _readable_sections(*, user: User, case: Case) -> tuple[frozenset[str], frozenset[str]]:
    """(readable sections, those readable only through break-glass), in one query."""
    rows = _readable_rows(user=user, case_ids=[case.pk])
    by_grant = {section for _, section, via_break_glass in rows if not via_break_glass}
    by_break_glass = {section for _, section, via_break_glass in rows if via_break_glass} - by_grant
    return frozenset({Section.CORE.value, *by_grant, *by_break_glass}), frozenset(by_break_glass)


def _access(*, user: User, case: Case) -> CaseAccess:
    readable, break_glass = _readable_sections(user=user, case=case)
    return CaseAccess(user=user, case=case, readable=readable, break_glass=break_glass)


def get_case_access(*, user: User, case_id: object, lock: bool = False) -> CaseAccess:
    """The case with this id as this user may see it, or `NotFound`. With `lock`, the case row is
    locked for the rest of the caller's transaction."""
    # One filter call and `get` (which drops the cases' default ordering): on a page that reads
    # one case, building and compiling the query costs more than the database takes to run it.
    queryset = Case.objects.select_related("lead_agency").filter(
        case_visibility_filter(user=user), pk=_parse_id(case_id)
    )
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    try:
        case = queryset.get()
    except Case.DoesNotExist as error:
        raise NotFound() from error
    return _access(user=user, case=case)


def case_access(*, user: User, case: Case) -> CaseAccess:
    """Access for a case object the caller already holds; re-checks visibility."""
    if not cases_visible_to(user=user).filter(pk=case.pk).exists():
        raise NotFound()
    return _access(user=user, case=case)


def readable_sections_by_case(*, user: User, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, frozenset[str]]:
    """Readable sections for many visible cases in one query (list pages)."""
    by_case: dict[uuid.UUID, set[str]] = defaultdict(lambda: {Section.CORE.value})
    for case_id, section, _ in _readable_rows(user=user, case_ids=case_ids):
        by_case[case_id].add(section)
    return {case_id: frozenset(by_case[case_id]) for case_id in case_ids}


# --- case lists: search by name and what a row may show ---------------------------------------


def agency_reads_section_filter(*, user: User, section: str, case_ref: str = "pk") -> Q:
    """Rows whose case (`case_ref`) the user's agency holds an active grant of `section` on: the
    cases whose `identity` a search may match by the child's name. Break-glass openings do not
    count: one supervisor's emergency read of one case is not a way to search across cases."""
    if not works_on_cases(user):
        return Q(pk__in=[])
    assert user.agency_id is not None
    grants = SectionGrant.objects.filter(
        active_grant_filter(), case_id=OuterRef(case_ref), agency_id=user.agency_id, section=section
    )
    return Q(Exists(grants))


# When what the reader may read of a case last changed, as `Case.updated_at_for(readable)` answers
# it on a case page, for every row of a list at once, so a list can sort by it: core's time and the
# edit time (`section_changes`) of each section the reader reads, by grant or their own break-glass
# opening. Edits of other sections move nothing the reader sees (issue 12, finding 11).
@cache
def _readable_changed_at_sql() -> str:
    grant, opening = SectionGrant, BreakGlass
    return (
        "GREATEST({updated_at}, (SELECT max(({changes} -> access_readable.section ->> 'at')::timestamptz) "  # noqa: S608
        f"FROM (SELECT {_column(grant, 'section')} AS section FROM {_table(grant)} "
        f"WHERE {_column(grant, 'case')} = {{case}} AND {_column(grant, 'agency')} = %s "
        f"AND {_column(grant, 'ended_at')} IS NULL "
        f"AND ({_column(grant, 'expires_at')} IS NULL OR {_column(grant, 'expires_at')} > %s) "
        f"UNION ALL SELECT {_column(opening, 'section')} FROM {_table(opening)} "
        f"WHERE {_column(opening, 'case')} = {{case}} AND {_column(opening, 'opened_by')} = %s "
        f"AND {_column(opening, 'agency')} = %s AND {_column(opening, 'expires_at')} > %s) access_readable))"
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
        f"EXISTS (SELECT 1 FROM {_table(handoff)} access_handed_off "  # noqa: S608
        f"WHERE access_handed_off.{_column(handoff, 'task')} = {{task}} "
        f"AND access_handed_off.{_column(handoff, 'from_agency')} = %s "
        f"AND access_handed_off.{_column(handoff, 'status')} = %s "
        f"AND access_handed_off.{_column(handoff, 'kind')} = %s)"
    )


@cache
def _offered_sql() -> str:
    handoff = Handoff
    return (
        f"EXISTS (SELECT 1 FROM {_table(handoff)} access_handoff "  # noqa: S608
        f"WHERE access_handoff.{_column(handoff, 'task')} = {{task}} "
        f"AND access_handoff.{_column(handoff, 'to_agency')} = %s "
        f"AND access_handoff.{_column(handoff, 'status')} = %s "
        f"AND access_handoff.{_column(handoff, 'kind')} = %s)"
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
        f"EXISTS (SELECT 1 FROM {_table(grant)} access_task_grant "  # noqa: S608
        f"WHERE access_task_grant.{_column(grant, 'case')} = {{case}} "
        f"AND access_task_grant.{_column(grant, 'agency')} = {{agency}} "
        f"AND access_task_grant.{_column(grant, 'section')} = {{section}} "
        f"AND access_task_grant.{_column(grant, 'ended_at')} IS NULL "
        f"AND (access_task_grant.{_column(grant, 'expires_at')} IS NULL "
        f"OR access_task_grant.{_column(grant, 'expires_at')} > %s))"
    )
    opened = (
        f"EXISTS (SELECT 1 FROM {_table(opening)} access_task_opening "  # noqa: S608
        f"WHERE access_task_opening.{_column(opening, 'case')} = {{case}} "
        f"AND access_task_opening.{_column(opening, 'agency')} = {{agency}} "
        f"AND access_task_opening.{_column(opening, 'section')} = {{section}} "
        f"AND access_task_opening.{_column(opening, 'opened_by')} = %s "
        f"AND access_task_opening.{_column(opening, 'expires_at')} > %s)"
    )
    asked = (
        f"EXISTS (SELECT 1 FROM {_table(template)} access_task_template "  # noqa: S608
        f"WHERE access_task_template.{_column(template, 'id')} = {{template}} "
        f"AND access_task_template.{_column(template, 'asks_owner')} "
        f"AND access_task_template.{_column(template, 'owner_kind')} = {{kind}})"
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
        f"(SELECT access_owner.{_column(Agency, 'kind')} FROM {_table(Agency)} access_owner "  # noqa: S608
        f"WHERE access_owner.{_column(Agency, 'id')} = {columns['owner']})"
    )
    return _task_section_sql().asked.format(template=columns["template"], kind=owner_kind)


class _TaskVisible(_RowCondition):
    """True for the agency's own tasks on cases visible to the user (`CaseVisible`'s rule) whose
    section the agency may read or whose template asks something of the agency's kind, for tasks
    on those cases the agency handed off to another agency (it keeps sight of work it passed on)
    and, with `offered`, for tasks another agency offers it in a pending handoff. One expression
    rather than several filters: building and compiling each filter cost more than the database
    took."""

    def __init__(self, *, agency_id: int, user_id: int, worker_id: int | None, offered: bool) -> None:
        super().__init__(**_TASK_REFS)
        self.agency_id = agency_id
        self.user_id = user_id
        self.worker_id = worker_id
        self.offered = offered

    def __repr__(self) -> str:
        return f"_TaskVisible(agency_id={self.agency_id}, worker_id={self.worker_id}, offered={self.offered})"

    def condition(self, columns: dict[str, str]) -> tuple[str, list[Any]]:
        case_sql, case_params = _case_visible(
            columns["case"], agency_id=self.agency_id, worker_id=self.worker_id
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


class _TaskSectionReadable(_RowCondition):
    """True for tasks whose section this member of the agency may read on the task's case."""

    def __init__(self, *, agency_id: int, user_id: int) -> None:
        super().__init__(**_TASK_REFS)
        self.agency_id = agency_id
        self.user_id = user_id

    def __repr__(self) -> str:
        return f"_TaskSectionReadable(agency_id={self.agency_id}, user_id={self.user_id})"

    def condition(self, columns: dict[str, str]) -> tuple[str, list[Any]]:
        return _task_section_readable(
            columns, agency="%s", agency_params=[self.agency_id], user_id=self.user_id
        )


class _OwnerSeesTask(_RowCondition):
    """True for tasks their owning agency may see (as `_TaskVisible` decides for the agency as a
    whole, without anyone's break-glass): for the reminder sweep and the agency dashboard. With
    `detail`, only those whose section the owner reads."""

    def __init__(self, *, detail: bool = False) -> None:
        super().__init__(**_TASK_REFS)
        self.detail = detail

    def __repr__(self) -> str:
        return f"_OwnerSeesTask(detail={self.detail})"

    def condition(self, columns: dict[str, str]) -> tuple[str, list[Any]]:
        owner = columns["owner"]
        readable, params = _task_section_readable(columns, agency=owner, agency_params=[], user_id=None)
        if self.detail:
            return f"({owner} IS NOT NULL AND {readable})", params
        return f"({owner} IS NOT NULL AND ({readable} OR {_task_asked(columns)}))", params


def owner_sees_task() -> _OwnerSeesTask:
    """A filter or annotation over tasks: their owning agency may see them. A reminder or a
    dashboard figure about any other task would tell the agency of a record derived from a
    section it may not read; a task waiting for an owner has nobody to remind."""
    return _OwnerSeesTask()


def owner_sees_task_sql(*, alias: str) -> tuple[str, list[Any]]:
    """`owner_sees_task` as SQL text and parameters (`%s`), for hand-written queries over the task
    table under `alias`."""
    columns = {
        ref: f"{alias}.{_column(Task, 'id' if field == 'pk' else field)}" for ref, field in _TASK_REFS.items()
    }
    return _OwnerSeesTask().condition(columns)


def owner_reads_task_section() -> _OwnerSeesTask:
    """An annotation over tasks: their owning agency reads the task's section, so sees it whole."""
    return _OwnerSeesTask(detail=True)


def tasks_visible_to(*, user: User) -> QuerySet[Task]:
    """Tasks of the user's agency on cases the user may see, whose section the user may read or
    whose template asks something of the agency. Tasks of other agencies are theirs, except that
    the agency keeps sight of the tasks it handed off (read only: `get_task_for_user(lock=True)`
    refuses them) and liaisons and supervisors see a task another agency offers theirs in a
    pending handoff, so they can decide on it, even before their agency takes part in the case.
    Each task carries `reads_section`, which `task_shows_detail` answers from."""
    if not works_on_cases(user):
        return Task.objects.none()
    assert user.agency_id is not None
    visible = _TaskVisible(
        agency_id=user.agency_id,
        user_id=user.pk,
        worker_id=_worker_id(user),
        offered=user.role in LIAISON_ROLES,
    )
    readable = _TaskSectionReadable(agency_id=user.agency_id, user_id=user.pk)
    return Task.objects.annotate(reads_section=readable).filter(visible)


def task_shows_detail(task: Task) -> bool:
    """Whether the reader sees the task whole, or only what `TASK_DETAIL_FIELDS` leaves: the
    owner a template asks something of, and an agency offered the task, see its title and due
    time and nothing else of a section they may not read. Ask it of tasks from `tasks_visible_to`
    (or `get_task_for_user`), which know it for their reader."""
    return bool(task.reads_section)  # type: ignore[attr-defined]


def get_task_for_user(*, user: User, task_id: object, lock: bool = False) -> Task:
    """The task as this user may see it, or `NotFound`. Every writer locks (`lock=True`), and only
    the owning agency changes a task: a task the user's agency sees without owning it (handed off
    by it, or offered to it) is `PermissionDenied` to a writer (DOMAIN.md rule 4)."""
    queryset = tasks_visible_to(user=user).select_related(
        "case", "case__lead_agency", "owner_agency", "assignee"
    )
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    task = queryset.filter(pk=_parse_id(task_id)).first()
    if task is None:
        raise NotFound()
    if lock and task.owner_agency_id != user.agency_id:
        raise PermissionDenied("Only the agency that holds this task changes it.")
    return task


def agency_may_hold_task(*, agency: Agency, task: Task) -> bool:
    """Whether `agency` could see `task` once it owned it: the task is core, its template asks
    something of the agency's kind, or the agency reads the task's section on the case (a
    participant through an active grant; an agency not yet taking part through the defaults of
    its kind, which it receives on joining)."""
    if task.section == Section.CORE:
        return True
    template = task.template
    if template is not None and template.asks_owner and template.owner_kind == agency.kind:
        return True
    if not CaseParticipant.objects.filter(case_id=task.case_id, agency=agency).exists():
        return task.section in default_sections_for(agency_kind=agency.kind)
    return SectionGrant.objects.filter(
        active_grant_filter(), case_id=task.case_id, agency=agency, section=task.section
    ).exists()


def _reader_agency_ids(*, case: Case, section: str) -> QuerySet[Any]:
    """The ids of the agencies that may read `section` on `case` now, as a subquery: every
    participant for core, the holders of an active grant for a data section."""
    if section == Section.CORE:
        return CaseParticipant.objects.filter(case=case).values("agency_id")
    return SectionGrant.objects.filter(active_grant_filter(), case=case, section=section).values("agency_id")


def agencies_reading(*, case: Case, section: str) -> set[int]:
    """The agencies that may read `section` on `case` (every participant for core)."""
    return {row["agency_id"] for row in _reader_agency_ids(case=case, section=section)}


def tasks_waiting_for(*, access: CaseAccess) -> list[tuple[str, int]]:
    """(agency kind, how many) of the case's tasks waiting for an agency of that kind to join,
    for those who may invite one (DOMAIN.md: the lead agency's liaisons are asked to); nothing
    else of the tasks, which belong to a section the lead agency does not read."""
    if not access.may_invite:
        return []
    waiting = (
        Task.objects.filter(case=access.case, owner_agency__isnull=True, status=TaskStatus.OPEN)
        .values_list("awaits_kind")
        .annotate(count=Count("pk"))
        .order_by("awaits_kind")
    )
    return [(kind, count) for kind, count in waiting]


def event_tasks_visible(*, access: CaseAccess) -> QuerySet[Task]:
    """The tasks a case event started that a reader of the case sees with the event: those in
    the sections the reader may read, whichever agency holds them."""
    return Task.objects.filter(case=access.case, section__in=access.readable)


def notes_visible(*, access: CaseAccess) -> QuerySet[Note]:
    return Note.objects.filter(case=access.case, section__in=access.readable)


def timeline_visible(*, access: CaseAccess) -> QuerySet[TimelineEvent]:
    return TimelineEvent.objects.filter(case=access.case, section__in=access.readable).filter(
        Q(agencies=[]) | Q(agencies__contains=[access.user.agency_id])
    )


def agencies_reading_section(*, access: CaseAccess, section: str) -> list[Agency]:
    """The agencies on the case that can read `section` now, by name: every participant for `core`;
    for a data section, those holding an active grant of it (not ended, not past `expires_at`).
    Asked before someone writes in the section, so they know who will read it.

    Who holds a data section is its stewards' business (as in `grants_visible`): only a reader
    whose agency stewards it is told, others get `PermissionDenied`; a section the reader may not
    read is `NotFound`. A break-glass opening is one supervisor's emergency reading, recorded in
    the disclosure history, not a grant to their agency, so it is not listed."""
    if not access.may_read(section):
        raise NotFound()
    if section != Section.CORE:
        access.require(access.stewards(section), "Only the section's steward agencies see who reads it.")
    readers = _reader_agency_ids(case=access.case, section=section)
    return list(Agency.objects.filter(pk__in=readers).order_by("name", "pk"))


def grants_visible(*, access: CaseAccess) -> QuerySet[SectionGrant]:
    """Grants of the sections the caller's agency stewards; other stewards' sharing is theirs."""
    return SectionGrant.objects.filter(case=access.case, section__in=access.grantable_sections)


def consents_visible(*, access: CaseAccess) -> QuerySet[Consent]:
    return Consent.objects.filter(case=access.case, sections__overlap=list(access.consent_sections))


def case_events_visible(*, access: CaseAccess) -> QuerySet[CaseEvent]:
    """Events in the sections the caller's agency reads (immigration events only to its readers)."""
    return CaseEvent.objects.filter(case=access.case, section__in=access.readable)


def get_case_event(*, access: CaseAccess, event_id: object, lock: bool = False) -> CaseEvent:
    """An event of the case the caller sees; NotFound for one in a section it does not read, as
    for one that does not exist."""
    events = case_events_visible(access=access).select_related("recording_agency")
    if lock:
        events = events.select_for_update(of=("self",))
    event = events.filter(pk=_parse_id(event_id)).first()
    if event is None:
        raise NotFound("No such event on this case.")
    return event


# --- handoffs --------------------------------------------------------------------------------


def handoffs_to_approve_filter(*, user: User) -> Q:
    """Handoffs that needed, or need, the approval of the user as a liaison or supervisor of the
    case's lead agency: those bringing another agency onto the case. Never one to the user's own
    agency, which must not learn of a handoff before it is approved."""
    if not works_on_cases(user) or user.role not in LIAISON_ROLES:
        return Q(pk__in=[])
    return Q(needs_approval=True, case__lead_agency_id=user.agency_id) & ~Q(to_agency_id=user.agency_id)


def handoff_visibility_filter(*, user: User) -> Q:
    """Handoffs the user's agency sent, on cases the user may see; handoffs it received once the
    lead agency approved them, if they needed it: all of them for its liaisons and supervisors
    (who answer them, even before the agency takes part in the case), the others once they may see
    the case; and, for the lead agency's liaisons and supervisors, those they approve."""
    if not works_on_cases(user):
        return Q(pk__in=[])
    sees_case = case_visibility_filter(user=user, case_ref="case_id")
    sent = Q(from_agency_id=user.agency_id) & sees_case
    # Awaiting approval, or ended before it came (declined by the lead agency, withdrawn, expired):
    # the receiving agency never hears of it.
    received = Q(to_agency_id=user.agency_id) & ~Q(needs_approval=True, approved_at__isnull=True)
    if user.role in LIAISON_ROLES:
        return sent | received | handoffs_to_approve_filter(user=user)
    return sent | (received & sees_case)


def handoffs_visible_to(*, user: User) -> QuerySet[Handoff]:
    return Handoff.objects.filter(handoff_visibility_filter(user=user))


def get_handoff_for_user(*, user: User, handoff_id: object, lock: bool = False) -> Handoff:
    """The handoff as this user may see it, or `NotFound`. With `lock`, the handoff row is locked
    for the rest of the caller's transaction, so concurrent answers are serialised."""
    queryset = handoffs_visible_to(user=user).select_related(
        "case", "case__lead_agency", "task", "from_agency", "to_agency", "created_by"
    )
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    handoff = queryset.filter(pk=_parse_id(handoff_id)).first()
    if handoff is None:
        raise NotFound()
    return handoff


def may_answer_handoff(*, user: User, handoff: Handoff) -> bool:
    """Accept or decline: a liaison or supervisor of the receiving agency."""
    return works_on_cases(user) and user.role in LIAISON_ROLES and user.agency_id == handoff.to_agency_id


def may_approve_handoff(*, user: User, handoff: Handoff) -> bool:
    """Approve or decline a handoff that brings a new agency onto the case: what inviting needs, a
    liaison or supervisor of the case's lead agency (`CaseAccess.may_invite`)."""
    return (
        works_on_cases(user)
        and user.role in LIAISON_ROLES
        and handoff.needs_approval
        and user.agency_id == handoff.case.lead_agency_id
        and user.agency_id != handoff.to_agency_id
    )


def may_withdraw_handoff(*, user: User, handoff: Handoff) -> bool:
    """Any case worker of the sending agency who sees the handoff."""
    return works_on_cases(user) and user.agency_id == handoff.from_agency_id


def may_hand_off_task(*, user: User, task: Task) -> bool:
    """A member of the task's owning agency proposes handing it to another agency."""
    return works_on_cases(user) and user.agency_id == task.owner_agency_id


def agencies_reached_without_approval(*, access: CaseAccess) -> frozenset[int] | None:
    """The agencies this user may hand work to at once: None for any agency, when the user may
    invite; otherwise those on the case. Handing work to an agency not yet on the case invites it,
    so it needs what inviting needs, and proposed by anyone else it waits for the lead agency's
    approval. Who takes part is core, which every viewer of the case sees."""
    if access.may_invite:
        return None
    return frozenset(CaseParticipant.objects.filter(case=access.case).values_list("agency_id", flat=True))


def handoff_needs_approval(*, access: CaseAccess, to_agency_id: int) -> bool:
    reached = agencies_reached_without_approval(access=access)
    return reached is not None and to_agency_id not in reached


def may_hand_off_lead(*, access: CaseAccess) -> bool:
    """Handing the lead of a case to another agency is the lead agency's liaison or supervisor's
    decision, as inviting agencies is."""
    return access.is_lead and access.is_liaison_or_supervisor


# --- reads for the API ------------------------------------------------------------------------


def case_with_readable_sections(*, access: CaseAccess) -> Case:
    """The case re-read with the data sections the caller may read joined in, and no others, so
    an unreadable section is never even loaded. One query."""
    readable_data = [
        section for section in Section.values if section != Section.CORE and access.may_read(section)
    ]
    return Case.objects.select_related("lead_agency", *readable_data).get(pk=access.case.pk)


def participants_visible(*, access: CaseAccess) -> QuerySet[CaseParticipant]:
    """The agencies taking part: who works on a case is core, so every viewer of the case sees it."""
    return CaseParticipant.objects.filter(case=access.case)


def may_handle_consents(*, access: CaseAccess) -> bool:
    """Consents are recorded, read and revoked by the agencies that steward a section shared on
    consent here; the others never see them (a consent names its purpose)."""
    return bool(access.consent_sections)


# --- for the browser pages (web/) ------------------------------------------------------------


def worked_on_filter(*, user: User) -> Q:
    """The cases on the user's own desk: those whose case team they are on or on which they hold a
    task of their agency. A subset of the cases they see, for every role."""
    if not works_on_cases(user):
        return Q(pk__in=[])
    assert user.agency_id is not None
    return Q(CaseVisible(agency_id=user.agency_id, worker_id=user.pk))


def cases_worked_on_by(*, user: User) -> QuerySet[Case]:
    return Case.objects.filter(worked_on_filter(user=user))


def may_work_on_task(*, user: User, task: Task) -> bool:
    """Complete, edit or hand off an open task: a member of the agency that owns it. The services
    check again while holding the task's row lock."""
    return works_on_cases(user) and user.agency_id == task.owner_agency_id and task.status == TaskStatus.OPEN


def may_reopen_task(*, user: User, task: Task) -> bool:
    """Undo a completion: a member of the agency that owns the done task (the service checks
    again while holding the task's row lock)."""
    return works_on_cases(user) and user.agency_id == task.owner_agency_id and task.status == TaskStatus.DONE


def may_claim_task(*, user: User, task: Task) -> bool:
    """Anyone who may work on an unassigned task may take it on themselves."""
    return may_work_on_task(user=user, task=task) and task.assignee_id is None


def may_reassign_task(*, user: User, task: Task) -> bool:
    """Supervisors reassign work inside their agency."""
    return may_work_on_task(user=user, task=task) and user.role == Role.SUPERVISOR


def may_view_dashboard(*, user: User) -> bool:
    """The agency dashboard (its aggregates name workers and partner agencies) is for supervisors."""
    return works_on_cases(user) and user.role == Role.SUPERVISOR


def may_see_sharing(*, access: CaseAccess) -> bool:
    """Whether the case's sharing page has anything this user may do or read beyond the list of
    participants every viewer sees."""
    return bool(
        access.may_invite
        or access.may_view_grants
        or may_handle_consents(access=access)
        or access.may_manage_team
    )
