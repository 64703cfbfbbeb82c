"""One JSON object per log line, each carrying the request or Celery task it was written for.

Every line from the web (Django, gunicorn) and from Celery goes through the handlers of
`settings.LOGGING`; with `BRIDGE_LOG_FORMAT=json` they format it with `JsonFormatter` below. The
context of the line (the request id, and in a worker the task's name and id) comes from a context
variable set by `RequestLogMiddleware` and by the Celery signal receivers here, and is copied onto
each record by `LogContextFilter`, so a line written deep in a service needs no extra arguments.

Only the fields named in `FIELDS` reach the output. Anything else a caller passes with
`extra=...` (which other code might fill with a record's fields) is left out, and the message
itself has been through `security.logging.PersonalDataFilter` before it is formatted.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.json import JsonFormatter as LibraryJsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
# The header a task carries its request id in, from the request that enqueued it to the worker.
TASK_REQUEST_ID_HEADER = "bridge_request_id"

CONTEXT_FIELDS = ("request_id", "task_name", "task_id")
REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "user_id", "agency_id")
FIELDS = ("time", "level", "logger", "message", *CONTEXT_FIELDS, *REQUEST_FIELDS, "exc_info")

# What a proxy or a client may set as the id: uuids, hex strings, `Root=1-...`-free simple tokens.
# Anything else (too long, spaces, quotes, newlines that would forge a log line) is replaced.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

_context: ContextVar[dict[str, str]] = ContextVar("bridge_log_context", default={})  # noqa: B039

request_logger = logging.getLogger("bridge.request")


def current_request_id() -> str | None:
    return _context.get().get("request_id")


@contextmanager
def log_context(**fields: str) -> Iterator[None]:
    token = _context.set({**_context.get(), **fields})
    try:
        yield
    finally:
        _context.reset(token)


def request_id_from(value: str | None) -> str:
    if value and _SANE_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class LogContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in _context.get().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


class TextFormatter(logging.Formatter):
    """The `text` format: a line written outside any request or task (a management command, a
    library's warning) reads `[-]` for its request id. (dictConfig passes a formatter's
    `defaults` only from Python 3.12.)"""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None) -> None:
        super().__init__(fmt, datefmt, defaults={"request_id": "-"})


class JsonFormatter(LibraryJsonFormatter):
    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        log_data["time"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.message
        for name in (*CONTEXT_FIELDS, *REQUEST_FIELDS):
            value = getattr(record, name, None)
            if value is not None:
                log_data[name] = value
        # The personal-data filter leaves the traceback, scrubbed, in `exc_text`; the library would
        # format `exc_info` again from the exception, with the values the filter cut.
        traceback = record.exc_text or message_dict.get("exc_info")
        if traceback:
            log_data["exc_info"] = traceback


class RequestLogMiddleware:
    """First in MIDDLEWARE: takes or makes the request id, answers it in `X-Request-ID`, and writes
    one line per request. The path is logged without its query string, which carries what
    someone typed to find a child; the user and agency by id only."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        started = time.monotonic()
        # Set, not scoped to this call: Django logs a 4xx or 5xx ("Not Found: ...") after the
        # middleware has returned; `log_context_clear` ends it when the request has finished.
        _context.set({"request_id": request_id})
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            user = None
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "user_id": str(user.pk) if user else None,
                "agency_id": str(user.agency_id) if user and user.agency_id else None,
            },
        )
        return response


def log_context_clear(**_: Any) -> None:
    _context.set({})


# --- Celery: the request id travels with the task; a worker's lines name the task ---------------


def task_headers_add_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    request_id = current_request_id()
    if headers is not None and request_id:
        headers[TASK_REQUEST_ID_HEADER] = request_id


def task_context_enter(task_id: str, task: Any, **_: Any) -> None:
    fields = {"task_name": task.name, "task_id": task_id}
    request_id = getattr(task.request, TASK_REQUEST_ID_HEADER, None)
    if request_id:
        fields["request_id"] = request_id_from(request_id)
    _context.set(fields)


def task_context_exit(**_: Any) -> None:
    # A worker process runs one task at a time: what follows the task is no longer about it.
    log_context_clear()
