from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request
from rest_framework.views import APIView

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class BridgeCursorPagination(CursorPagination):
    """`{"next", "previous", "results"}` with `?page_size=` (default 50, at most 200). Cursors
    never count rows, so a page costs the same at any table size. Each view names its order in
    `ordering`; the first field must be (nearly) unique and indexed."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_ordering(
        self, request: Request, queryset: QuerySet[Any], view: APIView | None
    ) -> tuple[str, ...]:
        ordering = getattr(view, "ordering", None)
        if not ordering:
            raise TypeError(f"{type(view).__name__} must name its list order in `ordering`.")
        return tuple(ordering)

    def decode_cursor(self, request: Request) -> Cursor | None:
        # A cursor that does not decode is bad input, not a missing page.
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise ValidationError({self.cursor_query_param: ["Invalid cursor."]}) from error
