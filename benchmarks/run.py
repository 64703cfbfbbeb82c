"""Run every benchmark against the database in DATABASE_URL (loaded by benchmarks.loadgen) and
write the results as JSON plus a table. `scripts/bench` prepares the database and calls this:

    python -m benchmarks.run [--output FILE] [--skip-sweep] [--skip-load] ...
"""

import argparse
import json
import os
import platform
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.common import ROLES, sample_actors, setup_django

TARGETS = {
    "p95_ms": 50.0,
    "dashboard_p95_ms": 250.0,
    "bridge_over_sql": 1.5,
    "guardian_over_bridge": 10.0,
    "sweep_s": 15.0,
}


def log(message: str) -> None:
    print(message, flush=True)


def machine() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (postgres,) = cursor.fetchone()
        cursor.execute("SHOW shared_buffers")
        (shared_buffers,) = cursor.fetchone()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgres": postgres,
        "postgres_shared_buffers": shared_buffers,
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }


def data_sizes() -> dict[str, int]:
    from agencies.models import Agency, User
    from casework.models import (
        Case,
        CaseGroupObjectPermission,
        CaseParticipant,
        CaseUserObjectPermission,
        Handoff,
        Note,
        SectionGrant,
        Task,
        TimelineEvent,
    )
    from notifications.models import Notification

    models = {
        "agencies": Agency,
        "users": User,
        "cases": Case,
        "participants": CaseParticipant,
        "group_permissions": CaseGroupObjectPermission,
        "user_permissions": CaseUserObjectPermission,
        "grants": SectionGrant,
        "tasks": Task,
        "handoffs": Handoff,
        "notes": Note,
        "timeline_events": TimelineEvent,
        "notifications": Notification,
    }
    return {name: model.objects.count() for name, model in models.items()}


# A page whose query count depends on what the reader reads, by design: case detail runs one more
# for a reader of `immigration` (its relief records; tests/benchmarks/test_query_counts.py).
QUERY_SPREAD = {"case_detail": 1}


def verdicts(results: dict[str, Any]) -> dict[str, bool]:
    checks: dict[str, bool] = {}
    for page, by_role in results.get("endpoints", {}).items():
        limit = TARGETS["dashboard_p95_ms"] if page == "dashboard" else TARGETS["p95_ms"]
        for role, result in by_role.items():
            if result is not None:
                checks[f"{page}/{role}: p95 < {limit:.0f} ms"] = result["p95"] < limit
                spread = QUERY_SPREAD.get(page, 0)
                checks[f"{page}/{role}: same queries for every user"] = (
                    result["queries"]["max"] - result["queries"]["min"] <= spread
                )
    for page, by_role in results.get("baselines", {}).items():
        for role, result in by_role.items():
            checks[f"{page}/{role}: same rows three ways"] = result["same_rows"]
            checks[f"{page}/{role}: <= 1.5x hand-written SQL"] = (
                result["bridge_over_sql"] <= TARGETS["bridge_over_sql"]
            )
            checks[f"{page}/{role}: >= 10x faster than generic guardian"] = (
                result["guardian_over_bridge"] >= TARGETS["guardian_over_bridge"]
            )
    sweep = results.get("sweep")
    if sweep:
        checks[f"sweep of {sweep['due']['total']} reminders < 15 s"] = (
            sweep["first"]["seconds"] < TARGETS["sweep_s"]
        )
        checks["sweep: none doubled, not even by two sweeps at once"] = sweep["none_doubled"]
    return checks


def print_table(results: dict[str, Any]) -> None:
    log("\nServer time per request (ms, in process) and queries per request")
    log(f"{'page':<18} {'role':<11} {'p50':>8} {'p95':>8} {'p99':>8} {'queries':>8}")
    for page, by_role in results.get("endpoints", {}).items():
        for role in ROLES:
            result = by_role.get(role)
            if result is None:
                log(f"{page:<18} {role:<11} {'(supervisors only)':>35}")
                continue
            log(
                f"{page:<18} {role:<11} {result['p50']:8.2f} {result['p95']:8.2f} {result['p99']:8.2f} "
                f"{result['queries']['max']:8d}"
            )
    if results.get("baselines"):
        log("\nThe same page three ways (p50 ms): Bridge's access layer, hand-written SQL, generic guardian")
        log(f"{'page':<18} {'role':<11} {'bridge':>8} {'sql':>8} {'guardian':>9} {'b/sql':>6} {'g/b':>7}")
        for page, by_role in results["baselines"].items():
            for role, r in by_role.items():
                log(
                    f"{page:<18} {role:<11} {r['bridge']['p50']:8.2f} {r['sql']['p50']:8.2f} "
                    f"{r['guardian_generic']['p50']:9.2f} {r['bridge_over_sql']:6.2f} "
                    f"{r['guardian_over_bridge']:7.1f}"
                )
    sweep = results.get("sweep")
    if sweep:
        log(
            f"\nReminder sweep: {sweep['first']['reminders']} reminders in {sweep['first']['seconds']} s; "
            f"again: {sweep['second']['reminders']}; two at once: "
            f"{[run['seconds'] for run in sweep['racing']]} s, none doubled: {sweep['none_doubled']}"
        )
    load = results.get("load")
    if load:
        total = load["total"]
        log(
            f"\nLoad run ({load['users']} locust users, {load['gunicorn_workers']} gunicorn workers, "
            f"{load['seconds']} s): {total['rps']} requests/s at p95 {total['p95']:.0f} ms "
            f"(p50 {total['p50']:.0f}, p99 {total['p99']:.0f}), {total['failures']} failures"
        )
    checks = verdicts(results)
    failed = [name for name, ok in checks.items() if not ok]
    log(f"\nTargets: {len(checks) - len(failed)} of {len(checks)} met")
    for name in failed:
        log(f"  MISSED {name}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", default="benchmarks/results/latest.json")
    parser.add_argument("--requests", type=int, default=200, help="Timed requests per page and role.")
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument("--actors", type=int, default=20, help="Users sampled per role.")
    parser.add_argument("--baseline-iterations", type=int, default=60)
    parser.add_argument("--guardian-budget", type=float, default=30.0, help="Seconds per page and role.")
    parser.add_argument("--load-users", type=int, default=8)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--load-workers", type=int, default=3, help="gunicorn worker processes.")
    parser.add_argument("--only", choices=("endpoints", "baselines", "sweep", "load"), action="append")
    parser.add_argument("--page", action="append", help="Only these endpoint pages (e.g. case_list).")
    parser.add_argument(
        "--sweep-copy",
        default="",
        help="The throwaway database the sweep runs on (default: <database>_sweep); "
        "give each of two runs at once its own.",
    )
    arguments = parser.parse_args()
    only = set(arguments.only or ("endpoints", "baselines", "sweep", "load"))

    setup_django()
    from django.db import connection, connections

    started = time.monotonic()
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": connection.settings_dict["NAME"],
        "git": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip(),
        "machine": machine(),
        "targets": TARGETS,
    }
    log(f"Benchmarking database {results['database']} on {results['machine']}")
    results["data"] = data_sizes()
    log(f"Data: {results['data']}")
    actors = sample_actors(per_role=arguments.actors)
    if "endpoints" in only:
        from benchmarks.endpoints import measure_all

        log("\nEndpoints")
        results["endpoints"] = measure_all(
            actors,
            requests=arguments.requests,
            warmup=arguments.warmup,
            pages=set(arguments.page or ()),
            log=log,
        )
    if "baselines" in only:
        from benchmarks.baselines import compare_all

        log("\nBaselines")
        results["baselines"] = compare_all(
            actors,
            iterations=arguments.baseline_iterations,
            guardian_budget=arguments.guardian_budget,
            log=log,
        )
    if "load" in only:
        from benchmarks.loadrun import load_run

        log("\nLoad run")
        results["load"] = load_run(
            actors,
            users=arguments.load_users,
            seconds=arguments.load_seconds,
            workers=arguments.load_workers,
            log=log,
        )
    if "sweep" in only:
        from benchmarks.sweep import measure_sweep

        log("\nReminder sweep")
        name = connection.settings_dict["NAME"]
        connections.close_all()
        results["sweep"] = measure_sweep(source=name, log=log, copy=arguments.sweep_copy)
    results["machine"]["load_average_after"] = [round(value, 2) for value in os.getloadavg()]
    results["seconds"] = round(time.monotonic() - started)
    results["targets_met"] = verdicts(results)
    output = Path(arguments.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print_table(results)
    log(f"\nResults written to {output}")


if __name__ == "__main__":
    main()
