"""Undefined variables in Bridge's own templates are errors in the test suite.

Django renders an undefined variable (`{{ task.assignee.username }}` when there is no assignee) as
an empty string, or as `string_if_invalid`, so a missing attribute ships silently and shows up as
a blank where a caseworker expected a name, or as a 500 when a filter argument is missing. Under
`config.settings.test`, `string_if_invalid` is an object that raises instead, for templates in
`templates/` only: Django's admin and allauth's templates rely on lenient lookups by design.
"""

import inspect
from pathlib import Path

OWN_TEMPLATES = str(Path(__file__).resolve().parent.parent / "templates")


class UndefinedTemplateVariable(Exception):
    pass


class RaiseOnOwnTemplates(str):
    """Django formats `string_if_invalid % variable_name` when it contains `%s`."""

    def __new__(cls) -> "RaiseOnOwnTemplates":
        return super().__new__(cls, "%s")

    def __mod__(self, variable: object) -> str:
        origin = _rendering_origin()
        if origin is not None and origin.startswith(OWN_TEMPLATES):
            raise UndefinedTemplateVariable(f"Undefined variable {variable!r} in {origin}")
        return ""


def _rendering_origin() -> str | None:
    """The file of the innermost template being rendered, from the `render` frames on the stack."""
    for frame_info in inspect.stack()[2:]:
        if frame_info.function != "render":
            continue
        origin = getattr(frame_info.frame.f_locals.get("self"), "origin", None)
        name = getattr(origin, "name", None)
        if isinstance(name, str):
            return name
    return None
