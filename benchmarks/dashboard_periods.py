"""The supervisor's dashboard over other periods than the default one, as the supervisor of the
agency with the most cases, after one view of the default period (which stores the figures as of
now): what docs/performance.md's "Another period and the sorted case list" was read from. In
process through the API (`GET /api/v1/dashboard/?since=...&until=...`), median of `--repeat`:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bridge_bench \\
        python -m benchmarks.dashboard_periods [--repeat 5]
"""

import argparse
import statistics
from datetime import timedelta
from time import perf_counter

from benchmarks.common import sample_actors, setup_django

PERIOD_DAYS = (7, 90, 366)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    setup_django()

    from django.utils import timezone

    from benchmarks.endpoints import API, _client, _get

    actor = sample_actors(per_role=1)["supervisor"][0]
    client = _client()
    path = f"{API}/dashboard/"
    _get(client, actor, path, {})
    today = timezone.localdate()
    for days in PERIOD_DAYS:
        period = {"since": f"{today - timedelta(days=days - 1):%Y-%m-%d}", "until": f"{today:%Y-%m-%d}"}
        times = []
        for _ in range(options.repeat):
            started = perf_counter()
            response = _get(client, actor, path, period)
            times.append((perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path} {period}: {response.status_code}")
        print(
            f"last {days:3d} days: median {statistics.median(times):8.1f} ms, slowest {max(times):8.1f} ms, "
            f"figures as of now stored: {response.json()['stored']}",
            flush=True,
        )


if __name__ == "__main__":
    main()
