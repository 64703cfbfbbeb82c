"""Server time per request, in process: Django's test client through the real URL routes,
middleware, authentication (an API token, as integrators sign in), DRF views, serializers and the
database. No network and no WSGI server, so what is measured is Bridge's own work."""

from collections.abc import Callable
from dataclasses import dataclass
from itertools import cycle
from time import perf_counter
from typing import Any

from benchmarks.common import ROLES, Actor, summary_ms

API = "/api/v1"


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    # The path and query string for the n-th request of an actor.
    request: Callable[[Actor, int], tuple[str, dict[str, str]]]
    roles: tuple[str, ...] = ROLES


PAGES = (
    Page("case_list", "case list", lambda actor, n: (f"{API}/cases/", {})),
    Page(
        "case_search",
        "case search",
        lambda actor, n: (f"{API}/cases/", {"q": actor.search_terms[n % len(actor.search_terms)]}),
    ),
    Page(
        "case_detail",
        "case detail",
        lambda actor, n: (f"{API}/cases/{actor.case_ids[n % len(actor.case_ids)]}/", {}),
    ),
    Page("my_tasks", "my tasks", lambda actor, n: (f"{API}/tasks/", {"assignee": "me", "status": "open"})),
    Page(
        "incoming_handoffs",
        "incoming handoffs",
        lambda actor, n: (f"{API}/handoffs/", {"direction": "incoming", "status": "pending"}),
    ),
    Page("notifications", "notifications", lambda actor, n: (f"{API}/notifications/", {})),
    Page("dashboard", "dashboard", lambda actor, n: (f"{API}/dashboard/", {}), roles=("supervisor",)),
)


def _client() -> Any:
    from django.test import Client

    return Client(SERVER_NAME="127.0.0.1")


def _get(client: Any, actor: Actor, path: str, params: dict[str, str]) -> Any:
    return client.get(path, params, HTTP_AUTHORIZATION=f"Token {actor.token}")


def measure_page(page: Page, actors: list[Actor], *, requests: int, warmup: int) -> dict[str, Any]:
    """`warmup` untimed requests, then `requests` timed ones, round robin over the actors (and
    over each actor's cases and search terms); then the queries of one request per actor."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client()
    order = cycle(range(len(actors)))
    statuses: dict[int, int] = {}
    for n in range(warmup):
        actor = actors[next(order)]
        _get(client, actor, *page.request(actor, n))
    seconds = []
    for n in range(requests):
        actor = actors[next(order)]
        path, params = page.request(actor, n)
        started = perf_counter()
        response = _get(client, actor, path, params)
        seconds.append(perf_counter() - started)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    queries = []
    for index, actor in enumerate(actors):
        with CaptureQueriesContext(connection) as captured:
            _get(client, actor, *page.request(actor, index))
        queries.append(len(captured.captured_queries))
    return {
        **summary_ms(seconds),
        "statuses": {str(code): count for code, count in sorted(statuses.items())},
        "queries": {"min": min(queries), "max": max(queries)},
    }


def measure_all(
    actors: dict[str, list[Actor]],
    *,
    requests: int,
    warmup: int,
    pages: set[str] | None,
    log: Callable[[str], None],
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for page in PAGES:
        if pages and page.key not in pages:
            continue
        results[page.key] = {}
        for role in ROLES:
            if role not in page.roles:
                results[page.key][role] = None
                continue
            result = measure_page(page, actors[role], requests=requests, warmup=warmup)
            results[page.key][role] = result
            log(
                f"  {page.title:<18} {role:<10} p50 {result['p50']:7.2f} ms  p95 {result['p95']:7.2f} ms  "
                f"p99 {result['p99']:7.2f} ms  queries {result['queries']['max']}  {result['statuses']}"
            )
    return results
