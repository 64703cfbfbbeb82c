"""Celery tasks of the deadline sweep: thin wrappers that take ids and call `casework.sweep`.
Each is safe to run twice."""

import logging
import uuid
from datetime import datetime
from functools import partial

from celery import current_app, shared_task
from django.conf import settings
from django.utils import timezone
from kombu import Connection
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from casework.dashboard_figures import dashboard_figures_to_refresh, refresh_dashboard_figures
from casework.heartbeat import sweep_heartbeat_record
from casework.sweep import deadlines_sweep, task_reminders_fire

logger = logging.getLogger(__name__)

SWEEP = "casework.tasks.sweep"
FIRE_TASK_REMINDERS = "casework.tasks.fire_task_reminders"
REFRESH_DASHBOARDS = "casework.tasks.refresh_dashboards"
REFRESH_DASHBOARD = "casework.tasks.refresh_dashboard"


@shared_task(name=SWEEP)
def sweep() -> dict[str, int]:
    with current_app.connection_for_write() as connection:
        result = deadlines_sweep(dispatch=partial(_send_to_workers, connection))
    sweep_heartbeat_record(
        finished_at=timezone.now(),
        tasks_due=result.tasks_due,
        reminders_fired=result.reminders,
        task_batches_dispatched=result.task_batches_dispatched,
    )
    return {
        "reminders": result.reminders,
        "task_batches_dispatched": result.task_batches_dispatched,
        "handoffs_expired": result.handoffs_expired,
        "grants_ended": result.grants_ended,
        "digests": result.digests,
    }


def _send_to_workers(connection: Connection, task_ids: list[uuid.UUID], now: datetime) -> bool:
    # One connection attempt without retries: if the broker is unreachable the sweep fires the
    # batch itself. A batch still queued at the next tick is planned again by that tick, so it
    # may expire then.
    try:
        connection.ensure_connection(max_retries=0)
        current_app.send_task(
            FIRE_TASK_REMINDERS,
            args=(now.isoformat(), *(str(task_id) for task_id in task_ids)),
            expires=float(settings.BRIDGE_REMINDER_SWEEP_SECONDS),
            connection=connection,
            retry=False,
        )
    except (KombuError, RedisError, OSError) as error:
        logger.warning("Broker unavailable; the sweep fires the reminders itself: %s", error)
        return False
    return True


@shared_task(name=FIRE_TASK_REMINDERS)
def fire_task_reminders(now: str, *task_ids: str) -> int:
    """One batch of a sweep's due tasks (`deadlines_sweep` with `dispatch`)."""
    return task_reminders_fire(
        task_ids=[uuid.UUID(task_id) for task_id in task_ids], now=datetime.fromisoformat(now)
    )


@shared_task(name=REFRESH_DASHBOARDS)
def refresh_dashboards() -> int:
    """One refresh for each of the stalest stored dashboards a supervisor has viewed lately, as
    many as fit in the tick's budget (`dashboard_figures_to_refresh`), each on any worker; a
    refresh still queued at the next tick has expired by then."""
    wanted = dashboard_figures_to_refresh()
    for agency_id, language in wanted:
        refresh_dashboard.apply_async(
            args=(agency_id, language), expires=float(settings.BRIDGE_DASHBOARD_REFRESH_SECONDS)
        )
    return len(wanted)


@shared_task(name=REFRESH_DASHBOARD)
def refresh_dashboard(agency_id: int, language: str) -> None:
    refresh_dashboard_figures(agency_id=agency_id, language=language)
