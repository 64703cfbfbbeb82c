"""The Celery application: `celery -A config worker` and `celery -A config beat`."""

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


signals.before_task_publish.connect(task_headers_add_request_id, weak=False)
signals.task_prerun.connect(task_context_enter, weak=False)
signals.task_postrun.connect(task_context_exit, weak=False)
