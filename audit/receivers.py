"""Celery tasks run outside any request: their audit records and the changes they make are
attributed to the `worker` component (and the task's name) for as long as the task runs."""

from typing import Any

import pghistory
from celery.signals import task_postrun, task_prerun

from audit.context import Component, bound

_running: dict[str, tuple[pghistory.context, bound]] = {}


def _task_started(task_id: str, task: Any, **kwargs: Any) -> None:
    history = pghistory.context(component=Component.WORKER, task=task.name)
    binding = bound(component=Component.WORKER)
    history.__enter__()
    binding.__enter__()
    _running[task_id] = (history, binding)


def _task_finished(task_id: str, **kwargs: Any) -> None:
    entry = _running.pop(task_id, None)
    if entry is not None:
        history, binding = entry
        binding.__exit__(None, None, None)
        history.__exit__(None, None, None)


def connect() -> None:
    task_prerun.connect(_task_started, dispatch_uid="audit-task-started")
    task_postrun.connect(_task_finished, dispatch_uid="audit-task-finished")
