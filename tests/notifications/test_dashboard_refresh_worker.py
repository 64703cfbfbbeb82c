"""The stored dashboard figures kept fresh by a real Celery beat and worker (beside the other
worker tests, for their fixtures)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from casework.dashboard_figures import store_dashboard_figures
from casework.models import DashboardFigures
from tests.notifications.conftest import wait_until
from tests.web.conftest import make_task


def _overdue(agency) -> int:
    rows = DashboardFigures.objects.get(agency=agency).figures["overdue_by_assignee"]
    return sum(row["overdue"] for row in rows)


def test_beat_and_worker_refresh_the_figures_a_supervisor_viewed(celery_processes, lead, shared_case):
    timing = {"BRIDGE_DASHBOARD_REFRESH_SECONDS": "1", "BRIDGE_DASHBOARD_MAX_AGE_SECONDS": "30"}
    store_dashboard_figures(agency=lead.agency, language="en", viewed_at=timezone.now())
    make_task(
        case=shared_case, owner=lead.agency, title="Late visit", due_at=timezone.now() - timedelta(hours=1)
    )
    celery_processes.worker(redis_url=settings.REDIS_URL, **timing)
    celery_processes.beat(redis_url=settings.REDIS_URL, **timing)

    wait_until(lambda: _overdue(lead.agency) == 1, timeout=60, message="the figures to be refreshed")
