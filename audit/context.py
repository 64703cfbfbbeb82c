"""Where an audited action comes from: the component (web, api, admin, auth, worker, system) and
the client address. The middleware sets both for a request, the Celery signals for a task; an
audit record written anywhere below them picks them up, so services need no request argument."""

import ipaddress
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest


class Component:
    WEB = "web"
    API = "api"
    ADMIN = "admin"
    AUTH = "auth"
    WORKER = "worker"
    # Management commands, the shell and anything else outside a request or a task.
    SYSTEM = "system"


_component: ContextVar[str] = ContextVar("audit_component", default=Component.SYSTEM)
_client_address: ContextVar[str | None] = ContextVar("audit_client_address", default=None)


def component_for(request: HttpRequest) -> str:
    path = request.path
    if path.startswith("/api/"):
        return Component.API
    if path.startswith("/admin/"):
        return Component.ADMIN
    if path.startswith("/accounts/"):
        return Component.AUTH
    return Component.WEB


def client_address(request: HttpRequest) -> str | None:
    """The caller's IP address. Behind `BRIDGE_TRUSTED_PROXY_COUNT` reverse proxies it is the entry
    the outermost trusted proxy appended to X-Forwarded-For; entries further left are whatever
    the client claimed and are ignored."""
    candidate = request.META.get("REMOTE_ADDR", "")
    proxies = settings.BRIDGE_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def current_component() -> str:
    return _component.get()


def current_client_address() -> str | None:
    return _client_address.get()


class bound:
    """Set the component and client address for the code inside the block."""

    def __init__(self, *, component: str, address: str | None = None) -> None:
        self.component = component
        self.address = address

    def __enter__(self) -> None:
        self._tokens = (_component.set(self.component), _client_address.set(self.address))

    def __exit__(self, *exc: object) -> None:
        component_token, address_token = self._tokens
        _component.reset(component_token)
        _client_address.reset(address_token)
