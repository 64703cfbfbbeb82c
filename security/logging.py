"""Keeps personal data out of the logs.

Bridge's own log lines name ids, never people; what can still carry a child's data is what other
code logs on its behalf:

* SQL with its parameters (`django.db.backends`, at DEBUG): dropped entirely;
* database errors, whose messages quote the offending row ("Failing row contains (...)",
  "Key (...)=(...) already exists"), in messages and in tracebacks: the quoted values are cut;
* dictionaries or keyword dumps of section fields (`'legal_name': '...'`, `address=...`):
  the values are cut;
* request lines (`"GET /api/v1/cases/?q=Maria HTTP/1.1"`, as Django's development server logs
  them): the query string, which carries what someone typed to find a child, is cut.

The filter is attached to every handler in LOGGING, so it applies whichever logger emits.
"""

import logging
import re
from functools import cache

from django.apps import apps

REDACTED = "[redacted]"

_DROPPED_LOGGERS = ("django.db.backends",)

_DATABASE_ROW_PATTERNS = (
    re.compile(r"(Failing row contains )\(.*?\)(?=\.?\s*$)", re.MULTILINE),
    re.compile(
        r"(Key \([^)]*\)=)\(.*?\)(?= already exists| is not present| is still referenced|$)", re.MULTILINE
    ),
)


# Fields of section records kept by apps above casework (relief records' receipt numbers and
# details), which this module may not import: they name them here from their `AppConfig.ready`.
_REGISTERED_FIELDS: set[str] = set()


def personal_data_fields_register(*names: str) -> None:
    _REGISTERED_FIELDS.update(names)
    _field_pattern.cache_clear()


@cache
def _field_pattern() -> re.Pattern[str] | None:
    """`name: 'value'`, `"name": "value"` and `name=value` for every section field; built once
    the apps are loaded (logging is configured before they are)."""
    if not apps.ready:
        return None
    from casework.models import SECTION_MODELS, section_fields

    names = sorted(
        {name for section in SECTION_MODELS for name in section_fields(section)} | _REGISTERED_FIELDS,
        key=len,
        reverse=True,
    )
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(
        rf"""(['"]?\b(?:{alternatives})\b['"]?\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\[[^\]]*\]|[^,)}}\]\n]+)"""
    )


_REQUEST_LINE_QUERY = re.compile(r"(\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /[^\s?\"]*)\?[^\s\"]*")


def scrub(text: str) -> str:
    text = _REQUEST_LINE_QUERY.sub(rf"\1?{REDACTED}", text)
    for pattern in _DATABASE_ROW_PATTERNS:
        text = pattern.sub(rf"\1({REDACTED})", text)
    field_pattern = _field_pattern()
    if field_pattern is not None:
        text = field_pattern.sub(rf"\1{REDACTED}", text)
    return text


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(_DROPPED_LOGGERS):
            return False
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message or record.args:
            record.msg = cleaned
            record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            # Formatters reuse `exc_text` when it is set, so the traceback is printed scrubbed.
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True
