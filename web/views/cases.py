"""Finding, opening and reading a case: its header, one tab per section the reader may read (the
others do not exist for them), notes, tasks, handoffs, events and the timeline, and editing a
section with the stale-version conflict shown instead of overwriting."""

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import audit_case_read, audit_cases_found_by_name
from casework.access import (
    Action,
    CaseAccess,
    agencies_reading_section,
    get_case_access,
    get_case_event,
    notes_visible,
    participants_visible,
    sees_every_agency_case,
    timeline_visible,
)
from casework.models import HEARING_EVENT_TYPES, Case
from casework.sections import Section
from casework.selectors import (
    case_events_for,
    court_hearings_upcoming,
    display_values,
    event_tasks_prefetch,
    section_values,
)
from casework.services.cases import case_open, case_update
from casework.services.events import case_event_correct, case_event_record, case_event_void
from casework.services.notes import note_add
from casework.services.tasks import task_create
from common.errors import NotFound, StaleVersion, ValidationFailed
from exploitation.selectors import profile_may_start
from links.selectors import sibling_group
from web.forms import (
    CASE_SORT_LABELS,
    LOCAL_DATETIME_FORMAT,
    CaseEventForm,
    CaseFilterForm,
    CaseLinkForm,
    CaseOpenForm,
    CoreEditForm,
    EventCorrectForm,
    EventVoidForm,
    NoteForm,
    SearchForm,
    TaskCreateForm,
    VersionedForm,
    local_now_input,
    section_edit_form,
)
from web.http import WebRequest, case_work
from web.selectors import (
    CASE_LIST_LIMIT,
    CaseListQuery,
    agency_directory,
    case_handoffs,
    case_tasks,
    colleagues,
    exploitation_profile_values,
    linked_cases,
)
from web.selectors import case_list as case_list_rows

NOTES_SHOWN = 100
NOTE_READERS_ID = "note-readers"
TIMELINE_SHOWN = 200
EVENTS_SHOWN = 100


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url: str


def case_tabs(access: CaseAccess) -> list[Tab]:
    """The case's tabs for this reader: the overview, a tab for each data section the reader's
    agency may read, then work, history and, for those allowed, sharing and disclosures."""
    case_id = access.case.pk
    tabs = [Tab("core", _("Overview"), reverse("web:case", args=[case_id]))]
    tabs += [
        Tab(
            section,
            _("%(section)s (emergency access)") % {"section": Section(section).label}
            if section in access.break_glass
            else str(Section(section).label),
            reverse("web:case-section", args=[case_id, section]),
        )
        for section in Section.values
        if section != Section.CORE and access.may_read(section)
    ]
    if access.may_read(Section.IMMIGRATION):
        tabs.append(Tab("relief", _("Immigration relief"), reverse("web:case-relief", args=[case_id])))
    tabs.append(Tab("court", _("Court"), reverse("web:case-court", args=[case_id])))
    tabs.append(Tab("documents", _("Documents"), reverse("web:case-documents", args=[case_id])))
    tabs += [
        Tab("tasks", _("Tasks"), reverse("web:case-tasks", args=[case_id])),
        Tab("handoffs", _("Handoffs"), reverse("web:case-handoffs", args=[case_id])),
        Tab("referrals", _("Referrals"), reverse("web:case-referrals", args=[case_id])),
        Tab("events", _("Events"), reverse("web:case-events", args=[case_id])),
        Tab("plan", _("Plan"), reverse("web:case-plan", args=[case_id])),
        Tab("screening", _("Screening"), reverse("web:case-screening", args=[case_id])),
        Tab("timeline", _("Timeline"), reverse("web:case-timeline", args=[case_id])),
    ]
    if access.is_lead:
        tabs.append(Tab("closing", _("Closing"), reverse("web:case-closing", args=[case_id])))
    if access.may_see_sharing:
        tabs.append(Tab("sharing", _("Sharing"), reverse("web:case-sharing", args=[case_id])))
    if access.may_view_access_log:
        tabs.append(Tab("disclosures", _("Disclosures"), reverse("web:case-disclosures", args=[case_id])))
    if emergency_sections(access):
        tabs.append(
            Tab("break-glass", _("Emergency access"), reverse("web:case-break-glass", args=[case_id]))
        )
    return tabs


def emergency_sections(access: CaseAccess) -> list[str]:
    """The sections this reader may open by break-glass (supervisors; none they already read)."""
    openable = access.sections(Action.BREAK_GLASS)
    return [section for section in Section.values if section in openable]


def case_context(access: CaseAccess, *, tab: str, **extra: Any) -> dict[str, Any]:
    participants = participants_visible(access=access).select_related("agency").order_by("joined_at", "pk")
    return {
        "access": access,
        "case": access.case,
        "participants": list(participants),
        "tabs": case_tabs(access),
        "tab": tab,
        "page": "cases",
        **extra,
    }


# --- finding and opening -------------------------------------------------------------------


# Search terms travel in a POST body and are kept in the session under a random key; the page's
# URL carries only the key. A name typed into a GET form would stay in the browser's history, in
# the address bar of a shared screen and in every access log between the browser and Bridge. The
# filters and the order are no one's name: they stay in the URL beside the key, so a filtered,
# sorted list can be bookmarked, reloaded and shared.
SEARCHES_SESSION_KEY = "case_searches"
SEARCHES_KEPT = 20
SEARCH_PARAMETER = "search"
FILTER_PARAMETERS = ("status", "trafficking", "unscreened", "lead", "assignee", "overdue", "mine")
LIST_PARAMETERS = (*FILTER_PARAMETERS, "sort", SEARCH_PARAMETER)


def _remember_search(request: WebRequest, query: str) -> str:
    searches: dict[str, str] = request.session.get(SEARCHES_SESSION_KEY, {})
    key = secrets.token_urlsafe(8)
    searches = {**dict(list(searches.items())[-(SEARCHES_KEPT - 1) :]), key: query}
    request.session[SEARCHES_SESSION_KEY] = searches
    return key


def _recalled_search(request: WebRequest, key: str) -> str:
    return str(request.session.get(SEARCHES_SESSION_KEY, {}).get(key, ""))


def _list_url(parameters: dict[str, str], **changes: str) -> str:
    """The case list's address with these filters, order and search key (empty ones left out)."""
    chosen = {name: value for name, value in {**parameters, **changes}.items() if value}
    return reverse("web:cases") + (f"?{urlencode(chosen)}" if chosen else "")


@dataclass(frozen=True)
class SortColumn:
    label: str
    url: str
    # `ascending`, `descending` or `none`, for the column heading's `aria-sort`.
    state: str


# Sortable columns: (label, the order of a first click, the order of a second one).
SORTABLE_COLUMNS = (
    (gettext_lazy("Next deadline"), "deadline", "-deadline"),
    (gettext_lazy("Overdue"), "-overdue", "overdue"),
    (gettext_lazy("Last activity"), "-activity", "activity"),
)


def _sort_columns(parameters: dict[str, str], sort: str) -> dict[str, SortColumn]:
    columns = {}
    for label, first, second in SORTABLE_COLUMNS:
        state = "none"
        if sort in (first, second):
            state = "descending" if sort.startswith("-") else "ascending"
        columns[first.lstrip("-")] = SortColumn(
            str(label), _list_url(parameters, sort=second if sort == first else first), state
        )
    return columns


def _filter_form(request: WebRequest, parameters: dict[str, str]) -> CaseFilterForm:
    user = request.user
    return CaseFilterForm(
        parameters,
        agencies=agency_directory(),
        members=colleagues(user=user),
        whole_agency=sees_every_agency_case(user=user),
    )


def list_parameters(request: WebRequest) -> dict[str, str]:
    """The case list's filters, order and search key in the request's address."""
    return {name: request.GET[name] for name in LIST_PARAMETERS if request.GET.get(name)}


def recalled_search(request: WebRequest, parameters: dict[str, str]) -> str:
    """The search term the address's key stands for (empty when there is none)."""
    return _recalled_search(request, parameters.get(SEARCH_PARAMETER, ""))


def case_list_query(
    request: WebRequest, parameters: dict[str, str], term: str
) -> tuple[CaseFilterForm, CaseListQuery]:
    """The filter form over these parameters and the query it stands for (invalid choices are
    left out, and the form says which)."""
    filters = _filter_form(request, parameters)
    filters.is_valid()
    chosen = filters.cleaned_data
    query = CaseListQuery(
        search=term,
        status=chosen.get("status") or "",
        trafficking_status=chosen.get("trafficking") or "",
        in_care_never_screened=bool(chosen.get("unscreened")),
        lead_agency_id=chosen.get("lead"),
        overdue_only=bool(chosen.get("overdue")),
        mine_only=bool(chosen.get("mine")),
        assignee=chosen.get("assignee") or "",
        sort=chosen.get("sort") or "newest",
    )
    return filters, query


@case_work
@require_http_methods(["GET", "POST"])
def case_list(request: WebRequest) -> HttpResponse:
    """The cases the reader may see, filtered, sorted and searched. A search posts its term (with
    the filters in the address it was posted to) and is answered with the list's address carrying
    the filters and the term's key; htmx swaps the results in place and pushes that address."""
    parameters = list_parameters(request)
    valid = True
    if request.method == "POST":
        search_form = SearchForm(request.POST)
        valid = search_form.is_valid()
        term = search_form.cleaned_data["q"] if valid else ""
        parameters[SEARCH_PARAMETER] = _remember_search(request, term) if term else ""
        if valid and not request.htmx:
            return redirect(_list_url(parameters))
    else:
        if any(not request.GET.get(name) for name in request.GET if name in LIST_PARAMETERS):
            # The filter form sends its empty fields too; the address keeps only what was chosen.
            return redirect(_list_url(parameters))
        term = recalled_search(request, parameters)
        search_form = SearchForm(initial={"q": term})
    filters, query = case_list_query(request, parameters, term)
    valid = filters.is_valid() and valid
    rows = case_list_rows(user=request.user, query=query, now=timezone.now(), limit=CASE_LIST_LIMIT + 1)
    found = list(rows)
    shown = found[:CASE_LIST_LIMIT]
    by_name = [case for case in shown if getattr(case, "found_by_name", False)]
    audit_cases_found_by_name(user=request.user, cases=by_name)
    context = {
        "form": search_form,
        "filters": filters,
        "query": term,
        "order": str(CASE_SORT_LABELS[query.sort]),
        "columns": _sort_columns(parameters, query.sort),
        "filtered": any(parameters.get(name) for name in FILTER_PARAMETERS),
        "clear_url": _list_url({SEARCH_PARAMETER: parameters.get(SEARCH_PARAMETER, "")}),
        "list_url": _list_url(parameters),
        "export_urls": {
            label: reverse("web:cases-export") + "?" + urlencode({**parameters, "format": name})
            for name, label in (("csv", _("Export CSV")), ("xlsx", _("Export XLSX")))
        },
        "cases": shown,
        "more": len(found) > CASE_LIST_LIMIT,
        "page": "cases",
    }
    status = 200 if valid else 400
    if request.htmx:
        response = render(request, "web/partials/case_results.html", context, status=status)
        if request.method == "POST":
            response["HX-Push-Url"] = _list_url(parameters)
        return response
    return render(request, "web/cases.html", context, status=status)


@case_work
@require_http_methods(["GET", "POST"])
def case_new(request: WebRequest) -> HttpResponse:
    form = CaseOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = case_open(actor=request.user, **form.cleaned_data)
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(
                request, _("Case %(number)s opened. Your agency leads it.") % {"number": case.number}
            )
            return redirect("web:case", case_id=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "web/case_new.html", {"form": form, "page": "cases"}, status=status)


# --- sections and notes ----------------------------------------------------------------------


def _note_form(access: CaseAccess, section: str, data: Any = None) -> NoteForm | None:
    """The note form of a section page, or None where the viewer may read but not write."""
    if not access.may_add_note(section):
        return None
    form = NoteForm(data, sections=sorted(access.note_sections), initial={"section": section})
    form.fields["section"].widget = forms.HiddenInput()
    # The line under the box saying who will read the note is read with it.
    form.fields["body"].widget.attrs["aria-describedby"] = NOTE_READERS_ID
    return form


def section_title(section: str) -> str:
    return _("Case details") if section == Section.CORE else str(Section(section).label)


def section_page(
    request: WebRequest,
    access: CaseAccess,
    section: str,
    *,
    note_form: NoteForm | None = None,
    link_form: CaseLinkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    shown, _raw = section_values(access=access, section=section)
    profile_fields, profile = None, None
    if section == Section.INVESTIGATION:
        profile_fields, profile = exploitation_profile_values(access=access)
    linked, siblings = None, None
    if section == Section.CORE:
        linked = linked_cases(access=access)
        siblings = list(sibling_group(access=access))
        if access.may(Action.LINK_CASES):
            link_form = link_form or CaseLinkForm()
    notes = notes_visible(access=access).filter(section=section).select_related("author", "agency")
    hearings = court_hearings_upcoming(access=access, now=timezone.now()) if section == Section.CORE else []
    audit_case_read(access=access, sections={section, *(event.section for event in hearings)}, view="detail")
    note_form = note_form or _note_form(access, section)
    context = case_context(
        access,
        tab=section,
        hearings=hearings,
        section=section,
        section_label=section_title(section),
        fields=shown,
        notes=list(notes.order_by("-created_at", "pk")[:NOTES_SHOWN]),
        note_form=note_form,
        # Who a note written here will reach, asked of the access layer before anything is saved.
        note_readers=agencies_reading_section(access=access, section=section) if note_form else [],
        note_readers_id=NOTE_READERS_ID,
        may_write=access.may_write(section),
        profile_fields=profile_fields,
        may_record_profile=access.may(Action.RECORD_EXPLOITATION_PROFILE)
        and profile_may_start(case=access.case, profile=profile),
        profile_waits_for_status=profile_fields is not None
        and not profile_may_start(case=access.case, profile=profile),
        linked=linked,
        siblings=siblings,
        link_form=link_form,
        shows_matches=section in (Section.CORE, Section.IDENTITY) and access.may(Action.SEE_POSSIBLE_MATCHES),
    )
    return render(request, "web/case_section.html", context, status=status)


@case_work
@require_GET
def case_overview(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    return section_page(request, access, Section.CORE)


@case_work
@require_GET
def case_section(request: WebRequest, case_id: uuid.UUID, section: str) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    if section == Section.CORE:
        return redirect("web:case", case_id=case_id)
    return section_page(request, access, section)


@case_work
@require_POST
def case_note_add(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    section = request.POST.get("section", "")
    if section not in access.readable:
        # A section the reader may not read does not exist for them.
        raise NotFound()
    access.require(Action.ADD_NOTE, section=section)
    form = _note_form(access, section, request.POST)
    assert form is not None
    if form.is_valid():
        try:
            note_add(
                actor=request.user,
                case=access.case,
                section=form.cleaned_data["section"],
                body=form.cleaned_data["body"],
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            messages.success(request, _("Note added."))
            return redirect(_section_url(access.case, form.cleaned_data["section"]))
    return section_page(request, access, section, note_form=form, status=400)


def _section_url(case: Case, section: str) -> str:
    if section == Section.CORE:
        return reverse("web:case", args=[case.pk])
    return reverse("web:case-section", args=[case.pk, section])


def _edit_form_class(section: str) -> type[VersionedForm]:
    return CoreEditForm if section == Section.CORE else section_edit_form(section)


@case_work
@require_http_methods(["GET", "POST"])
def case_section_edit(request: WebRequest, case_id: uuid.UUID, section: str) -> HttpResponse:
    """Edit one section against the version the editor loaded. When someone saved in between,
    nothing is overwritten: the conflict page shows their values next to the editor's."""
    access = get_case_access(user=request.user, case_id=case_id)
    _shown, current = section_values(access=access, section=section)
    access.require(Action.WRITE, section=section)
    form_class = _edit_form_class(section)
    if request.method == "GET":
        form = form_class(initial={**current, "version": access.version})
        return _edit_page(request, access, section, form)
    form = form_class(request.POST)
    if not form.is_valid():
        return _edit_page(request, access, section, form, status=400)
    values = {name: value for name, value in form.cleaned_data.items() if name != "version"}
    try:
        if section == Section.CORE:
            case_update(
                actor=request.user,
                case=access.case,
                expected_version=form.cleaned_data["version"],
                core=values,
            )
        else:
            case_update(
                actor=request.user,
                case=access.case,
                expected_version=form.cleaned_data["version"],
                sections={section: values},
            )
    except StaleVersion:
        return _conflict_page(request, case_id, section, mine=values)
    except ValidationFailed as error:
        form.add_service_errors(error.message, error.fields)
        return _edit_page(request, access, section, form, status=400)
    messages.success(request, _("Saved."))
    return redirect(_section_url(access.case, section))


def _edit_page(
    request: WebRequest, access: CaseAccess, section: str, form: VersionedForm, *, status: int = 200
) -> HttpResponse:
    audit_case_read(access=access, sections={section}, view="detail")
    context = case_context(
        access, tab=section, section=section, section_label=section_title(section), form=form
    )
    return render(request, "web/case_section_edit.html", context, status=status)


def _conflict_page(
    request: WebRequest, case_id: uuid.UUID, section: str, *, mine: dict[str, Any]
) -> HttpResponse:
    # Read again: the case and its section as the other person left them.
    access = get_case_access(user=request.user, case_id=case_id)
    theirs_shown, theirs = section_values(access=access, section=section)
    audit_case_read(access=access, sections={section}, view="detail")
    mine_shown = display_values(section=section, raw=mine)
    rows = [
        {"label": their.label, "theirs": their.value, "mine": my.value, "differs": their.value != my.value}
        for their, my in zip(theirs_shown, mine_shown, strict=True)
    ]
    retry = _edit_form_class(section)(initial={**theirs, **mine, "version": access.version})
    context = case_context(
        access, tab=section, section=section, section_label=section_title(section), rows=rows, form=retry
    )
    return render(request, "web/case_conflict.html", context, status=409)


# --- work on the case ------------------------------------------------------------------------


@case_work
@require_http_methods(["GET", "POST"])
def case_tasks_view(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    form = TaskCreateForm(request.POST or None, members=colleagues(user=request.user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                task = task_create(
                    actor=request.user,
                    case=access.case,
                    title=data["title"],
                    due_at=data["due_at"],
                    priority=data["priority"],
                    description=data["description"],
                    assignee=form.chosen_assignee(),
                )
            except ValidationFailed as error:
                form.add_service_errors(error.message, error.fields)
            else:
                messages.success(request, _("Task created: %(title)s.") % {"title": task.title})
                return redirect("web:case-tasks", case_id=case_id)
        status = 400
    context = case_context(access, tab="tasks", items=case_tasks(access=access), form=form)
    return render(request, "web/case_tasks.html", context, status=status)


@case_work
@require_GET
def case_handoffs_view(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    context = case_context(access, tab="handoffs", items=case_handoffs(access=access))
    return render(request, "web/case_handoffs.html", context)


def _events(
    access: CaseAccess, *, bound: tuple[uuid.UUID, EventCorrectForm | EventVoidForm] | None = None
) -> list[Any]:
    """The events shown, each the viewer may change with its correct and void forms (`bound`: a
    form that failed, shown again with its errors in place of the blank one)."""
    events: list[Any] = list(case_events_for(access=access)[:EVENTS_SHOWN])
    for event in events:
        event.may_change = event.voided_at is None and access.may_correct_event(event)
        if not event.may_change:
            continue
        prefix = f"event-{event.pk.hex[:12]}"
        hearing = event.type in HEARING_EVENT_TYPES
        hearing_at = event.hearing_at
        event.correct_form = EventCorrectForm(
            hearing=hearing,
            prefix=f"{prefix}-correct",
            initial={
                "occurred_at": timezone.localtime(event.occurred_at).strftime(LOCAL_DATETIME_FORMAT),
                "hearing_at": timezone.localtime(hearing_at).strftime(LOCAL_DATETIME_FORMAT)
                if hearing_at
                else "",
            },
        )
        event.void_form = EventVoidForm(prefix=f"{prefix}-void")
        if bound is not None and bound[0] == event.pk:
            name = "correct_form" if isinstance(bound[1], EventCorrectForm) else "void_form"
            setattr(event, name, bound[1])
    return events


def _events_page(
    request: WebRequest, access: CaseAccess, *, form: CaseEventForm | None = None, **context: Any
) -> HttpResponse:
    events = _events(access, bound=context.pop("bound", None))
    audit_case_read(access=access, sections={event.section for event in events}, view="events")
    status = context.pop("status", 200)
    page = case_context(
        access,
        tab="events",
        form=form or CaseEventForm(initial={"occurred_at": local_now_input()}),
        events=events,
        **context,
    )
    template = "web/partials/event_panel.html" if request.htmx else "web/case_events.html"
    return render(request, template, page, status=status)


@case_work
@require_http_methods(["GET", "POST"])
def case_events_view(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    """The case's events and the form to record one. Recording shows the tasks it started in
    sections the recorder reads, whichever agency owns them: the recorder just told Bridge what
    happened, but who must act on a deadline of a section it may not read is not its business."""
    access = get_case_access(user=request.user, case_id=case_id)
    form = CaseEventForm(request.POST or None, initial={"occurred_at": local_now_input()})
    recorded = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                recorded = case_event_record(
                    actor=request.user,
                    case=access.case,
                    event_type=form.cleaned_data["event_type"],
                    occurred_at=form.cleaned_data["occurred_at"],
                    details=form.details(),
                )
            except ValidationFailed as error:
                form.add_service_errors(error.message, error.fields)
            else:
                status = 200
                form = CaseEventForm(initial={"occurred_at": local_now_input()})
                prefetch_related_objects([recorded.event], event_tasks_prefetch(access=access))
    return _events_page(request, access, form=form, recorded=recorded, status=status)


def _changed(given: datetime | None, recorded: datetime | None) -> datetime | None:
    """The form's time when it differs from the recorded one; the form shows whole minutes, so a
    time recorded through the API with seconds is not "corrected" by being left as shown."""
    if given is None or (recorded is not None and given == recorded.replace(second=0, microsecond=0)):
        return None
    return given


@case_work
@require_POST
def case_event_correct_view(request: WebRequest, case_id: uuid.UUID, event_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    event = get_case_event(access=access, event_id=event_id)
    form = EventCorrectForm(
        request.POST,
        hearing=event.type in HEARING_EVENT_TYPES,
        prefix=f"event-{event.pk.hex[:12]}-correct",
    )
    if form.is_valid():
        try:
            corrected = case_event_correct(
                actor=request.user,
                case=access.case,
                event_id=event.pk,
                reason=form.cleaned_data["reason"],
                occurred_at=_changed(form.cleaned_data["occurred_at"], event.occurred_at),
                hearing_at=_changed(form.cleaned_data.get("hearing_at"), event.hearing_at),
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            moved = len(corrected.updated)
            messages.success(
                request,
                ngettext(
                    "Event corrected. %(count)d open task due again from the new time.",
                    "Event corrected. %(count)d open tasks due again from the new time.",
                    moved,
                )
                % {"count": moved}
                if moved
                else _("Event corrected."),
            )
            return redirect("web:case-events", case_id=case_id)
    return _events_page(request, access, bound=(event.pk, form), status=400)


@case_work
@require_POST
def case_event_void_view(request: WebRequest, case_id: uuid.UUID, event_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    event = get_case_event(access=access, event_id=event_id)
    form = EventVoidForm(request.POST, prefix=f"event-{event.pk.hex[:12]}-void")
    if form.is_valid():
        try:
            voided = case_event_void(
                actor=request.user, case=access.case, event_id=event.pk, reason=form.cleaned_data["reason"]
            )
        except ValidationFailed as error:
            form.add_service_errors(error.message, error.fields)
        else:
            count = len(voided.cancelled)
            messages.success(
                request,
                ngettext(
                    "Event voided. %(count)d open task cancelled.",
                    "Event voided. %(count)d open tasks cancelled.",
                    count,
                )
                % {"count": count}
                if count
                else _("Event voided."),
            )
            return redirect("web:case-events", case_id=case_id)
    return _events_page(request, access, bound=(event.pk, form), status=400)


@case_work
@require_GET
def case_timeline_view(request: WebRequest, case_id: uuid.UUID) -> HttpResponse:
    access = get_case_access(user=request.user, case_id=case_id)
    entries = list(
        timeline_visible(access=access)
        .select_related("actor", "actor_agency")
        .order_by("-occurred_at", "pk")[:TIMELINE_SHOWN]
    )
    audit_case_read(access=access, sections={entry.section for entry in entries}, view="timeline")
    context = case_context(access, tab="timeline", entries=entries, limit=TIMELINE_SHOWN)
    return render(request, "web/case_timeline.html", context)
