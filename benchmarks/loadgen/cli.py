"""The options of `python -m benchmarks.loadgen` (`__main__.py` sets Django up first, as this
module's imports need it)."""

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from django.conf import settings
from django.db import connection

from benchmarks.loadgen.generator import generate
from benchmarks.loadgen.world import LoadSizes

DEFAULTS = LoadSizes()


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.loadgen",
        description=(
            "Write synthetic agencies, users, cases, tasks, handoffs, notes, notifications and timeline "
            "entries into the configured database, which must be migrated and hold no agencies or "
            "cases. Use a dedicated database, e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/bridge_bench."
        ),
    )
    parser.add_argument("--agencies", type=int, default=DEFAULTS.agencies)
    parser.add_argument("--users", type=int, default=DEFAULTS.users)
    parser.add_argument("--cases", type=int, default=DEFAULTS.cases)
    parser.add_argument("--tasks", type=int, default=DEFAULTS.tasks)
    parser.add_argument("--handoffs", type=int, default=DEFAULTS.handoffs)
    parser.add_argument("--notes", type=int, default=DEFAULTS.notes)
    parser.add_argument(
        "--overdue-fraction",
        type=float,
        default=DEFAULTS.overdue_fraction,
        help="Share of all tasks that are open and past due (default 0.05).",
    )
    parser.add_argument("--min-agencies-per-case", type=int, default=DEFAULTS.min_agencies_per_case)
    parser.add_argument("--max-agencies-per-case", type=int, default=DEFAULTS.max_agencies_per_case)
    parser.add_argument("--seed", type=int, default=DEFAULTS.seed)
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="Processes writing in parallel, each with its own connection (default 2).",
    )
    parser.add_argument(
        "--with-history",
        action="store_true",
        help=(
            "Let the change-history triggers record every generated row in the audit log, row by "
            "row: faithful, but several times slower (beyond ten minutes at the default size)."
        ),
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="Run even under production settings. Synthetic children do not belong in a real county.",
    )
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> None:
    """Parse the options and load, reporting to `out` (standard output). Exits with a message,
    writing nothing, under production settings or with sizes that cannot be generated."""
    options = parser().parse_args(argv)
    if "production" in settings.SETTINGS_MODULE and not options.force:
        raise SystemExit(
            "Refusing to write synthetic cases under production settings; use a dedicated database "
            "and config.settings.local (or pass --force if you really mean it)."
        )
    sizes = LoadSizes(
        agencies=options.agencies,
        users=options.users,
        cases=options.cases,
        tasks=options.tasks,
        handoffs=options.handoffs,
        notes=options.notes,
        overdue_fraction=options.overdue_fraction,
        min_agencies_per_case=options.min_agencies_per_case,
        max_agencies_per_case=options.max_agencies_per_case,
        seed=options.seed,
    )

    def log(line: str) -> None:
        print(line, file=out or sys.stdout, flush=True)

    log(f"Generating load data into database {connection.settings_dict['NAME']!r}")
    try:
        report = generate(sizes=sizes, workers=options.workers, history=options.with_history, log=log)
    except ValueError as error:
        raise SystemExit(str(error)) from error
    log(f"Loaded in {report.seconds:.0f} s (data anchored at {report.now.isoformat()}):")
    for table, rows in report.rows.items():
        log(f"  {table:<14} {rows:>10}")
