"""The plans behind a page: requests one endpoint page of `benchmarks.endpoints` as the sampled
user of a role in the agency with the most cases, captures the statements it runs and prints
`EXPLAIN (ANALYZE, BUFFERS)` of each one slower than a threshold. What docs/performance.md's
"Pages at 1,000,000 cases" was read from:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bridge_bench \\
        python -m benchmarks.explain --page case_search --role liaison [--slower-than 2]
"""

import argparse
from time import perf_counter

from benchmarks.common import ROLES, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--page", required=True, help="An endpoint page's key, e.g. case_search.")
    parser.add_argument("--role", choices=ROLES, required=True)
    parser.add_argument(
        "--request", type=int, default=0, help="Which of the actor's requests (search term, case)."
    )
    parser.add_argument(
        "--slower-than", type=float, default=1.0, help="Milliseconds; faster statements are skipped."
    )
    options = parser.parse_args()
    setup_django()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benchmarks.common import sample_actors
    from benchmarks.endpoints import PAGES, _client, _get

    page = next(page for page in PAGES if page.key == options.page)
    actor = sample_actors(per_role=1)[options.role][0]
    path, params = page.request(actor, options.request)
    print(f"{page.title} as {actor.user.username} (agency {actor.user.agency_id}): {path} {params}")
    client = _client()
    _get(client, actor, path, params)
    started = perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = _get(client, actor, path, params)
    print(f"status {response.status_code} in {(perf_counter() - started) * 1000:.1f} ms")
    for query in captured.captured_queries:
        milliseconds = float(query["time"]) * 1000
        if milliseconds < options.slower_than:
            continue
        print(f"\n--- {milliseconds:.1f} ms\n{query['sql']}\n")
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
            print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
