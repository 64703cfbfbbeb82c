"""A backlog of due tasks is fired in batches, and every batch but the first can be handed to
another process (`dispatch`, which the Celery sweep task points at the workers)."""

from datetime import timedelta

import pytest

from agencies.models import Role
from casework.services.tasks import task_create
from casework.sweep import deadlines_sweep, task_reminders_fire
from casework.tasks import sweep
from notifications.models import Notification, Reminder
from tests.factories import UserFactory, in_hours
from tests.notifications.conftest import free_port

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture
def five_tasks(case, lead, due, settings):
    settings.BRIDGE_REMINDER_TASK_BATCH = 2
    return [
        task_create(
            actor=lead.caseworker, case=case, title=f"Visit {n}", due_at=due, assignee=lead.caseworker
        )
        for n in range(5)
    ]


def test_batches_beyond_the_first_go_to_dispatch_and_nothing_of_them_fires_here(five_tasks, due):
    handed = []

    result = deadlines_sweep(now=due - 24 * HOUR, dispatch=lambda batch, now: handed.append(batch) or True)

    assert (result.reminders, result.task_batches_dispatched) == (2, 2)
    assert sorted(len(batch) for batch in handed) == [1, 2]
    assert Reminder.objects.count() == 2


def test_dispatched_batches_fire_each_remaining_reminder_once(five_tasks, due):
    now = due - 24 * HOUR
    handed = []
    deadlines_sweep(now=now, dispatch=lambda batch, moment: handed.append((batch, moment)) or True)

    fired = [task_reminders_fire(task_ids=batch, now=moment) for batch, moment in handed]
    again = [task_reminders_fire(task_ids=batch, now=moment) for batch, moment in handed]

    assert sorted(fired) == [1, 2]
    assert again == [0, 0]
    assert set(Reminder.objects.values_list("task_id", flat=True)) == {task.pk for task in five_tasks}
    assert Notification.objects.count() == 5


def test_a_refused_dispatch_fires_the_rest_here_without_asking_again(five_tasks, due):
    asked = []

    def broker_down(batch, now):
        asked.append(batch)
        return False

    result = deadlines_sweep(now=due - 24 * HOUR, dispatch=broker_down)

    assert (result.reminders, result.task_batches_dispatched, len(asked)) == (5, 0, 1)
    assert Notification.objects.count() == 5


def test_without_dispatch_the_sweep_fires_every_batch_itself(five_tasks, due):
    result = deadlines_sweep(now=due - 24 * HOUR)

    assert (result.reminders, result.task_batches_dispatched) == (5, 0)


def test_a_sweep_planned_while_batches_are_queued_does_not_fire_them_twice(five_tasks, due):
    now = due - 24 * HOUR
    handed = []
    deadlines_sweep(now=now, dispatch=lambda batch, moment: handed.append(batch) or True)

    second = deadlines_sweep(now=now + timedelta(minutes=1))
    late = [task_reminders_fire(task_ids=batch, now=now) for batch in handed]

    assert (second.reminders, late) == (3, [0, 0])
    assert Reminder.objects.count() == 5


def test_with_the_broker_down_the_beat_sweep_fires_every_batch_itself(case, lead, settings, broker_at):
    settings.BRIDGE_REMINDER_TASK_BATCH = 2
    for n in range(5):
        task_create(
            actor=lead.caseworker,
            case=case,
            title=f"Call {n}",
            due_at=in_hours(0.5),
            assignee=lead.caseworker,
        )
    broker_at(f"redis://127.0.0.1:{free_port()}/0")

    result = sweep()

    assert (result["reminders"], result["task_batches_dispatched"]) == (5, 0)
    assert Notification.objects.count() == 5


# A batch's work is a fixed set of statements: lock the tasks, claim the reminders, read the
# agencies' liaisons and supervisors, read the recipients' languages and email choices, and copy
# the inbox, outbox and timeline rows.
BATCH_QUERIES = 11


def test_a_batch_costs_the_same_queries_however_many_tasks_and_people_it_reaches(
    case, lead, due, django_assert_num_queries
):
    UserFactory(agency=lead.agency, role=Role.SUPERVISOR)
    assigned = [
        task_create(
            actor=lead.caseworker, case=case, title=f"Visit {n}", due_at=due, assignee=lead.caseworker
        )
        for n in range(4)
    ]
    unassigned = [
        task_create(actor=lead.caseworker, case=case, title=f"Call {n}", due_at=due) for n in range(2)
    ]
    now = due + HOUR

    with django_assert_num_queries(BATCH_QUERIES):
        small = task_reminders_fire(task_ids=[assigned[0].pk], now=now)
    with django_assert_num_queries(BATCH_QUERIES):
        large = task_reminders_fire(task_ids=[task.pk for task in [*assigned[1:], *unassigned]], now=now)

    assert (small, large) == (2, 10)
    assert Notification.objects.count() == 4 * 3 + 2 * 3
