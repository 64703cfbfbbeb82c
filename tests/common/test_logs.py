"""Structured logs (common/logs.py): one JSON object per line through the handler settings.LOGGING
builds, a request id per request answered in `X-Request-ID` and carried into the Celery tasks the
request starts, and no personal data in any field."""

import json
import logging
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest

from common.logs import log_context
from security.logging import PersonalDataFilter
from tests.api.conftest import Api

ROOT = Path(__file__).resolve().parents[2]
GENERATED_ID_LENGTH = 32


@pytest.fixture
def log_lines():
    """The lines Bridge's configured console handler writes (its filters and its formatter as
    settings.LOGGING builds them), each parsed as JSON: a line that is not JSON fails the test."""
    (handler,) = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(item, PersonalDataFilter) for item in handler.filters)
    ]
    stream = StringIO()
    previous_stream = handler.setStream(stream)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        handler.setStream(previous_stream)


def request_lines(lines):
    return [line for line in lines if line["logger"] == "bridge.request"]


@pytest.mark.django_db
def test_a_request_is_one_json_line_with_its_method_path_status_duration_user_and_agency(log_lines, lead):
    response = Api(lead.caseworker).get("cases/", {"q": "Maria Lopez"}, **{"X-Request-ID": "proxy-7f3a.1"})

    [line] = request_lines(log_lines())
    assert response.status_code == 200
    assert set(line) == {
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "method",
        "path",
        "status",
        "duration_ms",
        "user_id",
        "agency_id",
    }
    assert (line["level"], line["request_id"], line["method"], line["path"], line["status"]) == (
        "INFO",
        "proxy-7f3a.1",
        "GET",
        "/api/v1/cases/",
        200,
    )
    assert (line["user_id"], line["agency_id"]) == (str(lead.caseworker.pk), str(lead.agency.pk))
    assert line["duration_ms"] > 0


@pytest.mark.django_db
def test_the_query_string_and_the_users_name_stay_out_of_the_request_line(log_lines, lead):
    Api(lead.caseworker).get("cases/", {"q": "Maria Lopez"})

    output = json.dumps(log_lines())
    assert "Maria" not in output
    assert lead.caseworker.username not in output
    assert lead.caseworker.email not in output


@pytest.mark.django_db
def test_the_request_id_sent_is_answered_back(lead):
    response = Api(lead.caseworker).get("cases/", **{"X-Request-ID": "3f2b9c1e-2d4a-4a7b-9c1e-2d4a4a7b9c1e"})

    assert response["X-Request-ID"] == "3f2b9c1e-2d4a-4a7b-9c1e-2d4a4a7b9c1e"


@pytest.mark.django_db
@pytest.mark.parametrize("sent", ["", "two words", "x" * 129, 'a"b', "-leading-dash"])
def test_a_request_id_that_is_not_a_sane_token_is_replaced_by_a_new_one(log_lines, lead, sent):
    response = Api(lead.caseworker).get("cases/", **{"X-Request-ID": sent})

    answered = response["X-Request-ID"]
    assert answered != sent
    assert len(answered) == GENERATED_ID_LENGTH
    assert request_lines(log_lines())[0]["request_id"] == answered


@pytest.mark.django_db
def test_every_line_written_while_serving_a_request_carries_its_id(log_lines, lead):
    response = Api(lead.caseworker).get("/api/v1/no-such-thing/")

    lines = log_lines()
    assert response.status_code == 404
    assert {(line["logger"], line["request_id"]) for line in lines} == {
        ("django.request", response["X-Request-ID"]),
        ("bridge.request", response["X-Request-ID"]),
    }


def test_a_personal_field_value_does_not_reach_the_json_output(log_lines):
    logger = logging.getLogger("casework.services")

    with log_context(request_id="r-1"):
        logger.warning("saving %s", {"legal_name": "Amara Nwosu-Demo", "school": "Lakeview North High"})
        logger.warning("saved", extra={"legal_name": "Amara Nwosu-Demo", "address": "400 Birch"})
        try:
            raise ValueError("Failing row contains (1, Amara Nwosu-Demo, 400 Birch).")
        except ValueError:
            logger.exception("could not save")

    lines = log_lines()
    output = json.dumps(lines)
    assert "Amara" not in output
    assert "Lakeview" not in output
    assert "Birch" not in output
    assert [line["message"] for line in lines] == [
        "saving {'legal_name': [redacted], 'school': [redacted]}",
        "saved",
        "could not save",
    ]
    assert "Failing row contains ([redacted])" in lines[2]["exc_info"]


def test_outside_a_request_a_line_has_no_request_id(log_lines):
    logging.getLogger("casework.sweep").info("swept")

    [line] = log_lines()
    assert "request_id" not in line
    assert line["message"] == "swept"


@pytest.mark.parametrize(("log_format", "expected"), [("json", "json"), ("text", "text")])
def test_the_log_format_is_a_setting(log_format, expected):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.LOGGING['handlers']['console']['formatter'])",
        ],
        cwd=ROOT,
        env=dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test", BRIDGE_LOG_FORMAT=log_format),
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == expected


def test_a_text_line_written_outside_any_request_names_no_request():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, logging; django.setup(); logging.getLogger('weasyprint').warning('no font')",
        ],
        cwd=ROOT,
        env=dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test", BRIDGE_LOG_FORMAT="text"),
        capture_output=True,
        text=True,
        check=True,
    )

    assert "WARNING weasyprint [-] no font" in result.stderr
    assert "Logging error" not in result.stderr


def test_an_unknown_log_format_refuses_to_start():
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.LOGGING"],
        cwd=ROOT,
        env=dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test", BRIDGE_LOG_FORMAT="xml"),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "BRIDGE_LOG_FORMAT must be json or text" in result.stderr


def test_the_demo_logs_text_and_deployments_json():
    assert 'setdefault("BRIDGE_LOG_FORMAT", "text")' in (ROOT / "config/settings/local.py").read_text()
    assert "BRIDGE_LOG_FORMAT" not in (ROOT / "config/settings/production.py").read_text()
