"""How many writes per second one PostgreSQL primary takes from Bridge's own services
(docs/performance.md, "Beyond one machine"): case edits (`case_update`, as `PATCH
/api/v1/cases/<id>/` calls it, one process per core, each on cases of its own), then the reminder
sweep (`deadlines_sweep`) over tasks added for it (`task_create`). Every figure counts committed
service calls and the rows PostgreSQL inserted or updated (`pg_stat_user_tables`, which includes
the audit, history and timeline rows each call writes) and the WAL they generated, which is what
a streaming replica has to replay.

Needs a migrated database with the demo loaded (`manage.py load_demo`); it edits the demo's cases
and adds tasks to them, so never point it at a database with real cases:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bridge_ceiling \\
        python -m benchmarks.primary_ceiling --seconds 20 --processes 2 --tasks 1000
"""

import argparse
import json
import multiprocessing
import time
import uuid
from datetime import timedelta
from typing import Any

from benchmarks.common import setup_django


def _database_counters() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        # Other sessions' counters reach the statistics when they go idle (at most once a second).
        time.sleep(1.5)
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint,"
            " pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"
            " FROM pg_stat_user_tables"
        )
        rows, wal = cursor.fetchone()
    # WAL is the whole cluster's: on a shared server it counts other databases' writes too.
    return {"rows": int(rows), "wal_bytes": int(wal)}


class _DatabaseTime:
    """Wall time spent waiting on PostgreSQL (each statement's round trip), summed: what the
    primary, not Python, spent on the work, at most."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def _difference(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after[name] - before[name] for name in before}


def _edit_pairs() -> list[tuple[uuid.UUID, int]]:
    """Each open case with a caseworker of its lead agency who sees it (and so may edit its core
    fields)."""
    from agencies.models import Role, User
    from casework.access import get_case_access
    from casework.models import Case
    from common.errors import NotFound

    pairs = []
    for case in Case.objects.exclude(status="closed").order_by("number"):
        for actor in User.objects.filter(agency=case.lead_agency_id, role=Role.CASEWORKER, is_active=True):
            try:
                get_case_access(user=actor, case_id=case.pk)
            except NotFound:
                continue
            pairs.append((case.pk, actor.pk))
            break
    return pairs


def _edit_for(arguments: tuple[list[tuple[uuid.UUID, int]], float]) -> tuple[int, float]:
    """One process: edit its cases' pseudonyms in turn until `until`; the number committed and
    the seconds spent waiting on PostgreSQL."""
    pairs, until = arguments
    setup_django()
    from django.db import connection

    from agencies.models import User
    from casework.access import get_case_access
    from casework.services.cases import case_update

    actors = {pk: User.objects.get(pk=pk) for pk in {actor for _, actor in pairs}}
    edits = 0
    database_time = _DatabaseTime()
    connection.execute_wrappers.append(database_time)
    while time.time() < until:
        case_id, actor_id = pairs[edits % len(pairs)]
        actor = actors[actor_id]
        access = get_case_access(user=actor, case_id=case_id)
        case_update(
            actor=actor,
            case=access.case,
            expected_version=access.case.version_for(access.readable),
            core={"pseudonym": f"E{edits}"},
        )
        edits += 1
    return edits, database_time.seconds


def measure_case_edits(*, seconds: float, processes: int) -> dict[str, Any]:
    from django.db import connections

    pairs = _edit_pairs()
    shares = [pairs[index::processes] for index in range(processes)]
    connections.close_all()
    before = _database_counters()
    started = time.time()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        counts = pool.map(_edit_for, [(share, started + seconds) for share in shares])
    elapsed = time.time() - started
    done = _difference(before, _database_counters())
    edits = sum(count for count, _ in counts)
    database_seconds = sum(seconds for _, seconds in counts)
    return {
        "processes": processes,
        "cases": len(pairs),
        "seconds": round(elapsed, 1),
        "edits": edits,
        "edits_per_second": round(edits / elapsed, 1),
        "rows_per_second": round(done["rows"] / elapsed),
        "rows_per_edit": round(done["rows"] / edits, 1),
        "wal_kb_per_edit": round(done["wal_bytes"] / edits / 1024, 1),
        "database_ms_per_edit": round(database_seconds / edits * 1000, 2),
    }


def measure_sweep(*, tasks: int) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from agencies.models import User
    from casework.models import Case
    from casework.services.tasks import task_create
    from casework.sweep import deadlines_sweep

    pairs = _edit_pairs()
    cases = {case.pk: case for case in Case.objects.filter(pk__in=[case for case, _ in pairs])}
    actors = {pk: User.objects.get(pk=pk) for pk in {actor for _, actor in pairs}}
    now = timezone.now()
    # Due within the hour: each task has exactly one reminder due (the 1 h one) at `now`.
    due_at = now + timedelta(minutes=30)
    before = _database_counters()
    started = time.time()
    for index in range(tasks):
        case_id, actor_id = pairs[index % len(pairs)]
        task_create(actor=actors[actor_id], case=cases[case_id], title=f"Ceiling task {index}", due_at=due_at)
    create_elapsed = time.time() - started
    created = _difference(before, _database_counters())

    before = _database_counters()
    database_time = _DatabaseTime()
    started = time.time()
    with connection.execute_wrapper(database_time):
        result = deadlines_sweep(now=now)
    sweep_elapsed = time.time() - started
    swept = _difference(before, _database_counters())
    return {
        "task_create": {
            "tasks": tasks,
            "seconds": round(create_elapsed, 1),
            "per_second": round(tasks / create_elapsed, 1),
            "rows_per_second": round(created["rows"] / create_elapsed),
            "wal_kb_per_task": round(created["wal_bytes"] / tasks / 1024, 1),
        },
        "sweep": {
            "reminders": result.reminders,
            "seconds": round(sweep_elapsed, 1),
            "reminders_per_second": round(result.reminders / sweep_elapsed, 1),
            "rows_per_second": round(swept["rows"] / sweep_elapsed),
            "rows_per_reminder": round(swept["rows"] / max(result.reminders, 1), 1),
            "wal_kb_per_reminder": round(swept["wal_bytes"] / max(result.reminders, 1) / 1024, 1),
            "database_seconds": round(database_time.seconds, 2),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--tasks", type=int, default=1000)
    options = parser.parse_args()
    setup_django()
    results = {"case_edits": measure_case_edits(seconds=options.seconds, processes=options.processes)}
    results.update(measure_sweep(tasks=options.tasks))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
