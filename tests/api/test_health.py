"""/healthz: 200 when PostgreSQL and Redis answer, 503 otherwise, naming each part's state and
the sweep's last run, never why a part failed."""

import json
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.utils import timezone

from casework.heartbeat import HEARTBEAT_KEY, sweep_heartbeat_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_heartbeat():
    cache.delete(HEARTBEAT_KEY)
    yield
    cache.delete(HEARTBEAT_KEY)


def test_healthy_when_postgres_and_redis_answer():
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "database": "ok",
        "redis": "ok",
        "sweep": "unknown",
        "sweep_last_finished": None,
    }
    assert "no-cache" in response["Cache-Control"]


def test_reports_when_the_sweep_last_finished():
    finished = timezone.now() - timedelta(seconds=30)
    sweep_heartbeat_record(finished_at=finished, tasks_due=0, reminders_fired=0, task_batches_dispatched=0)

    body = Client().get("/healthz").json()

    assert body["sweep"] == "ok"
    assert datetime.fromisoformat(body["sweep_last_finished"]) == finished


@override_settings(BRIDGE_REMINDER_SWEEP_SECONDS=60)
def test_a_sweep_silent_for_five_ticks_is_late_but_the_web_server_stays_ready():
    finished = timezone.now() - timedelta(seconds=301)
    sweep_heartbeat_record(finished_at=finished, tasks_due=0, reminders_fired=0, task_batches_dispatched=0)

    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json()["sweep"] == "late"


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_unavailable_when_redis_does_not_answer():
    response = Client().get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content)["redis"] == "unavailable"
    assert json.loads(response.content)["status"] == "unavailable"


def test_unavailable_when_postgres_does_not_answer(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused by 10.0.0.5:5432")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unavailable"
    assert b"10.0.0.5" not in response.content


@pytest.fixture
def database_gone(monkeypatch):
    """The database goes away in the middle of a request (a restart or failover)."""
    from api import filters
    from web import selectors

    def refuse(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(filters, "case_search_filter", refuse)
    monkeypatch.setattr(selectors, "case_search_filter", refuse)


def test_an_api_request_whose_database_went_away_answers_503_with_retry_after(database_gone, lead):
    client = Client(raise_request_exception=False)
    client.force_login(lead.caseworker)

    response = client.get("/api/v1/cases/?q=M")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["error"]["code"] == "service_unavailable"
    assert b"closed the connection" not in response.content


def test_a_page_whose_database_went_away_answers_bridges_503_page(database_gone, lead):
    client = Client(raise_request_exception=False)
    client.force_login(lead.caseworker)

    response = client.get("/cases/?search=M")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"Bridge cannot reach its database just now" in response.content
