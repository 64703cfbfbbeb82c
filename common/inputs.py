"""How a service checks the free text it takes. Each service module states its own limits as
constants (the "Input contracts" of ARCHITECTURE.md); the API's serializers and the pages' forms
read `max_length` and choices from those constants, so the three never drift apart."""

from collections.abc import Iterable

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.errors import Text

BLANK = _("This field may not be blank.")
# Said the same by the service, the API (`api.fields.StrictCharField`) and the pages
# (`web.forms.BridgeForm`), each formatting it its own way (hence `{}`, not `%()s`).
TOO_LONG = _("At most {max_length} characters.")


def too_long(max_length: int) -> str:
    return str(TOO_LONG).format(max_length=max_length)


def text_errors(value: object, *, max_length: int, required: bool = True, blank: Text = BLANK) -> list[str]:
    """What is wrong with a text value once stripped of surrounding spaces, or nothing."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return [str(blank)] if required else []
    if len(text) > max_length:
        return [too_long(max_length)]
    return []


def choice_errors(value: object, choices: Iterable[str]) -> list[str]:
    allowed = list(choices)
    if value in allowed:
        return []
    return [gettext("Must be one of: %(choices)s.") % {"choices": ", ".join(allowed)}]
