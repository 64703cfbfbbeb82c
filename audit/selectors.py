"""Reads of the audit log's state for the operators' metrics (the access log and disclosure history
are the case policy's, in `casework.access.disclosures`)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min

from audit.models import UnsealedRecord


@dataclass(frozen=True)
class SealFigures:
    unsealed: int
    oldest_unsealed_seconds: float


def seal_figures(*, now: datetime) -> SealFigures:
    """Records written but not yet in the hash chain, and how long the oldest has waited. The
    sealer empties the queue every few seconds, so this reads a handful of rows."""
    figures = UnsealedRecord.objects.aggregate(count=Count("pk"), oldest=Min("record__occurred_at"))
    oldest = figures["oldest"]
    return SealFigures(
        unsealed=figures["count"],
        oldest_unsealed_seconds=max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0,
    )
