from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Field, Model, QuerySet
from django.utils.translation import gettext
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

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        self._model: type[Model] = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request: Request) -> Cursor | None:
        # A cursor that does not decode, or whose position is no value of the column the list is
        # ordered by, is bad input (a client can write any cursor), not a missing page.
        try:
            cursor = super().decode_cursor(request)
        except NotFound as error:
            raise self._invalid_cursor() from error
        if cursor is not None and cursor.position is not None:
            try:
                field = self._model._meta.get_field(self.ordering[0].lstrip("-"))
                assert isinstance(field, Field), "lists are ordered by a column of their own"
                field.to_python(cursor.position)
            except (FieldDoesNotExist, DjangoValidationError, ValueError, TypeError, OverflowError) as error:
                raise self._invalid_cursor() from error
        return cursor

    def _invalid_cursor(self) -> ValidationError:
        return ValidationError({self.cursor_query_param: [gettext("Invalid cursor.")]})
