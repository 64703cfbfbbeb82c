"""/metrics: Prometheus figures for operators, behind a bearer token, with no personal data; the
alert rules shipped in deploy/prometheus/ only name figures Bridge exports."""

import re
from pathlib import Path

import pytest
import yaml
from django.core.cache import cache
from django.test import Client, override_settings

from casework.heartbeat import HEARTBEAT_KEY
from casework.tasks import sweep
from notifications.models import DeliveryStatus, EmailDelivery, NotificationKind
from notifications.services import notify

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-for-tests"
ROOT = Path(__file__).resolve().parent.parent


def scrape(client=None, token=TOKEN):
    client = client or Client()
    return client.get("/metrics", headers={"Authorization": f"Bearer {token}"})


def figure(text, name):
    match = re.search(rf"^{name}(?:{{[^}}]*}})? (\S+)$", text, re.MULTILINE)
    assert match, f"{name} is not in the scrape"
    return float(match.group(1))


@pytest.fixture(autouse=True)
def _metrics_on(settings):
    settings.BRIDGE_METRICS_TOKEN = TOKEN
    cache.delete(HEARTBEAT_KEY)


@override_settings(BRIDGE_METRICS_TOKEN="")
def test_without_a_token_configured_there_are_no_metrics():
    assert scrape(token="").status_code == 404


def test_a_scraper_without_the_token_is_refused():
    assert Client().get("/metrics").status_code == 401
    assert scrape(token="guess").status_code == 401


def test_the_outbox_backlog_and_failures_are_counted(case, lead):
    recipients = [lead.liaison, lead.supervisor]
    notify(recipients=recipients, kind=NotificationKind.HANDOFF_PENDING, case=case, message="A handoff.")
    given_up = EmailDelivery.objects.filter(recipient=lead.supervisor).get()
    EmailDelivery.objects.filter(pk=given_up.pk).update(status=DeliveryStatus.FAILED)

    text = scrape().content.decode()

    assert figure(text, "bridge_outbox_pending") == 1
    assert figure(text, "bridge_email_failed") == 1
    assert figure(text, "bridge_outbox_oldest_pending_seconds") >= 0


def test_the_sweeps_heartbeat_is_reported_after_a_sweep():
    before = scrape().content.decode()
    assert "bridge_sweep_last_finished_timestamp_seconds" not in before

    sweep()

    text = scrape().content.decode()
    assert figure(text, "bridge_sweep_last_finished_timestamp_seconds") > 0
    assert figure(text, "bridge_sweep_tasks_due") >= 0


def test_requests_and_the_queue_and_audit_seals_are_reported():
    Client().get("/healthz")

    text = scrape().content.decode()

    assert "django_http_requests_total_by_view_transport_method_total" in text
    assert "django_http_responses_total_by_status_total" in text
    assert figure(text, "bridge_celery_queue_length") >= 0
    assert figure(text, "bridge_audit_unsealed_records") >= 0


def test_no_case_number_pseudonym_or_search_term_reaches_the_metrics(case, lead):
    client = Client()
    client.force_login(lead.caseworker)
    client.get(f"/cases/{case.pk}/")
    client.get("/cases/?search=Maria+Lopez")

    text = scrape().content.decode()

    for personal in (case.number, case.pseudonym, str(case.pk), "Maria", "Lopez", lead.caseworker.username):
        assert personal not in text


def test_the_alert_rules_name_only_figures_bridge_exports(case):
    sweep()
    exported = set(re.findall(r"^# TYPE (\w+) ", scrape().content.decode(), re.MULTILINE))
    # A counter's samples carry _total; a histogram's _bucket, _count and _sum.
    samples = {
        name + suffix
        for name in exported
        for suffix in ("", "_total", "_bucket", "_count", "_sum", "_created")
    }
    rules = yaml.safe_load((ROOT / "deploy/prometheus/alerts.yml").read_text())
    names = {rule["alert"] for group in rules["groups"] for rule in group["rules"]}
    assert {
        "BridgeSweepLate",
        "BridgeOutboxBacklogGrowing",
        "BridgeAuditChainNotSealed",
        "BridgeServerErrors",
    } <= names
    for group in rules["groups"]:
        for rule in group["rules"]:
            for metric in re.findall(r"\b((?:bridge|django)_\w+)", rule["expr"]):
                assert metric in samples, f"{rule['alert']} names {metric}, which Bridge does not export"
