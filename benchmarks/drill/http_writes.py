"""The HTTP write load of `scripts/drill postgres-restart`: caseworkers of the demo add notes
through the API from several threads while PostgreSQL restarts under them. Every answer is
tallied: a note answered 201 must exist afterwards; anything else must be a 503 with
Retry-After, never a 500. Prints JSON.

    python -m benchmarks.drill.http_writes --base http://127.0.0.1:8097 --seconds 20
"""

import argparse
import json
import threading
import time
from collections import Counter

import requests

DEMO_CASEWORKERS = ("cps-caseworker", "pd-caseworker", "center-caseworker")
DEMO_PASSWORD = "bridge-demo-2026"  # noqa: S105 - the demo's published password


def _session(base: str, username: str) -> tuple[requests.Session, list[str]]:
    session = requests.Session()
    answer = session.post(
        f"{base}/api/v1/auth/token/", json={"username": username, "password": DEMO_PASSWORD}, timeout=30
    )
    answer.raise_for_status()
    session.headers["Authorization"] = f"Token {answer.json()['token']}"
    cases = session.get(f"{base}/api/v1/cases/", params={"status": "open"}, timeout=30).json()["results"]
    return session, [case["id"] for case in cases]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, default=6)
    options = parser.parse_args()

    writers = [_session(options.base, username) for username in DEMO_CASEWORKERS]
    writers = [(session, cases) for session, cases in writers if cases]
    statuses: Counter[str] = Counter()
    created: list[str] = []
    problems: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + options.seconds

    def write(worker: int) -> None:
        session, cases = writers[worker % len(writers)]
        n = 0
        while time.monotonic() < deadline:
            case_id = cases[n % len(cases)]
            n += 1
            try:
                answer = session.post(
                    f"{options.base}/api/v1/cases/{case_id}/notes/",
                    json={"section": "core", "body": f"Restart drill note {worker}-{n}."},
                    timeout=30,
                )
            except requests.RequestException as error:
                with lock:
                    statuses["no answer"] += 1
                    problems.append(f"no answer: {error}")
                continue
            with lock:
                statuses[str(answer.status_code)] += 1
                if answer.status_code == 201:
                    created.append(answer.json()["id"])
                elif answer.status_code == 503 and answer.headers.get("Retry-After"):
                    time.sleep(min(float(answer.headers["Retry-After"]), 1.0))
                else:
                    problems.append(f"{answer.status_code}: {answer.text[:200]}")

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(options.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"statuses": dict(statuses), "created": created, "problems": problems[:20]}))


if __name__ == "__main__":
    main()
