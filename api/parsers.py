from typing import Any

from django.utils.translation import gettext
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class BridgeJSONParser(JSONParser):
    """DRF's JSON parser, with input nested deeper than Python's recursion limit refused as
    malformed instead of escaping as a `RecursionError` (a 500)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(gettext("JSON parse error - the document is nested too deeply.")) from error
