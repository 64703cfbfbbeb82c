"""One error shape for every error the API returns:
`{"error": {"code": "...", "message": "...", "fields": {"due_at": ["..."]}}}`.

`exception_handler` covers everything raised inside a DRF view: the application's errors
(`common.errors`), DRF's own (401, 404, 405, 415, malformed JSON, invalid input) and Django's
`Http404`/`PermissionDenied`. Errors raised before a view runs (no route, an exception escaping
a view, the sign-in middleware) are answered in the same shape by `common.http.api_error_response`.
A case merged into one the caller sees (`Moved`) answers 308 with the surviving case's address of
the same endpoint in `Location`.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from audit.services import audit_request_denied
from common.errors import ApplicationError, Moved, NotFound
from common.http import error_body

INVALID_INPUT_MESSAGE = _("Some fields are not valid.")
NON_FIELD_KEY = "non_field_errors"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = _("Send If-Match with the ETag of the version you edited.")


def flatten_field_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF nests errors as the input was nested (`{"identity": {"date_of_birth": [...]}}`, list
    items by index); the error shape keys them by dotted path (`identity.date_of_birth`), as the
    services do."""
    if isinstance(detail, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(flatten_field_errors(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list) and any(isinstance(item, Mapping | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            if item:
                flat.update(flatten_field_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or NON_FIELD_KEY: [str(message) for message in messages]}


def _validation_error_body(exc: exceptions.ValidationError) -> dict[str, Any]:
    fields = flatten_field_errors(exc.detail)
    non_field = fields.get(NON_FIELD_KEY)
    message = non_field[0] if non_field and len(fields) == 1 else str(INVALID_INPUT_MESSAGE)
    return error_body(code="validation_error", message=message, fields=fields)


def _audit_denial(context: Mapping[str, Any], status_code: int) -> None:
    request = context.get("request")
    url_kwargs: Mapping[str, Any] = getattr(context.get("view"), "kwargs", None) or {}
    audit_request_denied(user=getattr(request, "user", None), url_kwargs=url_kwargs, status=status_code)


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    response = _respond(exc, context)
    if response is not None and response.status_code in (
        status.HTTP_403_FORBIDDEN,
        status.HTTP_404_NOT_FOUND,
    ):
        _audit_denial(context, response.status_code)
    return response


def _respond(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    request = context.get("request")
    if isinstance(exc, Moved) and request and (relocated := exc.relocate(request.get_full_path())):
        # A case merged into one the caller sees: 308 keeps the method and body, so a client that
        # follows it repeats the same request on the surviving case.
        location = request.build_absolute_uri(relocated)
        body = error_body(code=exc.code, message=exc.message)
        set_rollback()
        return Response(body, status=status.HTTP_308_PERMANENT_REDIRECT, headers={"Location": location})
    if isinstance(exc, Moved):
        # Not on the merged case's own address: nowhere to send the caller, so exactly a 404.
        exc = NotFound()
    if isinstance(exc, ApplicationError):
        set_rollback()
        return Response(error_body(code=exc.code, message=exc.message, fields=exc.fields), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers: dict[str, str] = {}
    if auth_header := getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = auth_header
    if wait := getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(wait))
    if isinstance(exc, exceptions.ValidationError):
        body = _validation_error_body(exc)
    else:
        body = error_body(code=str(exc.default_code), message=str(exc.detail))
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)
