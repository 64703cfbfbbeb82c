"""Binds each request's component and client address for audit records and for pghistory's
change context, so a change made while serving the request is attributed to its user."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from pghistory.middleware import HistoryMiddleware

from audit.context import bound, client_address, component_for


class AuditContextMiddleware(HistoryMiddleware):
    def get_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().get_context(request)
        context["component"] = component_for(request)
        context["ip"] = client_address(request)
        return context

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with bound(component=component_for(request), address=client_address(request)):
            response: HttpResponse = super().__call__(request)
        return response
