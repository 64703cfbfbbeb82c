"""The reminder sweep (`casework.sweep.deadlines_sweep`, what Celery beat runs every
minute) at full size, on a throwaway copy of the benchmark database so the benchmark data never
changes: how long one sweep takes to fire every reminder that is due, that a second sweep fires
nothing, and that two sweeps racing each other fire each reminder exactly once.

`measure_sweep` runs in the benchmark process; the sweeps themselves run in child processes
(`python -m benchmarks.sweep due|run|check`) connected to the copy, as Celery workers would be.
The timed sweep hands its batches of due tasks to a pool of worker processes, one per core, the
way `casework.tasks.sweep` hands them to `celery worker` (prefork, one process per core by
default): the pool is started and connected before the clock starts, as running workers are, and
the time ends when the last batch has committed. (The Celery path itself is what
`tests/notifications/test_worker_e2e.py` runs; here the emails each batch queues would make a real
worker send 231,075 emails in the middle of the measurement.)
"""

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit


def _database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin_execute(sql: str) -> None:
    """Run one statement on the server's `postgres` database (creating and dropping databases
    cannot happen inside the benchmark database)."""
    import psycopg

    with psycopg.connect(_database_url("postgres"), autocommit=True) as connection:
        connection.execute(sql)


def _copy_database(source: str, target: str) -> float:
    started = time.monotonic()
    _admin_execute(f'DROP DATABASE IF EXISTS "{target}"')
    # FILE_COPY copies the files and checkpoints once, instead of writing every block to the WAL.
    _admin_execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}" STRATEGY FILE_COPY')
    return time.monotonic() - started


def _child(command: str, database: str, now: datetime, *, workers: int = 0) -> subprocess.Popen[str]:
    environment = {**os.environ, "DATABASE_URL": _database_url(database)}
    return subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "benchmarks.sweep", command, now.isoformat(), str(workers)],
        env=environment,
        stdout=subprocess.PIPE,
        text=True,
    )


def _result(process: subprocess.Popen[str]) -> dict[str, Any]:
    output, _ = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"benchmarks.sweep child failed with exit status {process.returncode}")
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def measure_sweep(*, source: str, log: Callable[[str], None], copy: str = "") -> dict[str, Any]:
    """Caller: no connection to `source` may be open (PostgreSQL copies only an idle database).
    `copy` names the throwaway database (dropped first, if it exists); two runs at once need
    different names. By default `<source>_sweep`."""
    from django.utils import timezone

    copy = copy or f"{source}_sweep"
    now = timezone.now()
    results: dict[str, Any] = {"now": now.isoformat()}
    try:
        results["copy_seconds"] = round(_copy_database(source, copy), 1)
        results["due"] = _result(_child("due", copy, now))
        log(f"  due at {now:%H:%M:%S}: {results['due']}")
        results["workers"] = os.cpu_count() or 1
        results["first"] = _result(_child("run", copy, now, workers=results["workers"]))
        log(f"  one sweep: {results['first']}")
        results["second"] = _result(_child("run", copy, now))
        log(f"  the same sweep again: {results['second']}")
        results["check"] = _result(_child("check", copy, now))
        log(f"  rows and duplicates: {results['check']}")
        _copy_database(source, copy)
        racing = [_child("run", copy, now), _child("run", copy, now)]
        results["racing"] = [_result(process) for process in racing]
        log(f"  two sweeps at once: {results['racing']}")
        results["racing_check"] = _result(_child("check", copy, now))
        log(f"  rows and duplicates after the race: {results['racing_check']}")
    finally:
        _admin_execute(f'DROP DATABASE IF EXISTS "{copy}"')
    first, racing_check = results["first"], results["racing_check"]
    results["none_doubled"] = (
        results["second"]["reminders"] == 0
        and results["check"]["duplicate_reminders"] == 0
        and results["check"]["duplicate_notifications"] == 0
        and racing_check["duplicate_reminders"] == 0
        and racing_check["duplicate_notifications"] == 0
        and racing_check["reminders"] == results["check"]["reminders"]
        and racing_check["notifications"] == results["check"]["notifications"]
        and first["reminders"] == results["due"]["total"]
    )
    return results


# --- children -------------------------------------------------------------------------------------


def _due(now: datetime) -> dict[str, Any]:
    """Reminders due at `now` and not yet fired, counted the way the sweep decides them."""
    from django.conf import settings
    from django.db.models import F, Q

    from casework.models import HANDOFF_OPEN_STATUSES, Handoff, Task, TaskStatus
    from casework.sweep import handoff_points, task_points
    from notifications.models import NotificationKind, Reminder

    horizon = now + timedelta(hours=max(settings.BRIDGE_REMINDER_OFFSETS_HOURS, default=0))
    open_tasks = Task.objects.filter(status=TaskStatus.OPEN, due_at__lte=horizon)
    interval = timedelta(hours=settings.BRIDGE_OVERDUE_ESCALATION_HOURS)
    fired = set(
        Reminder.objects.filter(task__in=open_tasks, due_at=F("task__due_at"))
        .filter(~Q(kind=NotificationKind.TASK_OVERDUE) | Q(fire_at__gt=now - interval))
        .values_list("task_id", "kind", "step")
    )
    tasks = 0
    overdue = 0
    for task_id, due_at in open_tasks.values_list("pk", "due_at"):
        overdue += due_at <= now
        tasks += sum((task_id, p.kind, p.step) not in fired for p in task_points(due_at=due_at, now=now))
    handoff_fired = set(
        Reminder.objects.filter(
            handoff__status__in=HANDOFF_OPEN_STATUSES, due_at=F("handoff__respond_by")
        ).values_list("handoff_id", "kind", "step")
    )
    handoffs = sum(
        (handoff.pk, p.kind, p.step) not in handoff_fired
        for handoff in Handoff.objects.filter(status__in=HANDOFF_OPEN_STATUSES)
        for p in handoff_points(handoff=handoff, now=now)
    )
    return {
        "task_reminders": tasks,
        "overdue_tasks": overdue,
        "handoff_reminders": handoffs,
        "total": tasks + handoffs,
    }


def _fire_batch(now: str, task_ids: list[str]) -> int:
    """In a pool process: what `casework.tasks.fire_task_reminders` does in a Celery worker."""
    import uuid

    from casework.sweep import task_reminders_fire

    return task_reminders_fire(
        task_ids=[uuid.UUID(task_id) for task_id in task_ids], now=datetime.fromisoformat(now)
    )


def _worker_start() -> None:
    """A pool process starts as a Celery worker's process does."""
    from benchmarks.common import setup_django

    setup_django()
    from config.celery import startup_objects_freeze

    startup_objects_freeze()


def _connect() -> int:
    from django.db import connection

    connection.ensure_connection()
    return os.getpid()


def _run(now: datetime, workers: int) -> dict[str, Any]:
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing import get_context

    from casework.sweep import deadlines_sweep
    from config.celery import app, startup_objects_freeze

    pool = None
    futures: list[Future[int]] = []

    def dispatch(task_ids: list[Any], moment: datetime) -> bool:
        assert pool is not None
        futures.append(pool.submit(_fire_batch, moment.isoformat(), [str(task_id) for task_id in task_ids]))
        return True

    # This process sweeps as the worker process running the beat's sweep task would.
    startup_objects_freeze()
    if workers:
        pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_worker_start)
        # Every process up and connected before the clock starts, as running Celery workers are.
        for future in [pool.submit(_connect) for _ in range(workers * 4)]:
            future.result()
    started = time.monotonic()
    result = deadlines_sweep(now=now, dispatch=dispatch if pool else None)
    by_workers = sum(future.result() for future in futures)
    seconds = time.monotonic() - started
    if pool:
        pool.shutdown()
    # The emails the sweep queued for the workers: none run here, so empty the queue.
    purged = app.control.purge()
    return {
        "seconds": round(seconds, 2),
        "reminders": result.reminders + by_workers,
        "workers": workers,
        "batches_to_workers": result.task_batches_dispatched,
        "handoffs_expired": result.handoffs_expired,
        "grants_ended": result.grants_ended,
        "digests": result.digests,
        "queued_emails_purged": purged,
    }


def _check(now: datetime) -> dict[str, Any]:
    from django.db import connection

    from notifications.models import EmailDelivery, Notification, Reminder

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM notifications_reminder "
            "GROUP BY task_id, consent_id, handoff_id, kind, step, due_at HAVING count(*) > 1) AS doubled"
        )
        (duplicate_reminders,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM notifications_notification WHERE reminder_id IS NOT NULL "
            "GROUP BY reminder_id, recipient_id HAVING count(*) > 1) AS doubled"
        )
        (duplicate_notifications,) = cursor.fetchone()
    fired = Reminder.objects.filter(fire_at__lte=now, created_at__gte=now)
    return {
        "reminders": fired.count(),
        "notifications": Notification.objects.filter(reminder__in=fired).count(),
        "emails": EmailDelivery.objects.filter(notification__reminder__in=fired).count(),
        "duplicate_reminders": duplicate_reminders,
        "duplicate_notifications": duplicate_notifications,
    }


def main() -> None:
    from benchmarks.common import setup_django

    setup_django()
    command, moment, workers = sys.argv[1], datetime.fromisoformat(sys.argv[2]), int(sys.argv[3])
    if command == "run":
        print(json.dumps(_run(moment, workers)))
    else:
        print(json.dumps({"due": _due, "check": _check}[command](moment)))


if __name__ == "__main__":
    main()
