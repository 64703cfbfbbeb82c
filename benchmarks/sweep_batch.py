"""What one batch of the reminder sweep costs, in CPU rather than wall-clock time, so that a change
can be measured on a machine shared with other work: fires `--batches` batches of due tasks with
`casework.sweep.task_reminders_fire` inside a transaction that is rolled back (the same batches can
be measured again, before and after a change), and prints the seconds per batch spent in Python
and in the PostgreSQL backend serving it. With `--profile`, prints the cProfile of the batches.
With `--commit`, each batch commits, so the foreign-key checks PostgreSQL defers to the commit
(about half of its share) are counted too.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a copy of bridge_bench> \\
        python -m benchmarks.sweep_batch --now 2026-12-04T05:45:00+00:00 --first 10 --batches 10

The database must be on this machine (the backend's CPU is read from /proc). Use a copy of the
benchmark database (`CREATE DATABASE ... TEMPLATE bridge_bench`): without `--commit` nothing is
committed, but the rolled-back rows still leave dead tuples behind.
"""

import argparse
import cProfile
import os
import pstats
import time
from datetime import datetime
from pathlib import Path


class _RolledBack(Exception):
    pass


def _backend_cpu_seconds(pid: int) -> float:
    # utime and stime, the 14th and 15th fields of /proc/<pid>/stat, after the command name.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def batch_arguments(description: str | None, *, batches: int) -> argparse.ArgumentParser:
    """The options that choose the batches measured, here and in `benchmarks.sweep_instructions`."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--now", required=True, help="The sweep's moment, ISO 8601 with a time zone.")
    parser.add_argument("--first", type=int, default=10, help="The first batch measured.")
    parser.add_argument("--batches", type=int, default=batches)
    return parser


def main() -> None:
    parser = batch_arguments(__doc__, batches=10)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--commit",
        action="store_true",
        help="Commit each batch, so the deferred foreign-key checks PostgreSQL runs at commit are "
        "counted too; the copy then keeps the reminders fired, and the same batches cannot be "
        "measured again on it.",
    )
    parser.add_argument(
        "--handshake",
        metavar="DIR",
        help="Before the batches, create DIR/ready and wait for DIR/go (`benchmarks.sweep_instructions` "
        "switches callgrind's counting on in between).",
    )
    arguments = parser.parse_args()

    from benchmarks.common import setup_django

    setup_django()
    from django.db import connection, transaction
    from django.template.loader import get_template

    from casework.sweep import due_task_batches, task_reminders_fire
    from config.celery import startup_objects_freeze

    now = datetime.fromisoformat(arguments.now)
    batches = due_task_batches(now=now)[arguments.first : arguments.first + arguments.batches]
    if not batches:
        raise SystemExit("No due batches at that moment.")
    # Loading the template engine the first time imports every tag library; a worker has done so,
    # and left what it loaded at startup out of garbage collection.
    get_template("notifications/email/notification_body.txt")
    startup_objects_freeze()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    profiler = cProfile.Profile() if arguments.profile else None

    def measure() -> None:
        started, python, postgres = time.monotonic(), time.process_time(), _backend_cpu_seconds(backend)
        if profiler is not None:
            profiler.enable()
        # Each batch is its own transaction (`task_reminders_fire`), or a savepoint of the one
        # rolled back below.
        fired = sum(task_reminders_fire(task_ids=batch, now=now) for batch in batches)
        if profiler is not None:
            profiler.disable()
        count = len(batches)
        print(
            f"{fired} reminders in {count} batches{' committed' if arguments.commit else ''}; per batch: "
            f"{(time.monotonic() - started) / count:.3f} s wall, "
            f"{(time.process_time() - python) / count:.3f} s Python, "
            f"{(_backend_cpu_seconds(backend) - postgres) / count:.3f} s PostgreSQL"
        )

    if arguments.handshake:
        Path(arguments.handshake, "ready").touch()
        while not Path(arguments.handshake, "go").exists():
            time.sleep(0.05)
    if arguments.commit:
        measure()
    else:
        try:
            with transaction.atomic():
                measure()
                raise _RolledBack
        except _RolledBack:
            pass
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
