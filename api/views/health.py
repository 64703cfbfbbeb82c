"""Readiness for load balancers and orchestrators: 200 when PostgreSQL and Redis answer, 503
otherwise. The body names each part's state (and when the reminder sweep last finished) but never
why a part failed; the log does. A late sweep does not make the web server unready: it still
serves, and the "sweep late" alert (deploy/prometheus/alerts.yml) calls the operator."""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from casework.heartbeat import sweep_heartbeat

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 2


def _postgres_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: PostgreSQL did not answer.")
        return False


def _redis_answers() -> bool:
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=CHECK_TIMEOUT_SECONDS, socket_connect_timeout=CHECK_TIMEOUT_SECONDS
    )
    try:
        return bool(client.ping())
    except Exception:
        logger.exception("Health check: Redis did not answer.")
        return False
    finally:
        client.close()


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    database = _postgres_answers()
    redis_ok = _redis_answers()
    heartbeat = sweep_heartbeat() if redis_ok else None
    sweep = "unknown" if heartbeat is None else "late" if heartbeat.is_late(now=timezone.now()) else "ok"
    body = {
        "status": "ok" if database and redis_ok else "unavailable",
        "database": "ok" if database else "unavailable",
        "redis": "ok" if redis_ok else "unavailable",
        "sweep": sweep,
        "sweep_last_finished": heartbeat.finished_at.isoformat() if heartbeat is not None else None,
    }
    return JsonResponse(body, status=200 if database and redis_ok else 503)
