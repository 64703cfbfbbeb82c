"""OpenAPI additions: every operation documents the error responses it can give, in the one error
shape the exception handler produces (`api.exceptions`)."""

from typing import Any

from drf_spectacular.generators import SchemaGenerator
from rest_framework.request import Request

from casework.sections import DATA_SECTIONS, Section

ERROR_COMPONENT = "Error"

# The data sections (every section but core) appear with two sets of labels: model fields name
# them by key, input fields by their human label. One named enum each (ENUM_NAME_OVERRIDES).
DATA_SECTION_KEYS = [(section, section) for section in DATA_SECTIONS]
DATA_SECTION_LABELS = [(section, Section(section).label) for section in DATA_SECTIONS]

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "description": "Machine-readable, e.g. `validation_error`."},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "description": "Messages per input field by dotted path, e.g. `identity.legal_name`.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}

ERROR_DESCRIPTIONS = {
    "400": "Bad input; `fields` says what is wrong.",
    "401": "Not signed in, or the credentials are not valid.",
    "403": "The caller may see this but not do this.",
    "404": "Not found, or not visible to the caller: the two are indistinguishable.",
    "405": "Method not allowed.",
    "406": "Only JSON is served.",
    "409": "The record is not in a state that allows this change.",
    "412": "Stale: the record changed since the ETag in If-Match was read.",
    "415": "Send JSON.",
    "428": "If-Match is required.",
    "429": "Too many requests, or the account is locked after failed sign-ins; Retry-After says when.",
    "503": "The database is briefly out of reach (a restart, a failover); Retry-After says when to retry.",
}

ERRORS_BY_METHOD = {
    "get": ("400", "401", "403", "404", "405", "406", "429", "503"),
    "post": ("400", "401", "403", "404", "405", "406", "409", "412", "415", "428", "429", "503"),
    "patch": ("400", "401", "403", "404", "405", "406", "409", "412", "415", "428", "429", "503"),
    "delete": ("400", "401", "403", "404", "405", "406", "409", "429", "503"),
}

# Only edits that take `If-Match` can answer these (a PATCH, or a POST that adds to a versioned
# record such as the case plan's draft).
IF_MATCH_ERRORS = ("412", "428")


def add_error_responses(
    result: dict[str, Any], generator: SchemaGenerator, request: Request | None, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    reference = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            versioned = any(
                parameter.get("name") == "If-Match" for parameter in operation.get("parameters", ())
            )
            for code in ERRORS_BY_METHOD.get(method, ()):
                if code in IF_MATCH_ERRORS and not versioned:
                    # An edit of something without a version (the caller's own preferences).
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": ERROR_DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
