"""Real parts for the notification tests: an SMTP server (aiosmtpd) on a free loopback port,
Celery worker and beat subprocesses (`celery -A config ...`) using the test database, and a
private `redis-server` for the broker-outage test, so the shared Redis is never stopped; and the
deadline the reminder tests count back from."""

import asyncio
import email
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition: Callable[[], bool], *, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"Timed out after {timeout} s: {message}")


# --- SMTP -----------------------------------------------------------------------------------


@dataclass
class ReceivedEmail:
    to: list[str]
    subject: str
    body: str
    message_id: str


@dataclass
class SmtpSink:
    """Collects every message the SMTP server accepts. `stall_next()` makes the next
    conversation hang after RCPT TO until `release()`, so a test can kill a worker mid-send.
    Addresses in `refused` get a permanent 550."""

    port: int = 0
    received: list[ReceivedEmail] = field(default_factory=list)
    stalled: threading.Event = field(default_factory=threading.Event)
    refused: set[str] = field(default_factory=set)
    _stall_armed: bool = False
    _release: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        if self._stall_armed:
            self._stall_armed = False
            self.stalled.set()
            await asyncio.get_running_loop().run_in_executor(None, self._release.wait, 60)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message: Message = email.message_from_bytes(envelope.content, policy=default_policy)
        body = message.get_content() if not message.is_multipart() else ""
        with self._lock:
            self.received.append(
                ReceivedEmail(
                    to=list(envelope.rcpt_tos),
                    subject=str(message["Subject"]),
                    body=str(body),
                    message_id=str(message["Message-ID"]),
                )
            )
        return "250 Message accepted for delivery"

    def stall_next(self) -> None:
        self.stalled.clear()
        self._release.clear()
        self._stall_armed = True

    def release(self) -> None:
        self._release.set()

    def messages(self) -> list[ReceivedEmail]:
        with self._lock:
            return list(self.received)

    def wait_for(self, count: int, *, timeout: float = 30) -> list[ReceivedEmail]:
        wait_until(
            lambda: len(self.messages()) >= count, timeout=timeout, message=f"{count} email(s) to arrive"
        )
        return self.messages()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    sink.release()
    controller.stop()


@pytest.fixture
def smtp_backend(settings: Any, smtp: SmtpSink) -> SmtpSink:
    """In-process email through the real SMTP backend to the test server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp.port
    return smtp


# --- Celery processes -----------------------------------------------------------------------


@dataclass
class CeleryProcess:
    """A `celery -A config worker|beat` subprocess in its own process group."""

    args: list[str]
    env: dict[str, str]
    log_path: Path
    ready_marker: str
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self, *, timeout: float = 60) -> None:
        self.starts += 1
        log = self.log_path.open("ab")
        log.write(f"\n===== start {self.starts} =====\n".encode())
        log.flush()
        offset = log.tell()
        self.process = subprocess.Popen(  # noqa: S603
            [str(CELERY), "-A", "config", *self.args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        wait_until(
            lambda: self.ready_marker in self.log(since=offset) or self.process is None or self._exited(),
            timeout=timeout,
            message=f"celery {self.args[0]} to start",
        )
        if self._exited():
            raise AssertionError(f"celery {self.args[0]} exited:\n{self.log(since=offset)}")

    def _exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def log(self, *, since: int = 0) -> str:
        with self.log_path.open("rb") as handle:
            handle.seek(since)
            return handle.read().decode(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole process group: main process and pool children die at once."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is not None:
            self.process = None
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


def celery_env(*, redis_url: str, smtp_port: int, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    name = connection.settings_dict["NAME"]
    env.update(
        DJANGO_SETTINGS_MODULE="tests.notifications.worker_settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{name}",
        REDIS_URL=redis_url,
        BRIDGE_TEST_SMTP_PORT=str(smtp_port),
        DJANGO_LOG_LEVEL="INFO",
        **extra,
    )
    return env


@dataclass
class CeleryFactory:
    tmp_path: Path
    smtp: SmtpSink
    started: list[CeleryProcess] = field(default_factory=list)

    def worker(self, *, redis_url: str, **extra: str) -> CeleryProcess:
        process = CeleryProcess(
            args=["worker", "--loglevel=INFO", "--concurrency=2", "--without-mingle", "--without-gossip"],
            env=celery_env(redis_url=redis_url, smtp_port=self.smtp.port, **extra),
            log_path=self.tmp_path / f"worker-{len(self.started)}.log",
            ready_marker=" ready.",
        )
        self.started.append(process)
        process.start()
        return process

    def beat(self, *, redis_url: str, **extra: str) -> CeleryProcess:
        process = CeleryProcess(
            args=["beat", "--loglevel=INFO", "-s", str(self.tmp_path / "beat-schedule")],
            env=celery_env(redis_url=redis_url, smtp_port=self.smtp.port, **extra),
            log_path=self.tmp_path / f"beat-{len(self.started)}.log",
            ready_marker="beat: Starting",
        )
        self.started.append(process)
        process.start()
        return process


@pytest.fixture
def celery_processes(transactional_db: None, smtp: SmtpSink, tmp_path: Path) -> Iterator[CeleryFactory]:
    """Start workers and beats against the test database; all are stopped before the database
    is flushed."""
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    factory = CeleryFactory(tmp_path=tmp_path, smtp=smtp)
    yield factory
    for process in factory.started:
        process.stop()
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


@pytest.fixture
def celery_worker(celery_processes: CeleryFactory) -> CeleryProcess:
    """One worker on the test Redis database (REDIS_URL)."""
    return celery_processes.worker(redis_url=settings.REDIS_URL)


# --- a private Redis --------------------------------------------------------------------------


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [  # noqa: S607
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_until(answers, timeout=10, message="redis-server to start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis() -> Iterator[RedisServer]:
    server = RedisServer(port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker_at() -> Iterator[Callable[[str], None]]:
    """Point this process's Celery app (the web side's publisher) at another broker."""
    original = celery_app.conf.broker_url

    def point(url: str) -> None:
        celery_app.conf.broker_url = url

    yield point
    celery_app.conf.broker_url = original


@pytest.fixture
def due() -> datetime:
    """A task deadline 100 hours from now, to the second: before every reminder point."""
    return (timezone.now() + timedelta(hours=100)).replace(microsecond=0)
