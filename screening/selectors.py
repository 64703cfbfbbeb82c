"""Reads of screening data, scoped by `casework.access`: a screening, and the reason for a status
change, reach only callers who may read their section."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from agencies.models import Agency, User
from casework.access import (
    CaseAccess,
    agency_holds_section_filter,
    agency_reads_section_filter,
    agency_takes_part,
    cases_visible_to,
)
from casework.models import Case, CaseEvent, CaseEventType, CaseStatus, TraffickingStatus
from casework.sections import Section
from screening.models import Instrument, InstrumentQuestion, Screening, TraffickingStatusChange


def instruments_active() -> QuerySet[Instrument]:
    """The instruments offered for new screenings, with their questions and thresholds."""
    return Instrument.objects.filter(active=True).prefetch_related(
        Prefetch("questions", queryset=InstrumentQuestion.objects.order_by("position")), "thresholds"
    )


def screenings_visible(*, access: CaseAccess) -> QuerySet[Screening]:
    """The case's screenings in sections the caller reads; none for anyone else."""
    return (
        Screening.objects.filter(case=access.case, section__in=access.readable)
        .select_related("instrument", "screened_by", "agency")
        .prefetch_related(
            Prefetch("instrument__questions", queryset=InstrumentQuestion.objects.order_by("position"))
        )
    )


def status_changes_for(*, access: CaseAccess) -> QuerySet[TraffickingStatusChange]:
    """Every status change on the case (the status is core); whether the caller sees each
    change's reason and screening is `access.may_read(change.section)`."""
    return TraffickingStatusChange.objects.filter(case=access.case).select_related("changed_by", "agency")


def in_care_never_screened_filter(*, user: User) -> Q:
    """Open cases of children in care (removed from home, an event not voided) never screened.
    Entering care is `location` data, so only cases whose `location` the user's agency reads
    (an active grant) can match: the filter never tells anyone where a child is."""
    return _in_care_never_screened(
        reads_location=agency_reads_section_filter(user=user, section=Section.LOCATION)
    )


def _in_care_never_screened(*, reads_location: Q) -> Q:
    entered_care = CaseEvent.objects.filter(
        case_id=OuterRef("pk"), type=CaseEventType.REMOVED_FROM_HOME, voided_at__isnull=True
    )
    return (
        Q(status=CaseStatus.OPEN, trafficking_status=TraffickingStatus.NOT_SCREENED)
        & Q(Exists(entered_care))
        & reads_location
    )


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class ScreeningOverview:
    by_status: list[StatusCount]
    in_care_never_screened: int


NEVER_SCREENED_IN_CARE = "in_care_never_screened"


def screening_overview(*, user: User) -> ScreeningOverview:
    """The open cases the user sees, counted by trafficking status, and those of children in care
    never screened (`in_care_never_screened_filter`), in one query (the supervisor's dashboard)."""
    return _overview(cases=cases_visible_to(user=user), in_care=in_care_never_screened_filter(user=user))


def agency_screening_overview(*, agency_id: int) -> ScreeningOverview:
    """`screening_overview` as each of the agency's liaisons and supervisors gets it (they see
    every case the agency takes part in), for the figures stored with its dashboard."""
    return _overview(
        cases=Case.objects.filter(agency_takes_part(agency_id=agency_id)),
        in_care=_in_care_never_screened(
            reads_location=agency_holds_section_filter(agency_id=agency_id, section=Section.LOCATION)
        ),
    )


def _overview(*, cases: QuerySet[Case], in_care: Q) -> ScreeningOverview:
    counts = cases.filter(status=CaseStatus.OPEN).aggregate(
        **{status: Count("pk", filter=Q(trafficking_status=status)) for status in TraffickingStatus.values},
        **{NEVER_SCREENED_IN_CARE: Count("pk", filter=in_care)},
    )
    return _from_counts(counts)


def _from_counts(counts: dict[str, int]) -> ScreeningOverview:
    return ScreeningOverview(
        by_status=[
            StatusCount(status=status, label=str(label), count=counts[status])
            for status, label in TraffickingStatus.choices
        ],
        in_care_never_screened=counts[NEVER_SCREENED_IN_CARE],
    )


# The overview's name among the panels stored with the dashboard figures (`screening.apps`).
SCREENING_PANEL = "screening"


def agency_screening_panel(agency: Agency) -> dict[str, int]:
    """The agency's overview as the dashboard figures store it: counts by status, no labels (the
    page writes them in the reader's language)."""
    overview = agency_screening_overview(agency_id=agency.pk)
    return {
        **{row.status: row.count for row in overview.by_status},
        NEVER_SCREENED_IN_CARE: overview.in_care_never_screened,
    }


def stored_screening_overview(panels: dict[str, Any]) -> ScreeningOverview | None:
    """The overview stored with the dashboard figures, or None when they hold none for today's
    statuses (figures stored before the panel, or before a status was added)."""
    counts = panels.get(SCREENING_PANEL)
    if not isinstance(counts, dict) or set(counts) != {*TraffickingStatus.values, NEVER_SCREENED_IN_CARE}:
        return None
    return _from_counts(counts)
