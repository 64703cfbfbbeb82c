"""The application's errors. Services raise these; the API's exception handler maps each to one
HTTP status and the error shape of API.md, and the browser views render them."""

import re
from collections.abc import Mapping, Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

# A message is plain text, or a lazily translated constant (`gettext_lazy`): either way it is
# rendered once, when the error is raised, in the language active then (the request's).
Text = str | Promise

NOT_FOUND = gettext_lazy("Not found.")
STALE = gettext_lazy("This record was changed by someone else; reload it and try again.")


class ApplicationError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: Text, *, fields: Mapping[str, Sequence[Text]] | None = None) -> None:
        text = str(message)
        super().__init__(text)
        self.message = text
        self.fields: dict[str, list[str]] = {
            key: [str(item) for item in value] for key, value in (fields or {}).items()
        }


class ValidationFailed(ApplicationError):
    code = "validation_error"
    status = 400


class NotFound(ApplicationError):
    """Missing or not visible to the caller: the two are indistinguishable on purpose."""

    code = "not_found"
    status = 404

    def __init__(self, message: Text = NOT_FOUND) -> None:
        super().__init__(message)


class Moved(NotFound):
    """What was asked for now lives elsewhere (a case merged into another), and the caller may see
    where: the pages redirect there, the API answers 308 with its address. It is a `NotFound`, so
    code that does not expect it still answers as for something that does not exist."""

    code = "moved"

    def __init__(self, *, old_id: object, new_id: object) -> None:
        super().__init__(gettext_lazy("This case was merged into another case: follow Location."))
        self.old_id = str(old_id)
        self.new_id = str(new_id)

    def relocate(self, path: str) -> str | None:
        """`path` with the old id replaced by the new one (the same page of the other case), or
        None when the path does not name the old id (a merged case named in a form's field): then
        there is no page to send the caller to, and the answer is the `NotFound` this is."""
        relocated, count = re.subn(re.escape(self.old_id), self.new_id, path, count=1, flags=re.IGNORECASE)
        return relocated if count else None


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

    def __init__(self, message: Text = STALE) -> None:
        super().__init__(message)
