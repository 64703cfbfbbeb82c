"""The base of every API view.

It owns authentication, permission and the scoping of querysets so that an endpoint cannot forget
them. A subclass says which rows the caller may see by implementing `scoped_queryset` with the
access layer (`casework.access`, `agencies.access`/`selectors`); `get_queryset` and `get_object`
always go through it, and subclasses may not redefine them or the policy attributes: defining one
raises `TypeError` when the class is created. The one sanctioned bypass is named `dangerously_*`
so that it stands out in review.
"""

import uuid
from collections.abc import Sequence
from functools import cached_property
from typing import Any, ClassVar, final

from django.db.models import Model, QuerySet
from django.utils import translation
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.authentication import SessionAuthentication
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import BasePagination
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from agencies.models import User
from api.authentication import BridgeTokenAuthentication
from api.pagination import BridgeCursorPagination
from casework.access import CaseAccess, get_case_access
from common.errors import NotFound

# What decides who the caller is, whether they may call at all and which rows they reach.
PROTECTED_ATTRIBUTES = frozenset(
    {
        "authentication_classes",
        "permission_classes",
        "get_authenticators",
        "get_permissions",
        "perform_authentication",
        "check_permissions",
        "check_object_permissions",
        "initial",
        "dispatch",
        "queryset",
        "get_queryset",
        "get_object",
        "filter_queryset",
        "case_access",
    }
)


class SignedIn(BasePermission):
    """An active, signed-in user, except for the methods a view names in
    `dangerously_allow_anonymous_methods` (signing in itself)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in getattr(view, "dangerously_allow_anonymous_methods", frozenset()):
            return True
        return bool(request.user and request.user.is_authenticated and request.user.is_active)


class BridgeAPIView(GenericAPIView[Any]):
    # Token first: an unauthenticated request is then answered 401 with `WWW-Authenticate: Token`.
    # Session authentication enforces CSRF on unsafe methods.
    authentication_classes = (BridgeTokenAuthentication, SessionAuthentication)
    permission_classes = (SignedIn,)
    pagination_class: type[BasePagination] | None = BridgeCursorPagination
    filter_backends: Sequence[type[Any]] = (DjangoFilterBackend,)
    # OPTIONS would describe the endpoint from serializers; the OpenAPI document does that.
    metadata_class = None
    # The model of `scoped_queryset`, for the schema generator, which runs without a caller.
    model: ClassVar[type[Model] | None] = None
    # The list order; the first field is the cursor position (see BridgeCursorPagination).
    ordering: ClassVar[tuple[str, ...]] = ()
    # Methods callable without signing in. Only the token endpoint has any.
    dangerously_allow_anonymous_methods: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__module__ == __name__:
            return
        redefined = sorted(PROTECTED_ATTRIBUTES & set(vars(cls)))
        if redefined:
            raise TypeError(
                f"{cls.__qualname__} redefines {', '.join(redefined)}: API views scope rows in "
                "`scoped_queryset` through the access layer and leave authentication and permission "
                "to BridgeAPIView."
            )

    def perform_authentication(self, request: Request) -> None:
        super().perform_authentication(request)
        # A token caller is known only now, after the middleware chose the language: their chosen
        # language fills in when the request names none (docs/translation.md), as for sessions.
        user = request.user
        if "HTTP_ACCEPT_LANGUAGE" not in request.META and isinstance(user, User) and user.language:
            translation.activate(user.language)
            request._request.LANGUAGE_CODE = user.language

    @property
    def actor(self) -> User:
        user = self.request.user
        if not isinstance(user, User):
            raise TypeError("An anonymous request reached an endpoint that needs a user.")
        return user

    def scoped_queryset(self) -> QuerySet[Any]:
        """The rows this caller may see, built with the access layer. Every list and every object
        lookup starts here."""
        raise NotImplementedError(f"{type(self).__name__} must implement scoped_queryset().")

    @final
    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            # The schema generator inspects views without a request user; it gets no rows.
            if self.model is None:
                raise TypeError(f"{type(self).__name__} must name its `model` for the schema generator.")
            return self.model._default_manager.none()
        return self.scoped_queryset()

    @final
    def get_object(self) -> Any:
        """The object named by the URL among the caller's scoped rows, or 404 exactly as if it did
        not exist."""
        lookup = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        if not isinstance(lookup, uuid.UUID | int):
            raise TypeError("Object lookups take a typed URL parameter (uuid or int converter).")
        found = self.get_queryset().filter(pk=lookup).first()
        if found is None:
            raise NotFound(gettext("Not found."))
        return found

    @final
    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return super().filter_queryset(queryset)

    def list_response(self, queryset: QuerySet[Any], serializer_class: type[BaseSerializer[Any]]) -> Response:
        """Filter, paginate and serialize a scoped queryset."""
        page = self.paginate_queryset(self.filter_queryset(queryset))
        assert page is not None, "every list is paginated"
        context = {**self.get_serializer_context(), **self.page_context(page)}
        return self.get_paginated_response(serializer_class(page, many=True, context=context).data)

    def page_context(self, page: list[Any]) -> dict[str, Any]:
        """Extra serializer context computed once per page (never per row)."""
        return {}


class CaseNestedAPIView(BridgeAPIView):
    """Endpoints under `/cases/{case_id}/`. The case is resolved through the access layer right
    after authentication, so a case the caller may not see is 404 for every method, before the
    body is even read."""

    @final
    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not getattr(self, "swagger_fake_view", False):
            self.case_access  # noqa: B018 - resolved for its NotFound

    @final
    @cached_property
    def case_access(self) -> CaseAccess:
        return get_case_access(user=self.actor, case_id=self.kwargs["case_id"])
