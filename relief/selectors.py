"""Reads of relief records, scoped by the case policy: a reader who does not read `immigration`
on a case sees no relief record of it, and no sign that one exists."""

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils import timezone

from agencies.models import Agency, User
from casework.access import CaseAccess, agency_reads_section_filter, may_view_dashboard
from casework.deadlines import add_months, birthday
from casework.models import CaseStatus
from casework.sections import Section
from relief.models import ASKED_OF_KINDS, RELIEF_UNFILED_STATUSES, ReliefKind, ReliefRecord, ReliefStatus

# The supervisor's birthday watch: relief not yet filed when one of these birthdays is this close.
WATCH_DAYS = 180
WATCHED_AGES = (18, 21)
WATCH_LIST_LIMIT = 100


def relief_records_for(*, access: CaseAccess) -> QuerySet[ReliefRecord]:
    """The case's relief records, oldest first, if the reader reads immigration; else none."""
    if not access.may_read(Section.IMMIGRATION):
        return ReliefRecord.objects.none()
    return ReliefRecord.objects.filter(case_id=access.case.pk).select_related("requested_of")


# API.md's free-text relief fields of the `immigration` section, now told by the relief records
# (read-only; the records are written through /relief/).
LEGACY_IMMIGRATION_FIELDS = (
    "immigration_status",
    "sijs_candidate",
    "t_visa_status",
    "u_visa_status",
    "continued_presence_until",
)
_CLOSED = (ReliefStatus.DENIED, ReliefStatus.EXPIRED)


def legacy_immigration_fields(*, access: CaseAccess) -> dict[str, object]:
    """The five immigration fields API.md names, as the case's relief records tell them today: a
    one-line summary of each pathway's latest step, whether an SIJS step is open or granted, the
    latest T and U visa step's status, and when a granted Continued Presence ends. One query;
    empty values for a reader who does not read immigration."""
    latest: dict[str, ReliefRecord] = {}
    for record in relief_records_for(access=access).order_by("created_at", "pk"):
        latest[record.kind] = record
    continued = latest.get(ReliefKind.CONTINUED_PRESENCE)
    sijs = [
        latest[kind] for kind in (ReliefKind.SIJS_PREDICATE_ORDER, ReliefKind.SIJS_PETITION) if kind in latest
    ]
    return {
        "immigration_status": "; ".join(
            f"{record.get_kind_display()}: {record.get_status_display()}" for record in latest.values()
        ),
        "sijs_candidate": any(record.status not in _CLOSED for record in sijs),
        "t_visa_status": latest[ReliefKind.T_VISA].status if ReliefKind.T_VISA in latest else "",
        "u_visa_status": latest[ReliefKind.U_VISA].status if ReliefKind.U_VISA in latest else "",
        "continued_presence_until": continued.expires_on
        if continued is not None and continued.status == ReliefStatus.GRANTED
        else None,
    }


@dataclass(frozen=True)
class ReliefBirthday:
    """A relief step not yet filed on a child whose 18th or 21st birthday is near."""

    record_id: UUID
    case_id: UUID
    case_number: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    age: int
    birthday: date
    days_left: int


def _birthdays_soon(date_of_birth: date, *, today: date) -> list[tuple[int, date]]:
    last = today + timedelta(days=WATCH_DAYS)
    return [(age, day) for age in WATCHED_AGES if today <= (day := birthday(date_of_birth, age)) <= last]


def relief_birthday_watch(*, user: User, today: date | None = None) -> list[ReliefBirthday]:
    """For a supervisor: relief steps still considered or requested (not filed) on open cases whose
    child turns 18 or 21 within `WATCH_DAYS`, soonest birthday first. Only cases where the
    supervisor's agency reads both immigration (the step) and identity (the date of birth) are
    listed, so the panel says nothing a case page would not. One query."""
    if not may_view_dashboard(user=user):
        return []
    today = today or timezone.localdate()
    last = today + timedelta(days=WATCH_DAYS)
    born = Q()
    for age in WATCHED_AGES:
        # Birthdays of `age` in [today, last] come from births in this span (a day wider on each
        # side for 29 February); the exact test follows in Python.
        born |= Q(
            case__identity__date_of_birth__gte=add_months(today, -12 * age) - timedelta(days=1),
            case__identity__date_of_birth__lte=add_months(last, -12 * age) + timedelta(days=1),
        )
    records = (
        ReliefRecord.objects.filter(
            born,
            agency_reads_section_filter(user=user, section=Section.IMMIGRATION, case_ref="case_id"),
            agency_reads_section_filter(user=user, section=Section.IDENTITY, case_ref="case_id"),
            status__in=RELIEF_UNFILED_STATUSES,
            case__status=CaseStatus.OPEN,
        )
        .values_list("pk", "case_id", "case__number", "kind", "status", "case__identity__date_of_birth")
        .order_by("case__number", "kind")
    )
    rows = [
        ReliefBirthday(
            record_id=record_id,
            case_id=case_id,
            case_number=number,
            kind=kind,
            kind_label=str(ReliefKind(kind).label),
            status=status,
            status_label=str(ReliefStatus(status).label),
            age=age,
            birthday=day,
            days_left=(day - today).days,
        )
        for record_id, case_id, number, kind, status, date_of_birth in records
        if date_of_birth is not None
        for age, day in _birthdays_soon(date_of_birth, today=today)
    ]
    rows.sort(key=lambda row: (row.birthday, row.case_number, row.kind))
    return rows[:WATCH_LIST_LIMIT]


def agencies_to_ask(*, kind: str) -> QuerySet[Agency]:
    """The agencies that can give a step asked of another agency (a declaration, a certification,
    a Continued Presence request), by name; none for other steps."""
    return Agency.objects.filter(kind__in=ASKED_OF_KINDS.get(kind, ())).order_by("name")
