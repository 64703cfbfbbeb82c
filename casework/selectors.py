"""Reads of casework data that need scoping or serve the background sweeps. Scoped reads start
from `casework.access`; the sweep reads are unscoped and named for the job that calls them."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.lookups import Contains, Exact
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from agencies.models import Role, User
from casework.access import (
    CaseAccess,
    case_events_visible,
    case_found_filter,
    case_with_readable_sections,
    event_tasks_visible,
    handoffs_to_approve_filter,
    handoffs_visible_to,
    may_compare_identity,
    pending_handoffs_to_agency_visible_to,
)
from casework.models import (
    SECTION_MODELS,
    Case,
    CaseClosure,
    CaseEvent,
    CaseEventType,
    DeadlineTemplate,
    Handoff,
    HandoffStatus,
    IdentitySection,
    section_fields,
)
from casework.search import SearchKey, has_search_key, is_short_term
from casework.sections import CORE_FIELDS, Section
from common.errors import NotFound, ValidationFailed
from common.times import format_day, format_when

HANDOFF_DIRECTIONS = ("incoming", "outgoing")


def handoff_list(*, user: User, direction: str | None = None, status: str | None = None) -> QuerySet[Handoff]:
    """The handoffs this user may see, newest first. `direction` is `incoming`: what asks the user's
    agency to act, so those to it and, for the lead agency's liaisons and supervisors, those
    awaiting their approval (also `outgoing` when their own agency proposed one); or `outgoing`:
    those from the user's agency."""
    incoming_pending = direction == "incoming" and status == HandoffStatus.PENDING
    visible = (
        pending_handoffs_to_agency_visible_to(user=user)
        if incoming_pending
        else handoffs_visible_to(user=user)
    )
    # The agencies and people named are read by a query each rather than joined: PostgreSQL spent
    # 10 to 18 ms planning the nine-table join of every page, against half a millisecond for
    # handoffs, cases and tasks (docs/performance.md, change 16).
    queryset = visible.select_related("case", "task").prefetch_related(
        "case__lead_agency", "from_agency", "to_agency", "created_by", "responded_by", "approved_by"
    )
    errors: dict[str, list[str]] = {}
    if direction is not None and direction not in HANDOFF_DIRECTIONS:
        errors["direction"] = [_("Must be one of: %(choices)s.") % {"choices": ", ".join(HANDOFF_DIRECTIONS)}]
    if status is not None and status not in HandoffStatus.values:
        errors["status"] = [_("Must be one of: %(choices)s.") % {"choices": ", ".join(HandoffStatus.values)}]
    if errors:
        raise ValidationFailed(_("Unknown filter value."), fields=errors)
    # `incoming_pending` is the pending handoffs to the agency already, as one condition
    # PostgreSQL estimates well.
    if incoming_pending:
        return queryset.order_by("-created_at", "pk")
    if direction == "incoming" and status is not None and status != HandoffStatus.AWAITING_APPROVAL:
        # Nothing awaiting approval has another status: without that branch's OR, PostgreSQL walks
        # the agency's handoffs newest first through the index and stops at the page's end, rather
        # than joining every one of them and sorting.
        queryset = queryset.filter(to_agency_id=user.agency_id)
    elif direction == "incoming":
        awaiting_user = Q(status=HandoffStatus.AWAITING_APPROVAL) & handoffs_to_approve_filter(user=user)
        queryset = queryset.filter(Q(to_agency_id=user.agency_id) | awaiting_user)
    elif direction == "outgoing":
        queryset = queryset.filter(from_agency_id=user.agency_id)
    if status is not None:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "pk")


def case_events_for(*, access: CaseAccess) -> QuerySet[CaseEvent]:
    """The case's events in sections the caller reads, newest first, with the tasks they created
    in sections the caller reads (`tasks`, each with its template and owner)."""
    return (
        case_events_visible(access=access)
        .select_related("recorded_by", "recording_agency")
        .prefetch_related(event_tasks_prefetch(access=access))
        .order_by("-occurred_at", "-created_at")
    )


def court_hearings_upcoming(*, access: CaseAccess, now: datetime) -> list[CaseEvent]:
    """The case's court hearings still to come, soonest first, for a reader of the section court
    hearings are recorded in (they say where the child will be); voided ones are not hearings."""
    events = (
        case_events_visible(access=access)
        .filter(type=CaseEventType.COURT_HEARING_SCHEDULED, voided_at__isnull=True)
        .select_related("recording_agency")
    )
    upcoming = [event for event in events if event.hearing_at is not None and event.hearing_at >= now]
    return sorted(upcoming, key=lambda event: (event.hearing_at, event.created_at))


def event_tasks_prefetch(*, access: CaseAccess) -> "Prefetch[Any]":
    """`prefetch_related` for events' `tasks`: those the caller sees with the event."""
    tasks = (
        event_tasks_visible(access=access).select_related("template", "owner_agency").order_by("due_at", "pk")
    )
    return Prefetch("tasks", queryset=tasks)


def deadline_templates_list(*, include_inactive: bool = False) -> QuerySet[DeadlineTemplate]:
    """Templates are public law, not case content: every member may list them."""
    queryset = DeadlineTemplate.objects.select_related("overrides")
    if not include_inactive:
        queryset = queryset.filter(active=True)
    return queryset.order_by("trigger", "jurisdiction", "key")


# --- case search ------------------------------------------------------------------------------


def _term_key(term: str) -> SearchKey:
    return SearchKey(Value(term))


def _matches_core(term: str) -> Q:
    return Q(Contains(F("search_key"), _term_key(term)))


def _merged_cases_matching(term: str) -> QuerySet[Case]:
    """Cases merged into another whose number or pseudonym matches: the number someone noted
    before the merge keeps finding the child's case."""
    return Case.objects.filter(_matches_core(term), merged_into__isnull=False).order_by()


def case_search_filter(*, user: User, term: str) -> Q | None:
    """Cases whose number or pseudonym matches `term` (`casework.search`: any part, ignoring case,
    spaces and punctuation), or whose child's legal name or an alias does, on the cases whose
    `identity` the user's agency may read (`casework.access.case_found_filter`); on any other case a name
    finds nothing, exactly as if it were not there. A term of one or two characters (once spaces
    and punctuation are left out) matches pseudonyms only, whole: "LM" finds "L.M.". None when the
    term has nothing to match. Apply it to cases the user may see: it narrows, it never widens.

    One `IN` over the union of the two kinds of match, so PostgreSQL starts from the few matching
    rows the trigram indexes give and joins them to the visible cases; as an `OR` of conditions on
    each row it walked every case instead."""
    if not has_search_key(term):
        return None
    if is_short_term(term):
        # One or two characters have no trigram, and as a part of a name or a number they would
        # match a share of all cases that grows with them: such a term is a pseudonym (initials),
        # matched whole, in an index that also holds the list's order (`case_pseudonym_key`), so a
        # page reads its rows in order and stops. (A merged-away case's number, which is longer,
        # still finds the case it was merged into.)
        return _is_pseudonym(term)
    return case_found_filter(user=user, term=term)


def _is_pseudonym(term: str) -> Q:
    return Q(Exact(SearchKey(F("pseudonym")), _term_key(term)))


def with_found_by_name(cases: QuerySet[Case], *, term: str) -> QuerySet[Case]:
    """Cases found by `case_search_filter`, marked `found_by_name` where only the child's name or
    an alias matched: a read of `identity` the reader is shown as such, and audited."""
    if not has_search_key(term) or is_short_term(term):
        # A short term matches pseudonyms only (`case_search_filter`).
        return cases.annotate(found_by_name=Value(False))
    found_by_core = _matches_core(term) | Q(
        Exists(_merged_cases_matching(term).filter(merged_into=OuterRef("pk")))
    )
    return cases.annotate(found_by_name=ExpressionWrapper(~found_by_core, output_field=BooleanField()))


def closures_visible(*, access: CaseAccess) -> QuerySet[CaseClosure]:
    """Every closing request of the case: whether and why a case closed is core, so every viewer
    sees the reason and the dates; the summary, justifications and comments are the lead agency's
    (the API and pages show them to its members only)."""
    return CaseClosure.objects.filter(case=access.case).select_related(
        "requested_by", "reviewer", "decided_by", "reopened_by"
    )


def closure_reviewers(*, access: CaseAccess) -> list[User]:
    """Who may be asked to approve this user's closing request: the lead agency's active
    supervisors other than the user."""
    return list(
        User.objects.filter(agency_id=access.case.lead_agency_id, role=Role.SUPERVISOR, is_active=True)
        .exclude(pk=access.user.pk)
        .order_by("last_name", "first_name", "username")
    )


# --- a section as people read it (case pages, case summaries) --------------------------------


@dataclass(frozen=True)
class FieldValue:
    name: str
    label: str
    value: str


def display_text(value: Any, *, choices: list[tuple[Any, str]] | None) -> str:
    """A stored value as people read it: the label of a code, a list joined, a date or time as
    every page writes it; empty for nothing recorded."""
    if choices:
        value = dict(choices).get(value, value)
    if value is None or value in ("", []):
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, datetime):
        return format_when(value)
    if isinstance(value, date):
        return format_day(value)
    return str(value)


def _section_model(section: str) -> tuple[type[Model], tuple[str, ...]]:
    if section == Section.CORE:
        return Case, CORE_FIELDS
    return SECTION_MODELS[section], section_fields(section)


# The fields' names as people read them, in their language: the models' verbose names are English
# (giving them `gettext_lazy` ones would change every section's migration state for nothing).
FIELD_LABELS = {
    "pseudonym": gettext_lazy("Pseudonym"),
    "age_band": gettext_lazy("Age band"),
    "status": pgettext_lazy("field", "Status"),
    "legal_name": gettext_lazy("Legal name"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "aliases": gettext_lazy("Aliases"),
    "languages": gettext_lazy("Languages"),
    "guardian": gettext_lazy("Guardian"),
    "placement_type": gettext_lazy("Placement type"),
    "address": gettext_lazy("Address"),
    "school": gettext_lazy("School"),
    "nationality": gettext_lazy("Nationality"),
    "summary": gettext_lazy("Summary"),
    "safety_plan": gettext_lazy("Safety plan"),
}


def display_values(*, section: str, raw: Mapping[str, Any]) -> list[FieldValue]:
    """Stored values of a section as people read them: labels for codes, lists joined, dates."""
    model, names = _section_model(section)
    shown = []
    for name in names:
        model_field = model._meta.get_field(name)
        label = str(FIELD_LABELS.get(name) or capfirst(str(getattr(model_field, "verbose_name", name))))
        choices = list(getattr(model_field, "choices", None) or []) or None
        shown.append(FieldValue(name, label, display_text(raw.get(name), choices=choices)))
    return shown


def section_values(*, access: CaseAccess, section: str) -> tuple[list[FieldValue], dict[str, Any]]:
    """The fields of one section the reader may read, for display, and their raw values (an edit
    form's initial data). `NotFound` if the reader may not read it, exactly as for a section that
    does not exist. Only sections the reader may read are loaded."""
    if section not in Section.values or not access.may_read(section):
        raise NotFound()
    _, names = _section_model(section)
    source: Any = access.case
    if section != Section.CORE:
        source = getattr(case_with_readable_sections(access=access), section)
    raw = {name: getattr(source, name) for name in names}
    return display_values(section=section, raw=raw), raw


def identity_to_compare(*, user: User, handoff: Handoff) -> list[FieldValue]:
    """The identity section of a match review's case, for the asked agency's liaison or
    supervisor to compare with its own case while the review is pending (`may_compare_identity`);
    `NotFound` otherwise, as for a review that does not exist."""
    if not may_compare_identity(user=user, handoff=handoff):
        raise NotFound()
    _, names = _section_model(Section.IDENTITY)
    identity = IdentitySection.objects.filter(case_id=handoff.case_id).first()
    raw = {name: getattr(identity, name) for name in names} if identity is not None else {}
    return display_values(section=Section.IDENTITY, raw=raw)
