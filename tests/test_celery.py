"""Beat sends tasks by name: a name no worker registers would be dropped on every tick."""

import gc

from celery import signals
from django.conf import settings

from casework.tasks import FIRE_TASK_REMINDERS, REFRESH_DASHBOARD
from config.celery import app


def test_every_beat_entry_names_a_task_the_workers_register():
    app.loader.import_default_modules()

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled == {
        "casework.tasks.sweep",
        "casework.tasks.refresh_dashboards",
        "notifications.tasks.relay_outbox",
        "audit.tasks.seal",
        "audit.tasks.archive",
    }
    assert scheduled <= set(app.tasks)


def test_the_sweep_hands_batches_to_a_registered_task():
    app.loader.import_default_modules()

    assert FIRE_TASK_REMINDERS in app.tasks


def test_the_dashboard_refresh_hands_each_agency_to_a_registered_task():
    app.loader.import_default_modules()

    assert REFRESH_DASHBOARD in app.tasks


def test_a_worker_process_leaves_what_it_loaded_at_startup_out_of_garbage_collection():
    gc.unfreeze()
    try:
        signals.worker_process_init.send(sender=None)

        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
