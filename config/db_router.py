"""Which database answers a query when a streaming replica is configured (`REPLICA_DATABASE_URL`).

Everything goes to the primary (`default`) unless all of these hold for the request being served:

- it is a GET or HEAD of a view in `REPLICA_VIEWS` (lists, search, dashboards, exports: pages
  whose readers tolerate a second of lag);
- nothing has been written yet in this request (`db_for_write` was never asked, which also covers
  `select_for_update`, since Django routes locking reads as writes);
- the query is not inside a transaction on the primary (an atomic block's reads must see the
  block's own writes and locks);
- the model is not one of sign-in's, sessions' or the audit chain's (`PRIMARY_ONLY_APPS`);
- the user has not written anything in the last `BRIDGE_REPLICA_STICKY_SECONDS`
  (read-your-writes across requests: a replica that has not replayed the user's edit yet would
  show them the page without it).

Celery tasks, the reminder sweep and management commands run outside any request, so they always
use the primary. Raw SQL through `django.db.connection` is the primary's too.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
REPLICA = "replica"

# Namespaced URL names of the GET pages and endpoints that may read from the replica.
REPLICA_VIEWS = frozenset(
    {
        "web:cases",
        "web:my-work",
        "web:handoffs",
        "web:referrals",
        "web:dashboard",
        "web:dashboard-csv",
        "api:cases",
        "api:cases-export-csv",
        "api:cases-export-xlsx",
        "api:dashboard",
    }
)

# A session, token or second factor created a moment ago must be found on the next request,
# and the audit chain is read to be extended.
PRIMARY_ONLY_APPS = frozenset({"sessions", "authtoken", "account", "mfa", "security", "audit"})

SAFE_METHODS = frozenset({"GET", "HEAD"})


@dataclass
class RequestRouting:
    """What the router knows about the request being served on this thread."""

    request: HttpRequest
    view_allowed: bool = False
    wrote: bool = False
    # None until the first query that could go to the replica: by then DRF has authenticated an
    # API caller, who is still anonymous when the view is chosen.
    user_wrote_recently: bool | None = None

    def replica_allowed(self) -> bool:
        if not self.view_allowed or self.wrote:
            return False
        if self.user_wrote_recently is None:
            # Set first: reading the user must not ask this question again.
            self.user_wrote_recently = False
            self.user_wrote_recently = user_wrote_recently(self.request)
        return not self.user_wrote_recently


_routing: contextvars.ContextVar[RequestRouting | None] = contextvars.ContextVar(
    "bridge_db_routing", default=None
)


def sticky_key(user_pk: Any) -> str:
    return f"bridge:replica-sticky:{user_pk}"


def user_wrote_recently(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return bool(cache.get(sticky_key(user.pk)))


class PrimaryReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        routing = _routing.get()
        if routing is None or model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA if routing.replica_allowed() else PRIMARY

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        routing = _routing.get()
        if routing is not None:
            routing.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        # The replica holds the primary's rows, byte for byte.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


class ReplicaReadsMiddleware:
    """Marks the allow-listed GET views replica-eligible and remembers who has just written.

    Sits after authentication and the session checks, so that the session and the user are read
    from the primary before any query may go to the replica.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        routing = RequestRouting(request=request)
        token = _routing.set(routing)
        try:
            response = self.get_response(request)
        finally:
            _routing.reset(token)
        # Raw SQL writes do not pass the router, so any unsafe method counts as a write.
        if routing.wrote or request.method not in SAFE_METHODS:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                cache.set(sticky_key(user.pk), True, timeout=settings.BRIDGE_REPLICA_STICKY_SECONDS)
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> None:
        routing = _routing.get()
        match = request.resolver_match
        if routing is None or match is None or request.method not in SAFE_METHODS:
            return
        if match.view_name in REPLICA_VIEWS:
            # Resolve the session's user now, on the primary.
            _ = request.user.is_authenticated
            routing.view_allowed = True
