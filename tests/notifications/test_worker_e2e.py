"""End to end with real parts: a `celery -A config worker` subprocess on the test database and a
real Redis, emailing a real SMTP server. No eager mode: what is asserted here is what reached
the mail server."""

import re
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

import psycopg
import pytest
import redis
from celery import current_app
from django.db import connection
from django.utils import timezone

from casework.models import Case, IdentitySection, LocationSection, TimelineEvent
from casework.services.handoffs import handoff_create
from casework.services.tasks import task_create
from casework.sweep import deadlines_sweep
from casework.tasks import FIRE_TASK_REMINDERS
from notifications.models import DeliveryStatus, EmailDelivery, Notification, Reminder
from notifications.services import outbox_relay
from tests.api.conftest import Api
from tests.conftest import Staff
from tests.factories import in_hours
from tests.notifications.conftest import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

HOUR = timedelta(hours=1)


def subjects_by_recipient(messages):
    return sorted((message.to[0], message.subject) for message in messages)


def test_reminders_arrive_at_each_offset_and_escalations_reach_supervisors(celery_worker, smtp, case, lead):
    due = (timezone.now() + 100 * HOUR).replace(microsecond=0)
    task_create(actor=lead.caseworker, case=case, title="Visit", due_at=due, assignee=lead.caseworker)
    number = case.number
    expected = []

    for moment, new in (
        (due - 72 * HOUR, [(lead.caseworker.email, f"[Bridge] {number}: task due soon")]),
        (due - 24 * HOUR, [(lead.caseworker.email, f"[Bridge] {number}: task due soon")]),
        (due - HOUR, [(lead.caseworker.email, f"[Bridge] {number}: task due soon")]),
        (
            due,
            [
                (lead.caseworker.email, f"[Bridge] {number}: task due now"),
                (lead.supervisor.email, f"[Bridge] {number}: overdue task"),
            ],
        ),
        (due + 24 * HOUR, [(lead.supervisor.email, f"[Bridge] {number}: overdue task")]),
    ):
        deadlines_sweep(now=moment)
        expected += new
        assert subjects_by_recipient(smtp.wait_for(len(expected))) == sorted(expected)

    time.sleep(1)
    assert len(smtp.messages()) == 6
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_the_beat_sweep_spreads_a_backlog_over_the_workers_and_fires_each_reminder_once(
    celery_processes, smtp, case, lead, settings
):
    worker = celery_processes.worker(redis_url=settings.REDIS_URL, BRIDGE_REMINDER_TASK_BATCH="2")
    for n in range(7):
        task_create(
            actor=lead.caseworker,
            case=case,
            title=f"Visit {n}",
            due_at=in_hours(0.5),
            assignee=lead.caseworker,
        )

    current_app.send_task("casework.tasks.sweep")  # what beat sends every tick

    assert len(smtp.wait_for(7)) == 7
    wait_until(
        lambda: worker.log().count("casework.tasks.fire_task_reminders[") == 6,
        timeout=30,
        message="three batches received and run by the workers",
    )
    assert "'reminders': 2, 'task_batches_dispatched': 3" in worker.log()
    assert sorted(
        re.findall(r"fire_task_reminders\[[0-9a-f-]+\] succeeded in [0-9.]+s: (\d)", worker.log())
    ) == [
        "1",
        "2",
        "2",
    ]
    time.sleep(1)
    assert len(smtp.messages()) == 7
    assert Reminder.objects.count() == 7


def test_killing_the_worker_mid_delivery_loses_nothing_and_sends_nothing_twice(
    celery_processes, smtp, case, lead, settings
):
    worker = celery_processes.worker(redis_url=settings.REDIS_URL, BRIDGE_TEST_VISIBILITY_TIMEOUT="3")
    task_create(
        actor=lead.caseworker, case=case, title="Visit", due_at=in_hours(0.5), assignee=lead.caseworker
    )
    smtp.stall_next()

    deadlines_sweep()
    assert smtp.stalled.wait(30), "the worker never reached the mail server"
    worker.kill()
    smtp.release()

    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)
    assert smtp.messages() == []

    [killed_message] = re.findall(r"notifications\.tasks\.deliver\[([0-9a-f-]+)\] received", worker.log())
    restarted = celery_processes.worker(redis_url=settings.REDIS_URL, BRIDGE_TEST_VISIBILITY_TIMEOUT="3")
    outbox_relay(now=delivery.next_attempt_at)
    [email] = smtp.wait_for(1)
    # The killed worker's unacknowledged message comes back after the visibility timeout; it and
    # the relay's copy (when the relay got there first) all run, and only one of them sends.
    wait_until(
        lambda: (
            f"deliver[{killed_message}] succeeded" in restarted.log()
            and restarted.log().count(" received") == restarted.log().count(" succeeded in ")
        ),
        timeout=30,
        message="the redelivered message to be run",
    )
    assert restarted.log().count("{'sent': 1}") == 1

    assert len(smtp.messages()) == 1
    assert email.to == [lead.caseworker.email]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)


def test_writes_succeed_while_redis_is_down_and_emails_go_out_when_it_returns(
    celery_processes, private_redis, broker_at, smtp, shared_case, lead, partner, settings
):
    settings.BRIDGE_OUTBOX_RELAY_AFTER_SECONDS = 2
    timing = {"BRIDGE_REMINDER_SWEEP_SECONDS": "1", "BRIDGE_OUTBOX_RELAY_AFTER_SECONDS": "2"}
    broker_at(private_redis.url)
    celery_processes.worker(redis_url=private_redis.url, **timing)
    celery_processes.beat(redis_url=private_redis.url, **timing)
    private_redis.stop()

    started = time.monotonic()
    due_soon = task_create(
        actor=lead.caseworker,
        case=shared_case,
        title="Report",
        due_at=in_hours(0.5),
        assignee=lead.caseworker,
    )
    other = task_create(actor=lead.caseworker, case=shared_case, title="Interview", due_at=in_hours(200))
    handoff_create(actor=lead.caseworker, task=other, to_agency=partner.agency)
    assert time.monotonic() - started < 3
    assert EmailDelivery.objects.filter(status=DeliveryStatus.PENDING).count() == 2
    time.sleep(2)
    assert smtp.messages() == []

    private_redis.start()
    expected = [
        (lead.caseworker.email, f"[Bridge] {shared_case.number}: task due soon"),
        (partner.liaison.email, f"[Bridge] {shared_case.number}: handoff request"),
        (partner.supervisor.email, f"[Bridge] {shared_case.number}: handoff request"),
    ]
    assert subjects_by_recipient(smtp.wait_for(3, timeout=90)) == sorted(expected)
    time.sleep(4)
    assert len(smtp.messages()) == 3
    assert due_soon.reminders.count() == 1


def unfinished(worker, task_name: str) -> set[str]:
    """Ids of the `task_name` messages this worker received and has not finished."""
    log = worker.log()
    name = re.escape(task_name)
    received = set(re.findall(rf"{name}\[([0-9a-f-]+)\] received", log))
    return received - set(re.findall(rf"{name}\[([0-9a-f-]+)\] succeeded", log))


def holding_a_stalled_delivery(workers):
    """The worker whose delivery stays unfinished: the other may be mid-send for a moment."""
    before = [unfinished(worker, "notifications.tasks.deliver") for worker in workers]
    time.sleep(2)
    after = [unfinished(worker, "notifications.tasks.deliver") for worker in workers]
    [worker] = [worker for worker, early, late in zip(workers, before, after, strict=True) if early & late]
    return worker


def test_two_workers_one_killed_mid_delivery_during_a_sweep_lose_nothing_and_send_nothing_twice(
    celery_processes, smtp, case, lead, settings, record_property
):
    settings.BRIDGE_REMINDER_TASK_BATCH = 2
    options = {"BRIDGE_TEST_VISIBILITY_TIMEOUT": "3", "BRIDGE_REMINDER_TASK_BATCH": "2"}
    workers = [celery_processes.worker(redis_url=settings.REDIS_URL, **options) for _ in range(2)]
    tasks = [
        task_create(
            actor=lead.caseworker,
            case=case,
            title=f"Visit {n}",
            due_at=in_hours(0.5),
            assignee=lead.caseworker,
        )
        for n in range(24)
    ]
    smtp.stall_next()

    current_app.send_task("casework.tasks.sweep")
    assert smtp.stalled.wait(30), "no worker reached the mail server"
    # The worker holding the stalled conversation is the one in the middle of a delivery.
    killed = holding_a_stalled_delivery(workers)
    record_property(
        "deliveries_unfinished_when_killed", len(unfinished(killed, "notifications.tasks.deliver"))
    )
    record_property("reminder_batches_unfinished_when_killed", len(unfinished(killed, FIRE_TASK_REMINDERS)))
    killed.kill()
    smtp.release()
    [survivor] = [worker for worker in workers if worker is not killed]
    outbox_relay(now=timezone.now() + timedelta(hours=1))

    messages = smtp.wait_for(len(tasks), timeout=90)
    wait_until(
        lambda: not EmailDelivery.objects.filter(status=DeliveryStatus.PENDING).exists(),
        timeout=30,
        message="the outbox to drain",
    )
    time.sleep(4)
    task_links = sorted(
        re.findall(r"/tasks/([0-9a-f-]{36})/", "".join(message.body for message in smtp.messages()))
    )
    assert len(smtp.messages()) == len(messages) == len(tasks)
    assert task_links == sorted(str(task.pk) for task in tasks)
    assert Reminder.objects.count() == len(tasks)
    assert set(EmailDelivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}
    record_property("reminder_emails", len(tasks))
    assert "notifications.tasks.deliver[" in survivor.log()


def blocked_inside_a_batch() -> dict[int, tuple[str, bool, bool]]:
    """The drill workers' database sessions waiting on a lock to write a batch's timeline lines,
    by backend pid: the worker (its `PGAPPNAME`), whether the transaction has written (it has a
    transaction id) and whether it holds its writes to the reminder table."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT activity.pid, activity.application_name, activity.backend_xid IS NOT NULL,
                   EXISTS (
                       SELECT 1 FROM pg_locks
                       WHERE pg_locks.pid = activity.pid AND pg_locks.granted
                         AND pg_locks.relation = %s::regclass AND pg_locks.mode = 'RowExclusiveLock'
                   )
            FROM pg_stat_activity activity
            WHERE activity.datname = current_database() AND activity.application_name LIKE 'drill-worker-%%'
              AND activity.wait_event_type = 'Lock' AND activity.query LIKE %s
            """,
            [Reminder._meta.db_table, f'COPY "{TimelineEvent._meta.db_table}"%'],
        )
        return {pid: (name, wrote, holds) for pid, name, wrote, holds in cursor.fetchall()}


def backends_alive(pids: set[int]) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE pid = ANY(%s)", [list(pids)])
        return {pid for (pid,) in cursor.fetchall()}


# How the killed worker's batches are fired again: its messages come back after the visibility
# timeout (3 s here) and run, or, with the production hour, the next sweep plans them again.
VISIBILITY_TIMEOUT = {"redelivered": "3", "next_sweep": "3600"}


@pytest.mark.parametrize("recovery", ["redelivered", "next_sweep"])
def test_two_workers_one_killed_inside_a_sweep_batch_fire_each_reminder_once_and_send_each_email_once(
    celery_processes, smtp, case, lead, settings, record_property, recovery
):
    """The kill lands inside `fire_task_reminders`' transaction, after it wrote the batch's
    reminder, notification and email rows and before its timeline lines and commit: the drill holds
    the timeline table in SHARE mode from a connection of its own, so every batch waits there, and
    sees in pg_stat_activity that the worker's session is waiting with its writes uncommitted."""
    settings.BRIDGE_REMINDER_TASK_BATCH = 2
    options = {
        "BRIDGE_TEST_VISIBILITY_TIMEOUT": VISIBILITY_TIMEOUT[recovery],
        "BRIDGE_REMINDER_TASK_BATCH": "2",
    }
    workers = {
        f"drill-worker-{n}": celery_processes.worker(
            redis_url=settings.REDIS_URL, PGAPPNAME=f"drill-worker-{n}", **options
        )
        for n in range(2)
    }
    tasks = [
        task_create(
            actor=lead.caseworker,
            case=case,
            title=f"Visit {n}",
            due_at=in_hours(0.5),
            assignee=lead.caseworker,
        )
        for n in range(12)
    ]
    database = connection.settings_dict
    holder = psycopg.connect(
        host=database["HOST"],
        port=database["PORT"],
        user=database["USER"],
        password=database["PASSWORD"],
        dbname=database["NAME"],
    )
    # Leaving the block commits (or, if an assertion fails, rolls back) and frees the table.
    with holder:
        holder.execute(f'LOCK TABLE "{TimelineEvent._meta.db_table}" IN SHARE MODE')

        def every_process_inside_a_batch() -> bool:
            # Four pool processes (two per worker), each inside a batch: the sweep's own and three sent.
            blocked = blocked_inside_a_batch()
            return len(blocked) == 4 and {name for name, _, _ in blocked.values()} == set(workers)

        current_app.send_task("casework.tasks.sweep")
        wait_until(
            every_process_inside_a_batch,
            timeout=30,
            message="both workers' processes to wait inside a reminder batch",
        )
        blocked = blocked_inside_a_batch()
        assert all(wrote and holds_reminders for _, wrote, holds_reminders in blocked.values()), blocked
        killed_name = "drill-worker-0"
        killed, survivor = workers[killed_name], workers["drill-worker-1"]
        killed_backends = {pid for pid, (name, _, _) in blocked.items() if name == killed_name}
        killed_messages = unfinished(killed, FIRE_TASK_REMINDERS) | unfinished(killed, "casework.tasks.sweep")
        record_property("batches_in_flight_in_the_killed_worker", len(killed_backends))
        record_property("messages_unacknowledged_by_the_killed_worker", len(killed_messages))

        assert smtp.messages() == []  # no batch has committed
        killed.kill()
        killed_at = time.monotonic()
    # PostgreSQL ends a dead client's session when it next talks to it: here, as soon as the lock
    # it waited on is free. Its transaction, with the batch's rows, rolls back.
    wait_until(
        lambda: not backends_alive(killed_backends), timeout=10, message="the killed worker's sessions to end"
    )
    record_property("seconds_from_kill_to_its_sessions_ended", round(time.monotonic() - killed_at, 2))

    killed_reminders = 2 * len(killed_backends)  # a batch of two tasks in each
    if recovery == "next_sweep":
        # The survivor finishes its own batches and those still queued; the killed ones stay unfired.
        smtp.wait_for(len(tasks) - killed_reminders, timeout=60)
        time.sleep(4)
        assert len(smtp.messages()) == len(tasks) - killed_reminders
        fired_by_the_next_sweep = deadlines_sweep().reminders
        record_property("reminders_fired_by_the_next_sweep", fired_by_the_next_sweep)
        assert fired_by_the_next_sweep == killed_reminders
    smtp.wait_for(len(tasks), timeout=60)
    record_property("seconds_from_kill_to_last_email", round(time.monotonic() - killed_at, 1))
    wait_until(
        lambda: not EmailDelivery.objects.filter(status=DeliveryStatus.PENDING).exists(),
        timeout=30,
        message="the outbox to drain",
    )
    if recovery == "redelivered":
        wait_until(
            lambda: all(f"[{message}] succeeded" in survivor.log() for message in killed_messages),
            timeout=30,
            message="the survivor to run the killed worker's messages",
        )
    time.sleep(4)
    task_links = sorted(
        re.findall(r"/tasks/([0-9a-f-]{36})/", "".join(message.body for message in smtp.messages()))
    )
    assert len(smtp.messages()) == len(tasks)
    assert task_links == sorted(str(task.pk) for task in tasks)
    assert sorted(Reminder.objects.values_list("task_id", flat=True)) == sorted(task.pk for task in tasks)
    reminded = Notification.objects.filter(reminder__isnull=False)
    assert sorted(reminded.values_list("reminder__task_id", flat=True)) == sorted(task.pk for task in tasks)
    assert TimelineEvent.objects.filter(kind="task_reminded").count() == len(tasks)
    assert set(EmailDelivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}
    # Nothing left for a later sweep.
    assert deadlines_sweep().reminders == 0
    record_property("reminder_emails", len(smtp.messages()))


@dataclass
class WriteLoad:
    """Web writes that each enqueue mail, as fast as one client makes them: a task due within the
    hour (the sweep reminds its assignee) and a handoff of another task through the API (the
    partner's liaison and supervisor are emailed at once). Every answer is kept."""

    case: Case
    lead: Staff
    partner: Staff
    statuses: list[int] = field(default_factory=list)

    def run(self, *, seconds: float) -> None:
        api = Api(self.lead.caseworker)
        stop_at = time.monotonic() + seconds
        while time.monotonic() < stop_at:
            task_create(
                actor=self.lead.caseworker,
                case=self.case,
                title="Report",
                due_at=in_hours(0.5),
                assignee=self.lead.caseworker,
            )
            other = task_create(
                actor=self.lead.caseworker, case=self.case, title="Interview", due_at=in_hours(200)
            )
            response = api.post("handoffs/", {"task": str(other.pk), "to_agency": self.partner.agency.pk})
            self.statuses.append(response.status_code)

    @property
    def emails_expected(self) -> int:
        return 3 * len(self.statuses)


def assert_still_running(worker, pid: int) -> None:
    """The worker that was running before the broker failed is the one running after it: it was
    not restarted and did not give up (kombu's "Unrecoverable error", config/broker.py)."""
    assert worker.process is not None
    assert worker.process.poll() is None, worker.log()[-4000:]
    assert worker.process.pid == pid
    assert worker.starts == 1
    assert "Unrecoverable error" not in worker.log()


def assert_every_email_went_out_once(smtp, load: WriteLoad) -> float:
    """Returns the seconds it took from the call until the last expected email arrived."""
    started = time.monotonic()
    smtp.wait_for(load.emails_expected, timeout=40)
    seconds_until_the_last_email = round(time.monotonic() - started, 1)
    time.sleep(4)
    assert len(smtp.messages()) == load.emails_expected
    assert len({message.message_id for message in smtp.messages()}) == load.emails_expected
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert Reminder.objects.count() == len(load.statuses)
    return seconds_until_the_last_email


def test_a_load_of_writes_survives_a_redis_restart_and_every_email_goes_out_once(
    celery_processes, private_redis, broker_at, smtp, shared_case, lead, partner, settings, record_property
):
    settings.BRIDGE_OUTBOX_RELAY_AFTER_SECONDS = 2
    timing = {"BRIDGE_REMINDER_SWEEP_SECONDS": "1", "BRIDGE_OUTBOX_RELAY_AFTER_SECONDS": "2"}
    broker_at(private_redis.url)
    worker = celery_processes.worker(redis_url=private_redis.url, **timing)
    celery_processes.beat(redis_url=private_redis.url, **timing)
    load = WriteLoad(case=shared_case, lead=lead, partner=partner)
    down = threading.Timer(2, private_redis.stop)
    back = threading.Timer(6, private_redis.start)
    down.start()
    back.start()

    pid = worker.process.pid
    load.run(seconds=9)
    down.join()
    back.join()
    # What `scripts/drill redis-restart` reports (pytest's JUnit XML properties).
    record_property("writes", len(load.statuses))
    record_property("emails_expected", load.emails_expected)

    assert load.statuses
    assert set(load.statuses) == {201}
    # Redis has been back for 3 s when the load ends.
    record_property("seconds_from_end_of_load_to_last_email", assert_every_email_went_out_once(smtp, load))
    assert_still_running(worker, pid)


def fill(client: redis.Redis) -> None:
    for n in range(1_000):
        client.set(f"filler:{n}", b"x" * 100_000)


def test_writes_succeed_while_redis_is_full_and_emails_go_out_once_memory_is_freed(
    celery_processes, private_redis, broker_at, smtp, shared_case, lead, partner, settings, record_property
):
    settings.BRIDGE_OUTBOX_RELAY_AFTER_SECONDS = 2
    timing = {"BRIDGE_REMINDER_SWEEP_SECONDS": "1", "BRIDGE_OUTBOX_RELAY_AFTER_SECONDS": "2"}
    broker_at(private_redis.url)
    worker = celery_processes.worker(redis_url=private_redis.url, **timing)
    celery_processes.beat(redis_url=private_redis.url, **timing)
    client = redis.Redis.from_url(private_redis.url)
    client.config_set("maxmemory-policy", "noeviction")
    client.config_set("maxmemory", client.info("memory")["used_memory"] + 1_000_000)
    with pytest.raises(redis.exceptions.OutOfMemoryError):
        fill(client)
    load = WriteLoad(case=shared_case, lead=lead, partner=partner)
    pid = worker.process.pid

    load.run(seconds=4)
    time.sleep(2)
    sent_while_full = len(smtp.messages())
    client.delete(*client.keys("filler:*"))
    record_property("writes", len(load.statuses))
    record_property("emails_expected", load.emails_expected)
    record_property("emails_sent_while_full", sent_while_full)

    assert set(load.statuses) == {201}
    assert sent_while_full < load.emails_expected
    record_property("seconds_from_memory_freed_to_last_email", assert_every_email_went_out_once(smtp, load))
    assert_still_running(worker, pid)


def test_no_email_carries_a_name_or_section_field_of_the_case(
    celery_worker, smtp, shared_case, lead, partner
):
    due = (timezone.now() + 80 * HOUR).replace(microsecond=0)
    task = task_create(
        actor=lead.caseworker,
        case=shared_case,
        title="Take Maria Rivera to Lee High",
        description="Pick up at 12 Elm Street",
        due_at=due,
        assignee=lead.caseworker,
    )
    handoff = handoff_create(actor=lead.caseworker, task=task, to_agency=partner.agency)
    half_window = handoff.created_at + (handoff.respond_by - handoff.created_at) / 2
    for moment in (
        due - 72 * HOUR,
        half_window,
        handoff.respond_by,
        due - 24 * HOUR,
        due - HOUR,
        due,
        due + 24 * HOUR,
    ):
        deadlines_sweep(now=moment)
        # Let the worker send before time moves on; a reminder overtaken by events is cancelled.
        wait_until(
            lambda: not EmailDelivery.objects.filter(status=DeliveryStatus.PENDING).exists(),
            timeout=30,
            message="the outbox to drain",
        )
    total = EmailDelivery.objects.count()
    messages = smtp.wait_for(total)

    identity = IdentitySection.objects.get(case=shared_case)
    location = LocationSection.objects.get(case=shared_case)
    secrets = [
        identity.legal_name,
        *identity.legal_name.split(),
        str(identity.date_of_birth),
        identity.date_of_birth.strftime("%d %b %Y"),
        location.address,
        location.school,
        shared_case.pseudonym,
        task.title,
        task.description,
    ]
    assert sorted(EmailDelivery.objects.values_list("notification__kind", "recipient")) == sorted(
        [
            ("handoff_created", partner.liaison.pk),
            ("handoff_created", partner.supervisor.pk),
            ("handoff_pending", partner.liaison.pk),
            ("handoff_overdue", partner.supervisor.pk),
            ("handoff_expired", lead.caseworker.pk),
            ("handoff_expired", lead.liaison.pk),
            ("task_upcoming", lead.caseworker.pk),
            ("task_upcoming", lead.caseworker.pk),
            ("task_upcoming", lead.caseworker.pk),
            ("task_due", lead.caseworker.pk),
            ("task_overdue", lead.supervisor.pk),
            ("task_overdue", lead.supervisor.pk),
        ]
    )
    assert len(messages) == total
    for message in messages:
        for secret in secrets:
            assert secret not in message.body, (secret, message.body)
            assert secret not in message.subject, (secret, message.subject)
