"""`manage.py generate_load_data`: a statewide amount of synthetic data for benchmarks."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from casework.loadgen import LoadSizes, generate

DEFAULTS = LoadSizes()


class Command(BaseCommand):
    help = (
        "Write synthetic agencies, users, cases, tasks, handoffs, notes, notifications and timeline "
        "entries into the configured database, which must be migrated and hold no agencies or cases. "
        "Use a dedicated database, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/bridge_bench."
    )

    def add_arguments(self, parser: CommandParser) -> None:
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

    def handle(self, *args: Any, **options: Any) -> None:
        if "production" in settings.SETTINGS_MODULE and not options["force"]:
            raise CommandError(
                "Refusing to write synthetic cases under production settings; use a dedicated database "
                "and config.settings.local (or pass --force if you really mean it)."
            )
        sizes = LoadSizes(
            agencies=options["agencies"],
            users=options["users"],
            cases=options["cases"],
            tasks=options["tasks"],
            handoffs=options["handoffs"],
            notes=options["notes"],
            overdue_fraction=options["overdue_fraction"],
            min_agencies_per_case=options["min_agencies_per_case"],
            max_agencies_per_case=options["max_agencies_per_case"],
            seed=options["seed"],
        )
        self.stdout.write(f"Generating load data into database {connection.settings_dict['NAME']!r}")
        try:
            report = generate(
                sizes=sizes,
                workers=options["workers"],
                history=options["with_history"],
                log=self.stdout.write,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Loaded in {report.seconds:.0f} s (data anchored at {report.now.isoformat()}):")
        for table, rows in report.rows.items():
            self.stdout.write(f"  {table:<14} {rows:>10}")
