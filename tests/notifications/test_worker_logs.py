"""A Celery worker's log lines are JSON objects naming the task they were written for and the
request that started it (common/logs.py), with the real worker and SMTP server of this package's
conftest."""

import json

import pytest

from casework.services.tasks import task_create
from tests.api.conftest import Api
from tests.factories import in_hours
from tests.notifications.conftest import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_worker_logs_json_naming_the_task_and_the_request_that_started_it(
    celery_worker, smtp, shared_case, lead, partner
):
    task = task_create(actor=lead.caseworker, case=shared_case, title="Interview", due_at=in_hours(200))

    response = Api(lead.caseworker).post(
        "handoffs/",
        {"task": str(task.pk), "to_agency": partner.agency.pk, "note": "Yours"},
        **{"X-Request-ID": "handoff-request-1"},
    )
    smtp.wait_for(2)
    wait_until(
        lambda: celery_worker.log().count("succeeded in") >= 1,
        timeout=30,
        message="the delivery task to finish",
    )

    assert response.status_code == 201
    lines = [json.loads(line) for line in celery_worker.log().splitlines() if line.startswith("{")]
    delivery_lines = [line for line in lines if line.get("task_name") == "notifications.tasks.deliver"]
    assert delivery_lines
    assert {line["request_id"] for line in delivery_lines} == {"handoff-request-1"}
    assert all(line["task_id"] for line in delivery_lines)
    assert lead.caseworker.email not in celery_worker.log()
