"""Prometheus metrics at `/metrics`: the request figures django-prometheus counts in every web
process (requests, latency, responses by status, database errors) and Bridge's own state, read
from the database and Redis at each scrape: the email outbox, the reminder sweep's heartbeat,
the audit log's unsealed records and the Celery queue.

Figures only: no label or value names a case, a person or anything typed into Bridge. Still, the
endpoint answers only a scraper that presents `BRIDGE_METRICS_TOKEN` as a bearer token, and
nothing at all (404) where no token is set.

Gunicorn runs several processes; with `PROMETHEUS_MULTIPROC_DIR` set (scripts/run, the compose
file) each writes its counters there and the scrape adds them up (`config/gunicorn.py` clears the
directory at start and forgets a worker's gauges when it exits)."""

import hmac
import os
from collections.abc import Iterator

import redis
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from audit.selectors import seal_figures
from casework.heartbeat import sweep_heartbeat
from notifications.selectors import outbox_figures

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
QUEUE_TIMEOUT_SECONDS = 2


class BridgeCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        outbox = outbox_figures(now=now)
        yield GaugeMetricFamily("bridge_outbox_pending", "Emails waiting to be sent.", value=outbox.pending)
        yield GaugeMetricFamily(
            "bridge_outbox_oldest_pending_seconds",
            "How long the oldest email waiting to be sent has waited.",
            value=outbox.oldest_pending_seconds,
        )
        yield GaugeMetricFamily(
            "bridge_email_failed", "Emails given up on after every attempt failed.", value=outbox.failed
        )
        seals = seal_figures(now=now)
        yield GaugeMetricFamily(
            "bridge_audit_unsealed_records", "Audit records not yet in the hash chain.", value=seals.unsealed
        )
        yield GaugeMetricFamily(
            "bridge_audit_oldest_unsealed_seconds",
            "How long the oldest audit record not yet in the hash chain has waited.",
            value=seals.oldest_unsealed_seconds,
        )
        heartbeat = sweep_heartbeat()
        if heartbeat is not None:
            yield GaugeMetricFamily(
                "bridge_sweep_last_finished_timestamp_seconds",
                "When the reminder sweep last finished (Unix time).",
                value=heartbeat.finished_at.timestamp(),
            )
            yield GaugeMetricFamily(
                "bridge_sweep_tasks_due",
                "Open tasks with a reminder due at the last sweep.",
                value=heartbeat.tasks_due,
            )
            yield GaugeMetricFamily(
                "bridge_sweep_reminders_fired",
                "Reminders the last sweep fired itself (batches handed to workers are counted apart).",
                value=heartbeat.reminders_fired,
            )
            yield GaugeMetricFamily(
                "bridge_sweep_task_batches_dispatched",
                "Batches of due tasks the last sweep handed to the workers.",
                value=heartbeat.task_batches_dispatched,
            )
        queue = GaugeMetricFamily("bridge_celery_queue_length", "Celery messages waiting.", labels=["queue"])
        queue.add_metric(
            [settings.CELERY_TASK_DEFAULT_QUEUE], _queue_length(settings.CELERY_TASK_DEFAULT_QUEUE)
        )
        yield queue


def _queue_length(name: str) -> float:
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_timeout=QUEUE_TIMEOUT_SECONDS,
        socket_connect_timeout=QUEUE_TIMEOUT_SECONDS,
    )
    try:
        return float(client.llen(name))
    finally:
        client.close()


# Not auto-described: describing would run the queries at import time.
_bridge_registry = CollectorRegistry()
_bridge_registry.register(BridgeCollector())


def _process_figures() -> bytes:
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.BRIDGE_METRICS_TOKEN
    if not token:
        raise Http404
    presented = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(presented.encode(), token.encode()):
        response = HttpResponse("A bearer token is required.", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(_process_figures() + generate_latest(_bridge_registry), content_type=CONTENT_TYPE)
