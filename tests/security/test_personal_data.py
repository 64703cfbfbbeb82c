"""No child's name where it should not be: in the logs, in emails, in notifications, in timeline
summaries, in audit records or in URLs. The demo county's children are the probe."""

import json
import logging
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from agencies.models import User
from audit.models import AuditRecord
from casework.demo import DEMO_CHILD_NAMES
from casework.models import BreakGlass, Case, TimelineEvent
from casework.sweep import deadlines_sweep
from notifications.models import EmailDelivery, Notification
from notifications.services import delivery_send
from security.logging import PersonalDataFilter, scrub
from tests.api.conftest import Api

pytestmark = pytest.mark.django_db

ID_LINK = re.compile(r"http://localhost:8000/(cases|tasks|handoffs)/[0-9a-f-]{36}/")


@pytest.fixture
def demo() -> None:
    call_command("load_demo", stdout=StringIO())


@pytest.fixture
def log_output():
    """What Bridge's configured log handler writes, captured at DEBUG level with SQL logging on:
    the handler, its filter and its formatter exactly as settings.LOGGING builds them."""
    (handler,) = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(item, PersonalDataFilter) for item in handler.filters)
    ]
    stream = StringIO()
    previous_stream = handler.setStream(stream)
    loggers = [logging.getLogger(), logging.getLogger("django"), logging.getLogger("django.db.backends")]
    previous_levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    connection.force_debug_cursor = True
    try:
        yield stream
    finally:
        connection.force_debug_cursor = False
        for logger, level in zip(loggers, previous_levels, strict=True):
            logger.setLevel(level)
        handler.setStream(previous_stream)


def names_in(text: str) -> list[str]:
    return [name for name in DEMO_CHILD_NAMES if name in text]


def test_the_filter_cuts_row_values_out_of_database_errors():
    message = (
        'new row for relation "casework_breakglass" violates check constraint "x"\n'
        "DETAIL:  Failing row contains (1, location, Amara Nwosu-Demo was seen, 2026-01-01).\n"
        "DETAIL:  Key (legal_name)=(Jordan Tate-Demo) already exists."
    )

    assert scrub(message) == (
        'new row for relation "casework_breakglass" violates check constraint "x"\n'
        "DETAIL:  Failing row contains ([redacted]).\n"
        "DETAIL:  Key (legal_name)=([redacted]) already exists."
    )


def test_the_filter_cuts_section_field_values():
    text = (
        "{'legal_name': 'Amara Nwosu-Demo', 'languages': ['en'], 'school': \"Lakeview North High\"}"
        " address=400 Birch"
    )

    assert (
        scrub(text)
        == "{'legal_name': [redacted], 'languages': [redacted], 'school': [redacted]} address=[redacted]"
    )


def test_the_filter_cuts_query_strings_out_of_request_lines():
    line = '"GET /cases/?q=Maria+Lopez&status=open HTTP/1.1" 200 5120'

    assert scrub(line) == '"GET /cases/?[redacted] HTTP/1.1" 200 5120'


def test_the_logs_carry_no_childs_name(log_output, demo):
    supervisor = User.objects.get(username="cps-supervisor")
    api = Api(supervisor)
    for case in Case.objects.all():
        api.get(f"cases/{case.pk}/")
        api.get(f"cases/{case.pk}/notes/")
    api.get("cases/", {"q": "Amara"})
    case = Case.objects.filter(lead_agency=supervisor.agency).first()
    try:
        with transaction.atomic():
            BreakGlass.objects.create(
                case=case,
                section="health",
                agency=supervisor.agency,
                opened_by=supervisor,
                reason=f"{DEMO_CHILD_NAMES[0]} was seen at the bus station",
                expires_at=timezone.now() - timedelta(hours=1),
            )
    except IntegrityError:
        logging.getLogger("django.request").exception("Internal Server Error: /api/v1/cases/")

    output = log_output.getvalue()
    assert "Internal Server Error" in output
    assert "Failing row contains ([redacted])" in output
    assert names_in(output) == []


def test_notifications_emails_timeline_and_audit_records_carry_no_childs_name(
    demo, django_capture_on_commit_callbacks
):
    supervisor = User.objects.get(username="pd-supervisor")
    # A case the police take part in without leading it, so location is theirs only by break-glass.
    case = (
        Case.objects.filter(participants__agency=supervisor.agency)
        .exclude(lead_agency=supervisor.agency)
        .first()
    )
    with django_capture_on_commit_callbacks(execute=False):
        Api(supervisor).post(
            f"cases/{case.pk}/break-glass/",
            {"section": "location", "reason": f"{DEMO_CHILD_NAMES[0]} called for help from a shelter."},
        )
        deadlines_sweep(now=timezone.now() + timedelta(days=3))
    for delivery in EmailDelivery.objects.all():
        delivery_send(delivery_id=delivery.pk)

    texts = {
        "notifications": " ".join(Notification.objects.values_list("message", flat=True)),
        "outbox": " ".join(f"{d.subject} {d.body}" for d in EmailDelivery.objects.all()),
        "sent mail": " ".join(f"{m.subject} {m.body}" for m in mail.outbox),
        "timeline": " ".join(TimelineEvent.objects.values_list("summary", flat=True)),
        "audit": json.dumps(list(AuditRecord.objects.values("detail", "object_id", "username"))),
    }
    assert Notification.objects.filter(kind="break_glass_opened").exists()
    assert len(mail.outbox) > 0
    assert {where: names_in(text) for where, text in texts.items()} == {where: [] for where in texts}


def test_links_in_emails_name_ids_only(demo):
    bodies = " ".join(EmailDelivery.objects.values_list("body", flat=True))

    links = re.findall(r"https?://\S+", bodies)
    assert links
    assert [link for link in links if not ID_LINK.fullmatch(link)] == []
