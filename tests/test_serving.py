"""The web server every documented way of running Bridge uses (`config/gunicorn.py`: scripts/run,
the Docker image, docker-compose) holds a sustained load with a bounded number of database
connections, keeps what people typed in URLs out of its access log, and adds up the Prometheus
figures of all its workers."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory
from tests.notifications.conftest import free_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
METRICS_TOKEN = "serving-test-metrics-token"


@pytest.fixture
def server(tmp_path):
    port = free_port()
    access_log = tmp_path / "access.log"
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        DJANGO_CONN_MAX_AGE="600",
        WEB_CONCURRENCY=str(WORKERS),
        BRIDGE_BIND=f"127.0.0.1:{port}",
        BRIDGE_ACCESS_LOG=str(access_log),
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"),
        BRIDGE_METRICS_TOKEN=METRICS_TOKEN,
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [str(gunicorn), "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            # A refused connection fails at once; an accepted one is waited for, so no readiness
            # request is abandoned and counted after a test's first scrape.
            with urllib.request.urlopen(f"{base}/healthz", timeout=30):  # noqa: S310 - loopback
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.3)
    yield base, access_log
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


def _connections_from_others() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _get(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        return response.status


def test_a_sustained_load_holds_at_most_one_connection_per_worker(server, lead):
    base, _ = server
    token = Token.objects.create(user=lead.caseworker).key

    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(lambda _: _get(f"{base}/api/v1/cases/", token), range(300)))
    held = _connections_from_others()

    assert answers == [200] * 300
    assert held <= WORKERS


def test_the_access_log_has_no_query_strings(server, lead):
    base, access_log = server
    token = Token.objects.create(user=UserFactory(agency=lead.agency, role="liaison")).key

    _get(f"{base}/api/v1/cases/?q=Maria+Lopez", token)
    time.sleep(0.5)

    logged = access_log.read_text()
    assert "GET /api/v1/cases/ HTTP/1.1" in logged
    assert "Maria" not in logged


def _healthz_requests_counted(base: str) -> float:
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        text = response.read().decode()
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("django_http_requests_total_by_view_transport_method_total{")
        and 'view="healthz"' in line
    )


def test_metrics_add_up_the_requests_of_every_worker(server):
    base, _ = server
    before = _healthz_requests_counted(base)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: urllib.request.urlopen(f"{base}/healthz", timeout=10).close(), range(40)))  # noqa: S310

    # Whichever worker answers the scrape, it reports all forty, not only its own.
    assert _healthz_requests_counted(base) - before == 40


@pytest.mark.parametrize("path", ["scripts/run", "Dockerfile", "docker-compose.yml"])
def test_every_documented_way_of_running_bridge_serves_through_the_bounded_config(path):
    text = (ROOT / path).read_text()

    assert "config/gunicorn.py" in text
    assert "runserver" not in text
