"""The Celery application: `celery -A config worker` and `celery -A config beat`."""

import gc
import os
from typing import Any

from celery import Celery, signals

from common.logs import task_context_enter, task_context_exit, task_headers_add_request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("bridge")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def logging_from_django_settings(**_: Any) -> None:
    """Celery configures no logging of its own: Django's LOGGING (applied when the worker sets
    Django up) formats the worker's lines like the web's, through the personal-data filter."""


@signals.worker_process_init.connect
def startup_objects_freeze(**_: Any) -> None:
    """Leave what the worker loaded at startup (Django, the apps, their modules: most objects the
    process will ever hold) out of garbage collection: each full collection walked all of it again,
    about 5 % of a sweep batch's Python time (docs/performance.md, change 17). Collection goes on
    for everything made from here on."""
    gc.freeze()


signals.before_task_publish.connect(task_headers_add_request_id, weak=False)
signals.task_prerun.connect(task_context_enter, weak=False)
signals.task_postrun.connect(task_context_exit, weak=False)
