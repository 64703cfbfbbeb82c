"""Brings each language's catalogue up to date with the code (`scripts/messages` runs it, then
compiles): every marked string of Bridge's own code and templates, nothing of the virtualenv,
tests or benchmarks, no obsolete entries, file names without line numbers (so an edit elsewhere in
a file does not rewrite the catalogue)."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

NOT_BRIDGE_CODE = [
    ".venv/*",
    "tests/*",
    "benchmarks/*",
    "staticfiles/*",
    "var/*",
    "run/*",
    "logs/*",
    "docs/*",
    "deploy/*",
    "node_modules/*",
]


def other_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def collect_messages(*, verbosity: int = 1) -> None:
    call_command(
        "makemessages",
        locale=other_languages(),
        ignore_patterns=NOT_BRIDGE_CODE,
        no_obsolete=True,
        add_location="file",
        verbosity=verbosity,
    )


class Command(BaseCommand):
    help = "Update the translation catalogues (locale/*/LC_MESSAGES/django.po) from the code."

    def handle(self, *args: Any, **options: Any) -> None:
        collect_messages(verbosity=options["verbosity"])
