"""Cells of files people open in a spreadsheet program (CSV downloads and exports).

Every CSV Bridge writes goes through `csv_bytes`, so each one opens the same way in Excel:

* UTF-8 with a byte order mark, which Excel needs to read accented names as UTF-8 rather than as
  the Windows code page;
* times in the reader's time zone as `2026-03-10 13:05:00`, which Excel reads as a date and time
  (it reads neither an offset nor microseconds, and shows ISO 8601 with them as text); the column
  heading names the zone (`time_zone_header`);
* text that a spreadsheet would run as a formula neutralised (CSV or formula injection): pseudonyms,
  task titles and agency names are typed by people, and a cell such as `=HYPERLINK(...)` or
  `@SUM(...)` would otherwise run on the reader's machine.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.utils import timezone

BYTE_ORDER_MARK = "\ufeff"
# A cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets (the tab
# and carriage return because some of them strip those and read what follows).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LOCAL_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

Cell = str | int | float


def safe_text(text: str) -> str:
    """Text a spreadsheet shows as typed: a leading formula character gets a single quote before it,
    which spreadsheets read as "this is text"."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def local_time(moment: datetime) -> str:
    """A moment in the current time zone, to the second, without offset."""
    return timezone.localtime(moment).strftime(LOCAL_TIME_FORMAT)


def spreadsheet_cell(value: object) -> Cell:
    """One value as a cell: numbers stay numbers, times are local, `None` is empty, yes/no for
    booleans, and any text is made safe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return local_time(value)
    if isinstance(value, date):
        return value.isoformat()
    return safe_text(str(value))


def time_zone_header(name: str) -> str:
    """A column heading for local times that says which time zone they are in."""
    return f"{name} ({timezone.get_current_timezone_name()})"


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file (RFC 4180 line ends) with a byte order mark, every cell through `spreadsheet_cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_text(name) for name in header])
    for row in rows:
        writer.writerow([spreadsheet_cell(value) for value in row])
    return (BYTE_ORDER_MARK + out.getvalue()).encode("utf-8")
