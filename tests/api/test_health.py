"""/healthz: 200 when PostgreSQL and Redis answer, 503 otherwise, without saying why."""

import json

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_healthy_when_postgres_and_redis_answer():
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_unavailable_when_redis_does_not_answer():
    response = Client().get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable"}


def test_unavailable_when_postgres_does_not_answer(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused by 10.0.0.5:5432")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable"}
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
