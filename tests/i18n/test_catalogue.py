"""The Spanish catalogue is whole: every marked string of the code is in it, translated, and nothing
in it is fuzzy (a guess gettext made that nobody checked) or left over from removed code."""

import re
import shutil
from pathlib import Path

import polib
import pytest

from common.management.commands.collect_messages import collect_messages

ROOT = Path(__file__).resolve().parents[2]
# What the copy of the code leaves out: not Bridge's code, and large.
NOT_SOURCE = (
    ".git",
    ".venv",
    "staticfiles",
    "var",
    "run",
    "logs",
    "docs",
    "node_modules",
    "__pycache__",
    "*.mo",
)
SPANISH = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"


def entries(catalogue: polib.POFile) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in catalogue if not entry.obsolete}


def test_every_spanish_entry_is_translated_and_checked():
    catalogue = polib.pofile(str(SPANISH))

    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert [entry.msgid for entry in catalogue.obsolete_entries()] == []
    assert len(catalogue) > 500


def test_plural_entries_have_every_spanish_form():
    catalogue = polib.pofile(str(SPANISH))

    incomplete = [
        entry.msgid for entry in catalogue if entry.msgid_plural and not all(entry.msgstr_plural.values())
    ]

    assert incomplete == []
    assert "nplurals=" in catalogue.metadata["Plural-Forms"]


def test_placeholders_survive_translation():
    catalogue = polib.pofile(str(SPANISH))

    broken = [
        entry.msgid for entry in catalogue if "python-format" in entry.flags and not _same_placeholders(entry)
    ]

    assert broken == []


def _same_placeholders(entry: polib.POEntry) -> bool:
    named = re.compile(r"%\((\w+)\)[sd]")
    expected = set(named.findall(entry.msgid)) | set(named.findall(entry.msgid_plural or ""))
    translations = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
    return all(set(named.findall(text)) <= expected and text for text in translations)


@pytest.mark.slow
def test_the_catalogue_holds_every_string_the_code_marks(tmp_path, settings, monkeypatch):
    """Collecting the messages again (as `scripts/messages` does) in a copy of the code finds
    nothing new and nothing gone: a string marked in the code but missing from django.po would be
    shown in English. (A copy, because makemessages writes into the `locale` directory it runs
    beside.)"""
    copy = tmp_path / "bridge"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)

    collect_messages(verbosity=0)

    collected = entries(polib.pofile(str(copy / "locale" / "es" / "LC_MESSAGES" / "django.po")))
    shipped = entries(polib.pofile(str(SPANISH)))
    assert sorted(collected - shipped, key=str) == []
    assert sorted(shipped - collected, key=str) == []
