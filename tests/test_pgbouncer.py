"""Bridge behind PgBouncer in transaction pooling, as docker-compose.yml runs it: gunicorn's
workers share two server connections, so no request may rely on anything a connection keeps
between transactions (docs/performance.md, "Beyond one machine")."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from audit.models import AuditRecord
from casework.models import Case
from tests.notifications.conftest import free_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
SERVER_CONNECTIONS = 2


def _as_pgbouncer_user(command: list[str]) -> list[str]:
    # PgBouncer refuses to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture
def pgbouncer() -> Iterator[int]:
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        pytest.fail("pgbouncer is not installed (scripts/test installs it: apt-get install pgbouncer)")
    database = connection.settings_dict
    port = free_port()
    with tempfile.TemporaryDirectory() as directory:
        Path(directory).chmod(0o755)
        userlist = Path(directory, "userlist.txt")
        userlist.write_text(f'"{database["USER"]}" "{database["PASSWORD"] or ""}"\n')
        ini = Path(directory, "pgbouncer.ini")
        ini.write_text(
            "[databases]\n"
            f"* = host={database['HOST'] or '127.0.0.1'} port={database['PORT'] or 5432}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {userlist}\nadmin_users = {database['USER']}\n"
            f"pool_mode = transaction\ndefault_pool_size = {SERVER_CONNECTIONS}\n"
            "max_client_conn = 100\n"
            # The same two as docker-compose.yml: psycopg sends the first, Django the second.
            "ignore_startup_parameters = extra_float_digits,options\n"
        )
        for path in (userlist, ini):
            path.chmod(0o644)
        process = subprocess.Popen(  # noqa: S603 - our own configuration, fixed arguments
            _as_pgbouncer_user([binary, str(ini)]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            _wait_for_admin_console(port, database["USER"], process)
            yield port
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)


def _admin(port: int, user: str, command: str) -> list[dict[str, Any]]:
    with psycopg.connect(
        host="127.0.0.1", port=port, user=user, dbname="pgbouncer", autocommit=True, prepare_threshold=None
    ) as admin:
        cursor = admin.execute(command)
        names = [column.name for column in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _wait_for_admin_console(port: int, user: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 15
    while True:
        try:
            _admin(port, user, "SHOW VERSION")
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.2)


@pytest.fixture
def server_through_pgbouncer(pgbouncer: int, tmp_path: Path) -> Iterator[str]:
    database = connection.settings_dict
    port = free_port()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"postgres://{database['USER']}@127.0.0.1:{pgbouncer}/{database['NAME']}",
        DJANGO_DISABLE_SERVER_SIDE_CURSORS="true",
        DJANGO_CONN_MAX_AGE="600",
        WEB_CONCURRENCY="3",
        BRIDGE_BIND=f"127.0.0.1:{port}",
        BRIDGE_ACCESS_LOG=str(tmp_path / "access.log"),
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"),
    )
    env.pop("REPLICA_DATABASE_URL", None)
    process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Generous: the workers load Bridge on their first request, on a machine that may be busy.
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=30):  # noqa: S310 - loopback
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.3)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def _call(method: str, url: str, token: str, payload: dict[str, Any] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 - loopback
        url,
        method=method,
        data=json.dumps(payload).encode() if payload is not None else None,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
        return response.status, json.loads(response.read() or b"null")


def test_requests_that_write_audit_and_read_work_through_transaction_pooling(
    server_through_pgbouncer, pgbouncer, lead
):
    base = server_through_pgbouncer
    writer = Token.objects.create(user=lead.caseworker).key
    reader = Token.objects.create(user=lead.liaison).key

    def open_and_read(number: int) -> tuple[int, int]:
        created, case = _call(
            "POST", f"{base}/api/v1/cases/", writer, {"pseudonym": f"P{number}", "age_band": "12-14"}
        )
        read, _ = _call("GET", f"{base}/api/v1/cases/{case['id']}/", reader)
        return created, read

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(open_and_read, range(12)))
        listed = list(pool.map(lambda _: _call("GET", f"{base}/api/v1/cases/", reader), range(6)))

    assert answers == [(201, 200)] * 12
    assert [status for status, _ in listed] == [200] * 6
    assert {row["pseudonym"] for row in listed[0][1]["results"]} == {f"P{number}" for number in range(12)}
    assert Case.objects.count() == 12
    assert AuditRecord.objects.filter(user=lead.liaison).exists()
    pools = _admin(pgbouncer, connection.settings_dict["USER"], "SHOW POOLS")
    ours = [row for row in pools if row["database"] == connection.settings_dict["NAME"]]
    assert ours[0]["pool_mode"] == "transaction"
    assert ours[0]["sv_active"] + ours[0]["sv_idle"] + ours[0]["sv_used"] <= SERVER_CONNECTIONS
