"""`manage.py verify_audit_chain`: seal what is queued, then recompute the whole hash chain.

Exits non-zero and names the first broken record when the chain does not hold. Record the head
hash it prints somewhere outside the database (a ticket, the operations log): a chain rewritten
from some record onwards ends in a different head."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.chain import verify_chain
from audit.services import audit_seal_pending


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and name the first broken record."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="Verify only what is already sealed; do not seal queued records first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_seal"]:
            sealed = 0
            while batch := audit_seal_pending():
                sealed += batch
            self.stdout.write(f"Sealed {sealed} queued record(s).")
        report = verify_chain()
        if not report.intact:
            raise CommandError(
                f"Audit chain broken at record #{report.broken_record_id}: {report.problem}. "
                f"{report.sealed} record(s) before it verified."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {report.sealed} record(s), head {report.head}.")
        )
