"""The application's errors. Services raise these; the API's exception handler maps each to one
HTTP status and the error shape of API.md, and the browser views render them."""

from collections.abc import Mapping, Sequence


class ApplicationError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, fields: Mapping[str, Sequence[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields: dict[str, list[str]] = {key: list(value) for key, value in (fields or {}).items()}


class ValidationFailed(ApplicationError):
    code = "validation_error"
    status = 400


class NotFound(ApplicationError):
    """Missing or not visible to the caller: the two are indistinguishable on purpose."""

    code = "not_found"
    status = 404

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)


class PermissionDenied(ApplicationError):
    """The caller may see the object but not do this to it."""

    code = "permission_denied"
    status = 403


class Conflict(ApplicationError):
    """The object is not in a state that allows this change."""

    code = "conflict"
    status = 409


class StaleVersion(ApplicationError):
    """Someone else changed the object since the caller read it."""

    code = "stale_version"
    status = 412

    def __init__(
        self, message: str = "This record was changed by someone else; reload it and try again."
    ) -> None:
        super().__init__(message)
