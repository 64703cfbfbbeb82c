"""The API's error shape, for answers written outside a DRF view: `{"error": {"code": "...",
"message": "...", "fields": {"due_at": ["..."]}}}`. It lives here, below every app, because the
sign-in middleware (`security`) and Django's error handlers (`config/urls.py`) answer API
requests before any view runs, and neither may depend on `api`; `api/exceptions.py` builds its
DRF responses from the same `error_body`."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest, JsonResponse


def error_body(
    *, code: str, message: str, fields: Mapping[str, Sequence[str]] | None = None
) -> dict[str, Any]:
    return {
        "error": {"code": code, "message": message, "fields": {k: list(v) for k, v in (fields or {}).items()}}
    }


def api_error_response(*, status_code: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(code=code, message=message), status=status_code)


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")
