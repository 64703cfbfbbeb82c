"""The deadline sweep's heartbeat: when it last finished and what it found, for `/healthz`, the
Prometheus metrics and the "sweep late" alert. Kept in the cache (Redis), not the database: it is
rewritten every tick, and after a Redis restart the next tick (a minute later) writes it again."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache

HEARTBEAT_KEY = "bridge:sweep:heartbeat"


@dataclass(frozen=True)
class SweepHeartbeat:
    finished_at: datetime
    # Open tasks with a reminder due at that tick, and the reminders fired by the tick itself
    # (batches handed to the workers are counted as batches, not reminders).
    tasks_due: int
    reminders_fired: int
    task_batches_dispatched: int

    def is_late(self, *, now: datetime) -> bool:
        """Late once five ticks have gone by without one finishing."""
        return (now - self.finished_at).total_seconds() > 5 * settings.BRIDGE_REMINDER_SWEEP_SECONDS


def sweep_heartbeat_record(
    *, finished_at: datetime, tasks_due: int, reminders_fired: int, task_batches_dispatched: int
) -> None:
    cache.set(
        HEARTBEAT_KEY,
        {
            "finished_at": finished_at.isoformat(),
            "tasks_due": tasks_due,
            "reminders_fired": reminders_fired,
            "task_batches_dispatched": task_batches_dispatched,
        },
        timeout=None,
    )


def sweep_heartbeat() -> SweepHeartbeat | None:
    """The last tick's heartbeat; None when no sweep has finished since Redis started."""
    value = cache.get(HEARTBEAT_KEY)
    if not isinstance(value, dict):
        return None
    return SweepHeartbeat(
        finished_at=datetime.fromisoformat(value["finished_at"]),
        tasks_due=int(value["tasks_due"]),
        reminders_fired=int(value["reminders_fired"]),
        task_batches_dispatched=int(value["task_batches_dispatched"]),
    )
