"""Re-encrypt every stored document version that is not under the newest key of
BRIDGE_DOCUMENT_KEYS: run after putting a new key first, before removing the old ones."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents.services import REENCRYPT_BATCH_SIZE, document_versions_reencrypt


class Command(BaseCommand):
    help = "Re-encrypt document versions under the newest key of BRIDGE_DOCUMENT_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=REENCRYPT_BATCH_SIZE)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        report = document_versions_reencrypt(batch_size=batch_size)
        self.stdout.write(
            f"Re-encrypted {report.reencrypted}, already under the newest key {report.already_current},"
            f" could not open {report.failed}."
        )
        if report.failed:
            raise CommandError(
                f"{report.failed} version(s) could not be opened with the keys in BRIDGE_DOCUMENT_KEYS;"
                " they were left as they are (see the log)."
            )
