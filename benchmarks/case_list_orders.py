"""The case list in each of its orders, with and without the "open" status filter, as the first
user of each role in the agency with the most cases (the worst case): what docs/performance.md's
"Another period and the sorted case list" was read from. In process, data access only
(`web.selectors.case_list` for the page the view asks for), median of `--repeat` runs:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bridge_bench \\
        python -m benchmarks.case_list_orders [--repeat 5]
"""

import argparse
import statistics
from time import perf_counter

from benchmarks.common import ROLES, sample_actors, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    setup_django()

    from django.utils import timezone

    from web.selectors import CASE_LIST_LIMIT, CASE_ORDERINGS, CaseListQuery, case_list

    actors = sample_actors(per_role=1)
    print(f"{'order':10s} {'status':7s} " + " ".join(f"{role:>11s}" for role in ROLES))
    for sort in CASE_ORDERINGS:
        for status in ("", "open"):
            cells = []
            for role in ROLES:
                user = actors[role][0].user
                query = CaseListQuery(sort=sort, status=status)
                times = []
                for _ in range(options.repeat):
                    started = perf_counter()
                    list(case_list(user=user, query=query, now=timezone.now(), limit=CASE_LIST_LIMIT + 1))
                    times.append((perf_counter() - started) * 1000)
                cells.append(f"{statistics.median(times):8.1f} ms")
            print(f"{sort:10s} {status or 'any':7s} " + " ".join(cells), flush=True)


if __name__ == "__main__":
    main()
