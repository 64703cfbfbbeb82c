"""What the lead agency's supervisors see of a case's audit trail: who read or changed what, when,
and which agencies received which sections, on what basis, until when."""

from datetime import datetime

from django.db.models import QuerySet

from audit.models import AuditRecord
from casework.access import Action, CaseAccess


def _require_access_log(access: CaseAccess) -> None:
    access.require(Action.VIEW_ACCESS_LOG)


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
    _require_access_log(access)
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
