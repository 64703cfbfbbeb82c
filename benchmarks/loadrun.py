"""The load run: gunicorn serving Bridge on loopback, Locust (headless) driving it, both on this
machine. Requests per second and latency percentiles as the client sees them (network stack,
WSGI server and queueing included)."""

import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import Actor

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BRIDGE_BENCH_PORT", "8765"))


def _wait_until_up(url: str, *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback http
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds:.0f} s")


def _read_stats(prefix: str) -> dict[str, Any]:
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))  # noqa: SIM115
    by_name = {}
    for row in rows:
        by_name[row["Name"]] = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": round(float(row["Requests/s"]), 1),
            "p50": float(row["50%"]),
            "p95": float(row["95%"]),
            "p99": float(row["99%"]),
        }
    return by_name


def load_run(
    actors: dict[str, list[Actor]], *, users: int, seconds: int, workers: int, log: Callable[[str], None]
) -> dict[str, Any]:
    venv = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="bridge-bench-") as scratch:
        actors_file = Path(scratch) / "actors.json"
        actors_file.write_text(
            json.dumps(
                [
                    {
                        "role": role,
                        "token": actor.token,
                        "case_ids": [str(case_id) for case_id in actor.case_ids],
                        "search_terms": actor.search_terms,
                    }
                    for role, group in actors.items()
                    for actor in group
                ]
            ),
            encoding="utf-8",
        )
        environment = {**os.environ, "BRIDGE_LOCUST_ACTORS": str(actors_file)}
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                str(venv / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=environment,
            start_new_session=True,
        )
        try:
            _wait_until_up(f"http://127.0.0.1:{PORT}/healthz", seconds=60)
            prefix = str(Path(scratch) / "locust")
            command = [
                str(venv / "locust"),
                "-f",
                str(ROOT / "benchmarks" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--run-time",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{PORT}",
                "--csv",
                prefix,
                "--only-summary",
                "--loglevel",
                "WARNING",
            ]
            log(f"  gunicorn {workers} workers, locust {users} users for {seconds} s")
            subprocess.run(command, cwd=ROOT, env=environment, check=False, capture_output=True)  # noqa: S603
            stats = _read_stats(prefix)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    total = stats.pop("Aggregated")
    log(
        f"  {total['rps']} requests/s, p50 {total['p50']:.0f} ms, p95 {total['p95']:.0f} ms, "
        f"p99 {total['p99']:.0f} ms, {total['failures']} failures of {total['requests']}"
    )
    return {
        "users": users,
        "seconds": seconds,
        "gunicorn_workers": workers,
        "total": total,
        "by_endpoint": stats,
    }
