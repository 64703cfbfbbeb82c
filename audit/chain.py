"""The hash chain over audit records: how a record is hashed, and how the chain is checked.

hash(n) = sha256(hash(n-1) + canonical JSON of record n), with 64 zeros before the first. The
canonical form is computed from the record as stored (read back from the database), never from
the object that was saved, so sealing and verifying see the same values.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC

from audit.models import ArchivedAuditRecord, ArchivedAuditSeal, AuditRecord, AuditSeal

GENESIS_HASH = "0" * 64


def canonical(record: AuditRecord | ArchivedAuditRecord) -> str:
    return json.dumps(
        {
            "id": record.pk,
            "occurred_at": record.occurred_at.astimezone(UTC).isoformat(),
            "component": record.component,
            "event_type": record.event_type,
            "user": record.user_id,
            "username": record.username,
            "agency": record.agency_id,
            "client_address": record.client_address,
            "object_type": record.object_type,
            "object_id": record.object_id,
            "case": str(record.case_id) if record.case_id else None,
            "section": record.section,
            "outcome": record.outcome,
            "detail": record.detail,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def chain_hash(prev_hash: str, record: AuditRecord | ArchivedAuditRecord) -> str:
    return hashlib.sha256((prev_hash + canonical(record)).encode()).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    sealed: int
    head: str
    broken_record_id: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_record_id is None


def _seals_in_order() -> Iterator[AuditSeal | ArchivedAuditSeal]:
    """The archived seals, then the live ones: one chain across the archive's boundary."""
    yield from (
        ArchivedAuditSeal.objects.select_related("record").order_by("position").iterator(chunk_size=2000)
    )
    yield from AuditSeal.objects.select_related("record").order_by("position").iterator(chunk_size=2000)


def verify_chain() -> ChainReport:
    """Walk the seals in order, archived ones first, and recompute every hash. Names the first
    record whose seal is missing, out of order or does not match its content, and any record that
    was never sealed and is not waiting to be (its queue entry was removed)."""
    prev_hash = GENESIS_HASH
    expected_position = 1
    for seal in _seals_in_order():
        if seal.position != expected_position:
            return ChainReport(
                sealed=expected_position - 1,
                head=prev_hash,
                broken_record_id=seal.record_id,
                problem=f"seal {expected_position} is missing before this record's seal {seal.position}",
            )
        if seal.prev_hash != prev_hash:
            return ChainReport(
                sealed=expected_position - 1,
                head=prev_hash,
                broken_record_id=seal.record_id,
                problem="its seal does not follow the previous seal",
            )
        if chain_hash(prev_hash, seal.record) != seal.hash:
            return ChainReport(
                sealed=expected_position - 1,
                head=prev_hash,
                broken_record_id=seal.record_id,
                problem="its content does not match its seal (the record or the seal was altered)",
            )
        prev_hash = seal.hash
        expected_position += 1
    orphan = (
        AuditRecord.objects.filter(seal__isnull=True, unsealed__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if orphan is not None:
        return ChainReport(
            sealed=expected_position - 1,
            head=prev_hash,
            broken_record_id=orphan,
            problem="it was never sealed and is no longer queued to be",
        )
    return ChainReport(sealed=expected_position - 1, head=prev_hash)
