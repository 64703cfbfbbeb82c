"""What the lead agency's supervisors see of who had access to a case (`Action.VIEW_ACCESS_LOG`):
the access log (who read or changed what, when: the audit trail) and the disclosure history
(every agency's access to each data section, from when to when, and on what basis: a grant by
default, by a steward or on consent, or a supervisor's break-glass opening), and the copies
taken of the case's data (downloads, summaries, exports)."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import QuerySet

from agencies.models import Agency, User
from audit.models import AuditRecord
from audit.services import COPY_EVENT_PREFIX
from casework.access.policy import Action, CaseAccess
from casework.models import BreakGlass, Consent, SectionGrant


def case_access_log(
    *,
    access: CaseAccess,
    event_type: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditRecord]:
    """The audit records about the case, newest first: reads, changes, denied attempts (from any
    agency, since probing for a child is worth knowing about) and break-glass openings.
    `event_type` matches exactly, or as a prefix when it ends with a dot (`section.`)."""
    access.require(Action.VIEW_ACCESS_LOG)
    records = AuditRecord.objects.filter(case_id=access.case.pk).select_related("user", "agency")
    if event_type:
        if event_type.endswith("."):
            records = records.filter(event_type__startswith=event_type)
        else:
            records = records.filter(event_type=event_type)
    if since is not None:
        records = records.filter(occurred_at__gte=since)
    if until is not None:
        records = records.filter(occurred_at__lt=until)
    return records.order_by("-id")


def copies_taken(*, access: CaseAccess) -> QuerySet[AuditRecord]:
    """The copies of the case's data taken out of Bridge, newest first: documents downloaded, case
    summaries printed, case lists exported, each with who, the sections it carried and the purpose
    they gave (`audit.services.audit_copy_made`)."""
    access.require(Action.VIEW_ACCESS_LOG)
    return (
        AuditRecord.objects.filter(case_id=access.case.pk, event_type__startswith=COPY_EVENT_PREFIX)
        .select_related("user", "agency")
        .order_by("-id")
    )


class DisclosureBasis:
    DEFAULT = "default"
    STEWARD = "steward"
    CONSENT = "consent"
    BREAK_GLASS = "break_glass"
    ALL = (DEFAULT, STEWARD, CONSENT, BREAK_GLASS)


@dataclass(frozen=True)
class Disclosure:
    """One agency's access to one section of the case, from when to when, and why."""

    id: UUID
    agency: Agency
    section: str
    basis: str
    consent: Consent | None
    granted_by: User | None
    started_at: datetime
    expires_at: datetime | None
    ended_at: datetime | None
    end_reason: str
    # The written reason of a break-glass opening; empty for grants.
    reason: str


def disclosure_history(*, access: CaseAccess) -> list[Disclosure]:
    """Every grant of a data section of the case that was ever made, ended or not, and every
    break-glass opening, oldest first."""
    access.require(Action.VIEW_ACCESS_LOG)
    case = access.case
    grants = SectionGrant.objects.filter(case=case).select_related("agency", "consent", "granted_by")
    openings = BreakGlass.objects.filter(case=case).select_related("agency", "opened_by")
    disclosures = [
        Disclosure(
            id=grant.pk,
            agency=grant.agency,
            section=grant.section,
            basis=grant.basis,
            consent=grant.consent,
            granted_by=grant.granted_by,
            started_at=grant.created_at,
            expires_at=grant.expires_at,
            ended_at=grant.ended_at,
            end_reason=grant.end_reason,
            reason="",
        )
        for grant in grants
    ]
    disclosures.extend(
        Disclosure(
            id=opening.pk,
            agency=opening.agency,
            section=opening.section,
            basis=DisclosureBasis.BREAK_GLASS,
            consent=None,
            granted_by=opening.opened_by,
            started_at=opening.opened_at,
            expires_at=opening.expires_at,
            ended_at=None,
            end_reason="",
            reason=opening.reason,
        )
        for opening in openings
    )
    return sorted(
        disclosures,
        key=lambda disclosure: (
            disclosure.started_at,
            disclosure.agency.pk,
            disclosure.section,
            str(disclosure.id),
        ),
    )
