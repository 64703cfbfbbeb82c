"""Copies of case data that leave Bridge: the case summary PDF and the case list export. Each one
carries only what its reader may read, is asked for with a purpose, and is audited as a copy
(`audit.services.audit_copy_made`) that the case's disclosure history lists."""

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_NUMERIC, TYPE_STRING

from agencies.models import User
from audit.services import audit_case_read, audit_cases_found_by_name, audit_copy_made
from casework.access import Action, case_visibility_filter, get_case_access, readable_changed_at
from casework.dashboard import count_of
from casework.models import Case, Task, TaskStatus
from casework.sections import Section
from common.errors import ValidationFailed
from common.inputs import choice_errors, text_errors
from common.spreadsheet import csv_bytes, spreadsheet_cell, time_zone_header
from common.times import format_when_in_full
from exports.pdf import pdf_from_html
from exports.selectors import case_summary

PURPOSE_MAX_LENGTH = 500
PURPOSE_MISSING = gettext_lazy("Say why you are taking this copy (for example: court hearing on 12 March).")
EXPORT_FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The laws protecting what a summary may hold (DOMAIN.md), named in every page's footer: one
# sentence to translate, the citations kept as they are.
CONFIDENTIAL_NOTICE = gettext_lazy(
    "Confidential: contains information protected under the Violence Against Women Act "
    "confidentiality provisions (34 U.S.C. 12291(b)(2)), 8 U.S.C. 1367, 42 CFR Part 2 "
    "and the FBI CJIS Security Policy."
)


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


@contextmanager
def in_language_of_exporter(actor: User) -> Iterator[None]:
    """The export's headings and labels in the language the exporting person chose, else in the
    page's (the request's) language."""
    if not actor.language:
        yield
        return
    with translation.override(actor.language):
        yield


def _purpose(purpose: str) -> str:
    errors = text_errors(purpose, max_length=PURPOSE_MAX_LENGTH, blank=str(PURPOSE_MISSING))
    if errors:
        raise ValidationFailed(errors[0], fields={"purpose": errors})
    return purpose.strip()


def case_summary_pdf(
    *,
    actor: User,
    case_id: object,
    purpose: str,
    include_notes: bool,
    include_timeline: bool,
    mask_legal_name: bool,
    language: str = "",
) -> ExportFile:
    """The case summary PDF of what `actor` may read of the case, with a header saying who took
    it, when and why, in `language` (one of Bridge's; blank: the exporter's). Audited as a read
    of the sections it carries and as a copy."""
    access = get_case_access(user=actor, case_id=case_id)
    # Whoever sees the case may print what they read of it (reading core is seeing the case).
    access.require(Action.READ, section=Section.CORE)
    reason = _purpose(purpose)
    if language and (problems := choice_errors(language, [code for code, _name in settings.LANGUAGES])):
        raise ValidationFailed(problems[0], fields={"language": problems})
    now = timezone.now()
    with translation.override(language) if language else in_language_of_exporter(actor):
        summary = case_summary(
            access=access,
            include_notes=include_notes,
            include_timeline=include_timeline,
            mask_legal_name=mask_legal_name,
            now=now,
        )
        html = render_to_string(
            "exports/case_summary.html",
            {
                "case": access.case,
                "summary": summary,
                "exported_by": actor.get_full_name() or actor.username,
                "agency": access.agency.name,
                "exported_at": format_when_in_full(now),
                "purpose": reason,
                "confidential_notice": str(CONFIDENTIAL_NOTICE),
            },
        )
    content = pdf_from_html(html)
    carried = summary.sections_carried
    with transaction.atomic():
        audit_case_read(access=access, sections=carried, view="case_summary")
        audit_copy_made(
            user=actor,
            kind="case_summary",
            cases=[access.case],
            sections=carried,
            purpose=reason,
            detail={
                "notes": include_notes,
                "timeline": include_timeline,
                "name_masked": mask_legal_name,
                "language": language or translation.get_language(),
            },
        )
    return ExportFile(f"case-summary-{access.case.number}.pdf", CONTENT_TYPES["pdf"], content)


# --- the case list ----------------------------------------------------------------------------

# What a case list row shows, all of it `core`: every reader of the case reads each cell.
CASE_LIST_SECTIONS = (Section.CORE.value,)


def case_list_header() -> list[str]:
    """The column headings, in the active language."""
    return [
        _("Case"),
        _("Pseudonym"),
        _("Age band"),
        _("Status"),
        _("Trafficking status"),
        _("Lead agency"),
        time_zone_header(_("Next deadline")),
        _("Overdue tasks"),
        time_zone_header(_("Last activity")),
    ]


def _case_list_rows(*, user: User, case_ids: list[object], now: datetime) -> list[Case]:
    """The chosen cases with the figures their list row shows (as `web.selectors.case_list`
    computes them), in the order given. One query."""
    own_open_tasks = Task.objects.filter(
        case_id=OuterRef("pk"), owner_agency_id=user.agency_id, status=TaskStatus.OPEN
    )
    rows = (
        Case.objects.filter(pk__in=case_ids)
        .select_related("lead_agency")
        .annotate(
            next_due_at=Subquery(own_open_tasks.order_by("due_at").values("due_at")[:1]),
            overdue_count=count_of(own_open_tasks.filter(due_at__lt=now)),
            last_activity_at=readable_changed_at(user=user),
        )
    )
    position = {case_id: index for index, case_id in enumerate(case_ids)}
    return sorted(rows, key=lambda case: position[case.pk])


def _row(case: Case) -> list[object]:
    return [
        case.number,
        case.pseudonym,
        str(case.get_age_band_display()),
        str(case.get_status_display()),
        str(case.get_trafficking_status_display()),
        case.lead_agency.name,
        case.next_due_at,  # type: ignore[attr-defined]
        case.overdue_count,  # type: ignore[attr-defined]
        case.last_activity_at,  # type: ignore[attr-defined]
    ]


def xlsx_bytes(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """An XLSX workbook whose cells are what `csv_bytes` writes: every text cell neutralised and
    stored as a string, numbers as numbers; no cell is ever read as a formula."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    assert sheet is not None, "a new workbook has a sheet"
    sheet.title = _("Cases")
    for row_number, values in enumerate([header, *rows], start=1):
        for column_number, value in enumerate(values, start=1):
            cell_value = spreadsheet_cell(value)
            cell = sheet.cell(row=row_number, column=column_number)
            # Assigning `value` lets openpyxl guess the type, and it guesses "formula" for text
            # starting with "="; set the value and its type directly instead.
            cell._value = cell_value
            cell.data_type = TYPE_NUMERIC if isinstance(cell_value, int | float) else TYPE_STRING
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def case_list_export(*, actor: User, cases: QuerySet[Case], purpose: str, file_format: str) -> ExportFile:
    """The cases of a filtered case list (`cases`, in its order) as CSV or XLSX, with the columns
    the case list shows. Narrowed to the cases `actor` sees, whatever `cases` holds; at most
    `BRIDGE_EXPORT_MAX_ROWS` rows, else a 400 asking for narrower filters. Each case exported
    gets a copy record naming the purpose."""
    reason = _purpose(purpose)
    if errors := choice_errors(file_format, EXPORT_FORMATS):
        raise ValidationFailed(errors[0], fields={"format": errors})
    limit = settings.BRIDGE_EXPORT_MAX_ROWS
    picked = list(cases.filter(case_visibility_filter(user=actor))[: limit + 1])
    if len(picked) > limit:
        message = _("An export holds at most %(limit)s cases; narrow the list with its filters first.")
        raise ValidationFailed(message % {"limit": limit})
    now = timezone.now()
    # Someone who works on no case (an agency or platform administrator) sees no case: an empty list.
    rows = _case_list_rows(user=actor, case_ids=[case.pk for case in picked], now=now) if picked else []
    with in_language_of_exporter(actor):
        header = case_list_header()
        table = [_row(case) for case in rows]
        content = csv_bytes(header, table) if file_format == "csv" else xlsx_bytes(header, table)
    with transaction.atomic():
        audit_cases_found_by_name(
            user=actor, cases=[case for case in picked if getattr(case, "found_by_name", False)]
        )
        audit_copy_made(
            user=actor,
            kind="case_list",
            cases=rows,
            sections=CASE_LIST_SECTIONS,
            purpose=reason,
            detail={"format": file_format, "rows": len(rows)},
        )
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    return ExportFile(f"cases-{stamp}.{file_format}", CONTENT_TYPES[file_format], content)
