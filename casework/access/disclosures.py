"""The disclosure history of a case: every agency's access to each data section, from when to
when and on what basis (a grant: default, steward or consent; or a supervisor's break-glass
opening), for the lead agency's supervisors (`Action.VIEW_ACCESS_LOG`)."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from agencies.models import Agency, User
from casework.access.policy import Action, CaseAccess
from casework.models import BreakGlass, Consent, SectionGrant


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
