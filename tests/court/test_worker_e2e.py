"""A defendant's release, end to end with real parts: the notice task is created on time, and a
real `celery -A config worker` delivers its reminders to the victim-witness coordinator (the
prosecution agency's liaison), once each."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from casework.models import Task
from casework.sweep import deadlines_sweep
from court.services import custody_event_record
from notifications.models import Notification
from tests.notifications.conftest import celery_processes, celery_worker, smtp  # noqa: F401 - fixtures

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_release_reaches_the_victim_witness_coordinator_on_time_and_once(
    celery_worker,  # noqa: F811
    smtp,  # noqa: F811
    defendant,
    court_case,
    da,
    partner,
):
    released_at = (timezone.now() - timedelta(hours=1)).replace(microsecond=0)

    custody_event_record(actor=partner.liaison, defendant=defendant, kind="released", occurred_at=released_at)

    task = Task.objects.get(template__key="notify-victim-defendant-released")
    due = released_at + timedelta(hours=24)
    assert (task.owner_agency_id, task.due_at) == (da.agency.pk, due)
    subject = f"[Bridge] {court_case.number}: task due soon"

    deadlines_sweep(now=due - timedelta(hours=1))
    deadlines_sweep(now=due - timedelta(hours=1))

    [received] = smtp.wait_for(1)
    assert (received.to, received.subject) == ([da.liaison.email], subject)
    assert "MKDEFENDANTNAME" not in received.body
    time.sleep(1)
    assert len(smtp.messages()) == 1
    told = Notification.objects.filter(task=task).values_list("recipient_id", flat=True)
    assert list(told) == [da.liaison.pk]
