"""`common.spreadsheet`: the cells of every CSV Bridge writes."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from common.spreadsheet import csv_bytes, safe_text, spreadsheet_cell, time_zone_header


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("M.R.", "M.R."),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_text_a_spreadsheet_would_run_as_a_formula_is_quoted(text, cell):
    assert safe_text(text) == cell


def test_times_are_local_to_the_second_without_offset():
    moment = datetime(2026, 3, 10, 18, 5, 7, 123456, tzinfo=UTC)

    with timezone.override(ZoneInfo("America/Chicago")):
        assert spreadsheet_cell(moment) == "2026-03-10 13:05:07"
        assert time_zone_header("due_at") == "due_at (America/Chicago)"


@pytest.mark.parametrize(
    ("value", "cell"),
    [(None, ""), (True, "yes"), (False, "no"), (3, 3), (-2.5, -2.5), (date(2026, 3, 1), "2026-03-01")],
)
def test_values_keep_their_kind(value, cell):
    assert spreadsheet_cell(value) == cell


def test_a_file_starts_with_a_byte_order_mark_and_ends_rows_with_crlf():
    content = csv_bytes(["pseudonym", "n"], [["José", -1], ["=cmd|' /C calc'!A0", 2]])

    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig") == "pseudonym,n\r\nJosé,-1\r\n'=cmd|' /C calc'!A0,2\r\n"
