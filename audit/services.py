"""Writing the audit log. Changes are recorded by the database (see `audit.models`); these record
what only the application knows: reads, denied accesses, sign-ins and lockouts, break-glass.

Records never carry section content or a child's name: ids, names of sections, event types."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pgtrigger
from django.db import connection, transaction

from agencies.models import User
from audit.chain import GENESIS_HASH, chain_hash
from audit.context import current_client_address, current_component
from audit.models import (
    ArchivedAuditRecord,
    ArchivedAuditSeal,
    AuditRecord,
    AuditSeal,
    Outcome,
    UnsealedRecord,
)
from casework.models import Case, Task
from casework.sections import Section

if TYPE_CHECKING:
    from casework.access import CaseAccess

# pg_advisory_xact_lock key serialising the sealers ("seal" in ASCII).
SEAL_LOCK_KEY = 0x7365616C


def _record(
    *,
    event_type: str,
    outcome: str,
    user: User | None,
    username: str,
    object_type: str,
    object_id: str,
    case_id: UUID | None,
    section: str,
    detail: Mapping[str, Any] | None,
) -> AuditRecord:
    if outcome not in Outcome.values:
        raise ValueError(f"Unknown audit outcome {outcome!r}.")
    return AuditRecord(
        component=current_component(),
        event_type=event_type,
        user=user,
        username=(user.username if user is not None else username)[:150],
        agency_id=user.agency_id if user is not None else None,
        client_address=current_client_address(),
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        section=section,
        outcome=outcome,
        detail=dict(detail or {}),
    )


def audit_record(
    *,
    event_type: str,
    outcome: str = Outcome.SUCCESS,
    user: User | None = None,
    username: str = "",
    object_type: str = "",
    object_id: str = "",
    case_id: UUID | None = None,
    section: str = "",
    detail: Mapping[str, Any] | None = None,
) -> AuditRecord:
    """Append one record. The component and client address come from the request or task being
    served (`audit.context`). Runs in the caller's transaction: what is rolled back did not
    happen, and its record goes with it."""
    record = _record(
        event_type=event_type,
        outcome=outcome,
        user=user,
        username=username,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        section=section,
        detail=detail,
    )
    record.save(force_insert=True)
    return record


def audit_case_read(*, access: "CaseAccess", sections: Iterable[str], view: str) -> None:
    """Record that `access.user` read the case and, one record each, the restricted sections in
    what they were shown (`sections`: the sections of the data returned). A section readable only
    through break-glass is marked so. `view` names what was read: detail, notes, timeline, events."""
    case = access.case
    restricted = sorted({section for section in sections if section != Section.CORE})
    records = [
        _record(
            event_type="case.read",
            outcome=Outcome.SUCCESS,
            user=access.user,
            username="",
            object_type="case",
            object_id=str(case.pk),
            case_id=case.pk,
            section=Section.CORE,
            detail={"view": view, "case_number": case.number},
        )
    ]
    for section in restricted:
        detail: dict[str, Any] = {"view": view, "case_number": case.number}
        if section in access.break_glass:
            detail["break_glass"] = True
        records.append(
            _record(
                event_type="section.read",
                outcome=Outcome.SUCCESS,
                user=access.user,
                username="",
                object_type="section",
                object_id=f"{case.pk}/{section}",
                case_id=case.pk,
                section=section,
                detail=detail,
            )
        )
    AuditRecord.objects.bulk_create(records)


# Event types of the records that say a copy of case data left Bridge: a document downloaded,
# a case summary printed, a case list exported. The disclosure history lists them.
COPY_EVENT_PREFIX = "copy."


def audit_copy_made(
    *,
    user: User,
    kind: str,
    cases: Iterable[Case],
    sections: Iterable[str],
    purpose: str,
    object_type: str = "",
    object_id: str = "",
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Record that `user` took a copy of case data out of Bridge: one `copy.<kind>` record per
    case in it (so each case's disclosure history shows it), naming the sections it carried and
    the purpose the user gave. `kind` is what was copied: `document_download`, `case_summary`,
    `case_list`."""
    carried = sorted(set(sections))
    records = []
    for case in cases:
        record_detail: dict[str, Any] = {
            **(detail or {}),
            "case_number": case.number,
            "sections": carried,
            "purpose": purpose,
        }
        records.append(
            _record(
                event_type=f"{COPY_EVENT_PREFIX}{kind}",
                outcome=Outcome.SUCCESS,
                user=user,
                username="",
                object_type=object_type or kind,
                object_id=object_id or str(case.pk),
                case_id=case.pk,
                section=carried[0] if len(carried) == 1 else "",
                detail=record_detail,
            )
        )
    if records:
        AuditRecord.objects.bulk_create(records)


def audit_task_read(*, user: User, tasks_shown_whole: Iterable[Task], view: str) -> None:
    """Record that `user` was shown tasks derived from restricted sections: one `section.read` per
    case and section among the tasks the caller showed whole (the case policy says which:
    `casework.access.task_shows_detail`). A core task discloses nothing of a section. Each task's
    case must be loaded (its number goes in the record)."""
    shown = sorted(
        {
            (str(task.case_id), task.case.number, task.section)
            for task in tasks_shown_whole
            if task.section != Section.CORE
        }
    )
    AuditRecord.objects.bulk_create(
        _record(
            event_type="section.read",
            outcome=Outcome.SUCCESS,
            user=user,
            username="",
            object_type="section",
            object_id=f"{case_id}/{section}",
            case_id=UUID(case_id),
            section=section,
            detail={"view": view, "case_number": number},
        )
        for case_id, number, section in shown
    )


def audit_access_denied(
    *, user: User | None, object_type: str, object_id: str, case_id: UUID | None, status: int
) -> AuditRecord:
    """A request for something the caller may not see (404) or may not do (403)."""
    return audit_record(
        event_type="access.denied",
        outcome=Outcome.DENIED,
        user=user,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        detail={"status": status},
    )


# URL parameters naming what a request was about, in the order they are looked for.
_OBJECT_PARAMETERS = ("consent_id", "grant_id", "handoff_id", "task_id", "notification_id", "case_id")


def audit_request_denied(*, user: object, url_kwargs: Mapping[str, Any], status: int) -> None:
    """Record a 403 or 404 answered to a signed-in caller, from the API or a page: what they asked
    for (read from the URL's parameters) and on which case. Call it after the failed service's
    transaction has rolled back, so the record stays."""
    if not isinstance(user, User):
        return
    object_type, object_id = "", ""
    for parameter in _OBJECT_PARAMETERS:
        if parameter in url_kwargs:
            object_type, object_id = parameter.removesuffix("_id"), str(url_kwargs[parameter])
            break
    case_id = url_kwargs.get("case_id")
    audit_access_denied(
        user=user,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id if isinstance(case_id, UUID) else None,
        status=status,
    )


def audit_seal_pending(*, limit: int = 5000) -> int:
    """Seal queued records into the hash chain, oldest first; returns how many. One short
    transaction holding an advisory lock, so concurrent sealers take turns and the chain stays
    one line. A record committed late (by a long transaction) is simply sealed in a later round."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])
        queued = list(
            UnsealedRecord.objects.order_by("record_id").values_list("record_id", flat=True)[:limit]
        )
        if not queued:
            return 0
        position, prev_hash = _chain_head()
        seals = []
        for record in AuditRecord.objects.filter(pk__in=queued).order_by("pk"):
            position += 1
            digest = chain_hash(prev_hash, record)
            seals.append(AuditSeal(position=position, record=record, prev_hash=prev_hash, hash=digest))
            prev_hash = digest
        AuditSeal.objects.bulk_create(seals)
        UnsealedRecord.objects.filter(record_id__in=queued).delete()
    return len(seals)


def _chain_head() -> tuple[int, str]:
    """The last seal's position and hash, live or, when every sealed record has been archived,
    archived; (0, genesis) for an empty log."""
    last: AuditSeal | ArchivedAuditSeal | None = AuditSeal.objects.order_by("-position").first()
    if last is None:
        last = ArchivedAuditSeal.objects.order_by("-position").first()
    return (last.position, last.hash) if last is not None else (0, GENESIS_HASH)


def audit_archive(*, before: datetime, limit: int = 5000) -> int:
    """Move the oldest sealed records that occurred before `before`, with their seals, into the
    archive tables; returns how many moved. Only a prefix of the chain moves, so the archive and
    the live log are each one unbroken stretch of it; records not yet sealed never move. Copy and
    removal are one transaction under the sealers' lock: a record is in one place or the other,
    never in neither. The append-only triggers are lifted for exactly these rows' removal."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])
        seals = []
        for seal in AuditSeal.objects.select_related("record").order_by("position")[:limit]:
            if seal.record.occurred_at >= before:
                break
            seals.append(seal)
        if not seals:
            return 0
        ArchivedAuditRecord.objects.bulk_create(
            ArchivedAuditRecord(
                id=seal.record.pk,
                occurred_at=seal.record.occurred_at,
                component=seal.record.component,
                event_type=seal.record.event_type,
                user_id=seal.record.user_id,
                username=seal.record.username,
                agency_id=seal.record.agency_id,
                client_address=seal.record.client_address,
                object_type=seal.record.object_type,
                object_id=seal.record.object_id,
                case_id=seal.record.case_id,
                section=seal.record.section,
                outcome=seal.record.outcome,
                detail=seal.record.detail,
            )
            for seal in seals
        )
        ArchivedAuditSeal.objects.bulk_create(
            ArchivedAuditSeal(
                position=seal.position,
                record_id=seal.record_id,
                prev_hash=seal.prev_hash,
                hash=seal.hash,
                sealed_at=seal.sealed_at,
            )
            for seal in seals
        )
        with pgtrigger.ignore(
            "audit.AuditSeal:audit_seal_append_only", "audit.AuditRecord:audit_append_only"
        ):
            AuditSeal.objects.filter(position__in=[seal.position for seal in seals]).delete()
            AuditRecord.objects.filter(pk__in=[seal.record_id for seal in seals]).delete()
    return len(seals)


def audit_admin_action(
    *, actor: User, action: str, object_type: str, object_ids: Iterable[str], detail: Mapping[str, Any]
) -> None:
    """Record what an administrator did in the admin site, one record per object, with the
    administrator as actor: `action` is `added`, `changed`, `deleted` or `action` (a bulk action
    such as sending reset links). `detail` names fields and actions, never their values."""
    AuditRecord.objects.bulk_create(
        _record(
            event_type=f"admin.{action}",
            outcome=Outcome.SUCCESS,
            user=actor,
            username="",
            object_type=object_type,
            object_id=object_id,
            case_id=None,
            section="",
            detail=detail,
        )
        for object_id in object_ids
    )


def audit_cases_found_by_name(*, user: User, cases: Iterable[Case]) -> None:
    """A case search that found cases by the child's legal name or an alias read their `identity`
    section: one `section.read` record per case shown, marked as a search. The term itself is not
    recorded (it may be a name)."""
    records = [
        _record(
            event_type="section.read",
            outcome=Outcome.SUCCESS,
            user=user,
            username="",
            object_type="section",
            object_id=f"{case.pk}/{Section.IDENTITY}",
            case_id=case.pk,
            section=Section.IDENTITY,
            detail={"view": "search", "case_number": case.number},
        )
        for case in cases
    ]
    if records:
        AuditRecord.objects.bulk_create(records)
