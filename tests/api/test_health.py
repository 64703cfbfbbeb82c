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
