"""Reads of service referrals, scoped by the case policy.

Who sees a referral: its headline (service type, provider, state, dates, outcome) is core
coordination data of the agencies it involves, like a handoff. The sending agency, the provider
and the case's lead agency see it while they see the case; the provider's liaisons and supervisors
also see it before their agency takes part, through the handoff they must answer (never while it
awaits the lead agency's approval). Everyone else gets not-found. Its details (session notes, the
outcome reason, the hand-over note) belong to its `section`: shown only to a reader of it."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Extract

from agencies.models import Agency, User
from casework.access import (
    CaseAccess,
    case_visibility_filter,
    cases_visible_to,
    get_case_access,
    handoffs_visible_to,
    readable_sections_by_case,
)
from casework.models import HANDOFF_OPEN_STATUSES, HandoffStatus
from common.errors import NotFound
from referrals.models import ENDED_UNSERVED_OUTCOMES, REFERRAL_STATES, Referral, ReferralSession, ServiceType

# Handoff statuses of a referral that never reached the provider's service.
_NOT_SERVED = (HandoffStatus.DECLINED, HandoffStatus.WITHDRAWN, HandoffStatus.EXPIRED)


def _visible(*, user: User) -> Q:
    if user.agency_id is None:
        return Q(pk__in=[])
    agency_id = user.agency_id
    in_approval = Q(handoff__needs_approval=True, handoff__approved_at__isnull=True)
    involved = (
        Q(from_agency_id=agency_id)
        | Q(case__lead_agency_id=agency_id)
        | (Q(provider_id=agency_id) & ~in_approval)
    )
    offered = Q(handoff__in=handoffs_visible_to(user=user).filter(to_agency_id=agency_id).values("pk"))
    return (involved & case_visibility_filter(user=user, case_ref="case_id")) | offered


def referrals_visible_to(*, user: User) -> QuerySet[Referral]:
    return Referral.objects.filter(_visible(user=user)).select_related(
        "case", "service_type", "from_agency", "provider", "handoff"
    )


def get_referral_for_user(*, user: User, referral_id: object, lock: bool = False) -> Referral:
    """The referral as this user may see it, or `NotFound`; with `lock`, its row is locked."""
    try:
        pk = referral_id if isinstance(referral_id, uuid.UUID) else uuid.UUID(str(referral_id))
    except (TypeError, ValueError, AttributeError) as error:
        raise NotFound() from error
    queryset = Referral.objects.filter(_visible(user=user)).select_related(
        "case", "case__lead_agency", "service_type", "from_agency", "provider", "handoff", "handoff__task"
    )
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def referrals_on_case(*, access: CaseAccess) -> QuerySet[Referral]:
    return referrals_visible_to(user=access.user).filter(case=access.case)


def filter_by_direction_and_state(
    referrals: QuerySet[Referral], *, agency_id: int, direction: str = "", state: str = ""
) -> QuerySet[Referral]:
    """The desk's filters: `incoming` (to the agency) or `sent` (by it), and a state
    (`REFERRAL_STATES`: the handoff's status until accepted, then the outcome)."""
    if direction == "incoming":
        referrals = referrals.filter(provider_id=agency_id)
    elif direction == "sent":
        referrals = referrals.filter(from_agency_id=agency_id)
    if state in HandoffStatus.values and state != HandoffStatus.ACCEPTED:
        referrals = referrals.filter(handoff__status=state)
    elif state in REFERRAL_STATES:
        referrals = referrals.filter(handoff__status=HandoffStatus.ACCEPTED, outcome=state)
    return referrals


def readable_details_by_case(*, user: User, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, frozenset[str]]:
    """The sections the user reads on each of these cases, for the cases they see (an offered
    provider not yet on a case reads nothing there). Two queries, whatever the number of rows."""
    seen = list(cases_visible_to(user=user).filter(pk__in=case_ids).values_list("pk", flat=True))
    return readable_sections_by_case(user=user, case_ids=seen) if seen else {}


def referral_shows_details(*, referral: Referral, readable: frozenset[str]) -> bool:
    return referral.section in readable


def referral_access(*, user: User, referral: Referral) -> CaseAccess | None:
    """The user's access to the referral's case, or None when they do not see the case (a provider
    answering before it takes part)."""
    try:
        return get_case_access(user=user, case_id=referral.case_id)
    except NotFound:
        return None


def sessions_of(*, referral: Referral) -> QuerySet[ReferralSession]:
    """Call only once the reader was found to read the referral's section."""
    return ReferralSession.objects.filter(referral=referral).select_related("recorded_by")


def service_types_offered() -> QuerySet[ServiceType]:
    return ServiceType.objects.filter(active=True)


# --- the supervisor's dashboard ------------------------------------------------------------


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile of an ordered set; `fraction` is a constant of this
    module, never input."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, *, fraction: float) -> None:
        super().__init__(expression, fraction=float(fraction))


@dataclass(frozen=True)
class ServiceDelay:
    service_type: str
    referrals: int
    median_hours: float
    p90_hours: float


@dataclass(frozen=True)
class ReferralFigures:
    waiting_sent: int
    waiting_received: int
    delays: list[ServiceDelay]
    ended_without_successor: list[Referral]


ENDED_WITHOUT_SUCCESSOR_SHOWN = 50


def _successor_exists() -> Q:
    later = Referral.objects.filter(case_id=OuterRef("case_id")).exclude(handoff__status__in=_NOT_SERVED)
    return Q(Exists(later.filter(follows_id=OuterRef("pk")))) | Q(
        Exists(
            later.filter(service_type_id=OuterRef("service_type_id"), created_at__gte=OuterRef("outcome_at"))
        )
    )


def referral_dashboard(*, user: User, agency: Agency) -> ReferralFigures:
    """For a supervisor of `agency`: referrals waiting for an answer (sent by it; sent to it and
    past the lead agency's approval), hours from acceptance to first session per service type
    (median and 90th percentile), and services that ended unserved without a successor. Three
    queries, whatever the number of referrals."""
    in_approval = Q(handoff__needs_approval=True, handoff__approved_at__isnull=True)
    waiting = Referral.objects.filter(handoff__status__in=HANDOFF_OPEN_STATUSES).aggregate(
        sent=Count("pk", filter=Q(from_agency=agency)),
        received=Count("pk", filter=Q(provider=agency) & ~in_approval),
    )
    hours = ExpressionWrapper(
        F("first_service_at") - F("handoff__responded_at"), output_field=DurationField()
    )
    involved = Q(from_agency=agency) | Q(provider=agency)
    delays = (
        Referral.objects.filter(
            involved, handoff__status=HandoffStatus.ACCEPTED, first_service_at__isnull=False
        )
        .annotate(hours=Extract(hours, "epoch") / 3600.0)
        .values("service_type__name")
        .annotate(
            count=Count("pk"),
            median=PercentileCont("hours", fraction=0.5),
            p90=PercentileCont("hours", fraction=0.9),
        )
        .order_by("service_type__name")
    )
    ended = (
        Referral.objects.filter(
            involved,
            case_visibility_filter(user=user, case_ref="case_id"),
            handoff__status=HandoffStatus.ACCEPTED,
            outcome__in=ENDED_UNSERVED_OUTCOMES,
        )
        .exclude(_successor_exists())
        .select_related("case", "service_type", "provider")
        .order_by("-outcome_at", "id")[:ENDED_WITHOUT_SUCCESSOR_SHOWN]
    )
    return ReferralFigures(
        waiting_sent=waiting["sent"],
        waiting_received=waiting["received"],
        delays=[
            ServiceDelay(
                service_type=row["service_type__name"],
                referrals=row["count"],
                median_hours=round(row["median"], 1),
                p90_hours=round(row["p90"], 1),
            )
            for row in delays
        ],
        ended_without_successor=list(ended),
    )


def providers_for(*, agency_id: int | None) -> QuerySet[Agency]:
    """The agencies a referral may go to: any other agency (one not on the case is invited)."""
    agencies = Agency.objects.order_by("name")
    return agencies if agency_id is None else agencies.exclude(pk=agency_id)
