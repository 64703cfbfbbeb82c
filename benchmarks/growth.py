"""Two endpoint runs side by side, at two data sizes: the p95 of every page and role in each, and
how much it grew. What docs/performance.md's "pages at 1,000,000 cases" table comes from:

    python -m benchmarks.growth benchmarks/results/100k.json benchmarks/results/1m.json

Exits non-zero when a page grows more than the target (1.3 times) or misses its p95 target at the
larger size.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from benchmarks.common import ROLES

MAX_GROWTH = 1.3
P95_MS = 50.0
DASHBOARD_P95_MS = 250.0


def rows(small: dict[str, Any], large: dict[str, Any]) -> list[dict[str, Any]]:
    table = []
    for page, by_role in large["endpoints"].items():
        for role in ROLES:
            before = small["endpoints"].get(page, {}).get(role)
            after = by_role.get(role)
            if before is None or after is None:
                continue
            limit = DASHBOARD_P95_MS if page == "dashboard" else P95_MS
            growth = after["p95"] / before["p95"]
            table.append(
                {
                    "page": page,
                    "role": role,
                    "small_p95": before["p95"],
                    "large_p95": after["p95"],
                    "growth": round(growth, 2),
                    "queries": (before["queries"]["max"], after["queries"]["max"]),
                    "met": growth <= MAX_GROWTH and after["p95"] < limit,
                }
            )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("small", type=Path, help="Results JSON of the run at the smaller size.")
    parser.add_argument("large", type=Path, help="Results JSON of the run at the larger size.")
    options = parser.parse_args()
    small, large = (json.loads(path.read_text()) for path in (options.small, options.large))
    print(f"cases: {small['data']['cases']:,} -> {large['data']['cases']:,}")
    print(f"{'page':<18} {'role':<11} {'p95 small':>10} {'p95 large':>10} {'growth':>7} {'queries':>8}")
    table = rows(small, large)
    for row in table:
        queries = "{} / {}".format(*row["queries"])
        mark = "" if row["met"] else "  MISSED"
        print(
            f"{row['page']:<18} {row['role']:<11} {row['small_p95']:10.1f} {row['large_p95']:10.1f} "
            f"{row['growth']:7.2f} {queries:>8}{mark}"
        )
    sys.exit(0 if all(row["met"] for row in table) else 1)


if __name__ == "__main__":
    main()
