import time

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.template.loader import get_template
from django.utils import translation

from agencies.models import Role
from casework.services.tasks import task_create
from notifications.models import DeliveryKind, DeliveryStatus, EmailDelivery, Notification
from notifications.services import EmailTemplates, notification_preferences_update, notify
from tests.factories import UserFactory, in_hours
from tests.notifications.conftest import free_port
from tests.notifications.queued import delivery_ids

pytestmark = pytest.mark.django_db


def _notify(case, recipients, **kwargs):
    return notify(
        recipients=recipients, kind="handoff_created", case=case, message="Something happened.", **kwargs
    )


def test_notify_writes_one_inbox_entry_per_recipient(case, lead):
    notifications = _notify(case, [lead.liaison, lead.supervisor, lead.liaison])

    assert sorted(n.recipient_id for n in notifications) == sorted([lead.liaison.pk, lead.supervisor.pk])
    assert Notification.objects.filter(case=case, kind="handoff_created").count() == 2


def test_notify_skips_inactive_users_and_agency_admins(case, lead):
    lead.liaison.is_active = False
    lead.liaison.save(update_fields=["is_active"])

    notifications = _notify(case, [lead.liaison, lead.admin, lead.supervisor])

    assert [n.recipient_id for n in notifications] == [lead.supervisor.pk]


def test_notify_queues_an_immediate_email_by_default(case, lead):
    [notification] = _notify(case, [lead.liaison])

    delivery = EmailDelivery.objects.get(notification=notification)
    assert (delivery.kind, delivery.status, delivery.attempts) == (
        DeliveryKind.IMMEDIATE,
        DeliveryStatus.PENDING,
        0,
    )
    assert delivery.recipient == lead.liaison
    assert delivery.subject == f"[Bridge] {case.number}: handoff request"
    assert delivery.body == (
        "Something happened.\n\n"
        f"Case: {case.number}\n"
        f"Open in Bridge: {settings.BRIDGE_BASE_URL}/cases/{case.pk}/\n\n"
        "Times are America/Chicago time.\n"
        "This email leaves out case details on purpose. Sign in to Bridge to see them.\n"
    )


def test_email_links_to_the_task_it_is_about(case, lead):
    task = task_create(actor=lead.caseworker, case=case, title="Visit", due_at=in_hours(5))

    [notification] = _notify(case, [lead.liaison], task=task)

    assert (
        f"Open in Bridge: {settings.BRIDGE_BASE_URL}/tasks/{task.pk}/\n" in notification.email_delivery.body
    )


def test_user_who_turned_email_off_gets_only_the_inbox_entry(case, lead):
    notification_preferences_update(user=lead.liaison, email_enabled=False)

    [notification] = _notify(case, [lead.liaison])

    assert EmailDelivery.objects.count() == 0
    assert notification.awaits_digest is False


def test_digest_reader_gets_no_immediate_email(case, lead):
    notification_preferences_update(user=lead.liaison, email_digest=True)

    [notification] = _notify(case, [lead.liaison])

    assert EmailDelivery.objects.count() == 0
    assert notification.awaits_digest is True


def test_user_without_an_email_address_gets_only_the_inbox_entry(case, lead):
    nobody = UserFactory(agency=lead.agency, role=Role.LIAISON, email="")

    [notification] = _notify(case, [nobody])

    assert (EmailDelivery.objects.count(), notification.awaits_digest) == (0, False)


def test_notify_rolls_back_with_the_callers_transaction(case, lead, django_capture_on_commit_callbacks):
    def failing_change():
        with transaction.atomic():
            _notify(case, [lead.liaison])
            raise RuntimeError("the caller's change failed")

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        failing_change()

    assert (Notification.objects.count(), EmailDelivery.objects.count(), len(callbacks)) == (0, 0, 0)


def test_emails_are_published_only_after_commit(case, lead, django_capture_on_commit_callbacks):
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        [notification] = _notify(case, [lead.liaison])
        assert redis.Redis.from_url(settings.REDIS_URL).llen("celery") == 0

    assert len(callbacks) == 1
    [raw] = redis.Redis.from_url(settings.REDIS_URL).lrange("celery", 0, -1)
    assert delivery_ids(raw) == [str(notification.email_delivery.pk)]
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def test_a_broker_outage_does_not_fail_or_stall_the_write(
    case, lead, broker_at, django_capture_on_commit_callbacks
):
    broker_at(f"redis://127.0.0.1:{free_port()}/0")
    started = time.monotonic()

    with django_capture_on_commit_callbacks(execute=True):
        [notification] = _notify(case, [lead.liaison])

    assert time.monotonic() - started < 1.5
    assert EmailDelivery.objects.get(notification=notification).status == DeliveryStatus.PENDING


def test_notify_refuses_an_empty_message(case, lead):
    with pytest.raises(ValueError, match="non-empty"):
        notify(recipients=[lead.liaison], kind="handoff_created", case=case, message="  ")


def test_a_notice_about_accounts_has_no_case_and_its_email_names_none(lead):
    [notification] = notify(
        recipients=[lead.supervisor], kind="case_role_granted", case=None, message="A new account."
    )

    delivery = EmailDelivery.objects.get(notification=notification)
    assert notification.case is None
    assert delivery.subject == "[Bridge] a member of your agency now works on cases"
    assert delivery.body == (
        "A new account.\n\n"
        f"Open in Bridge: {settings.BRIDGE_BASE_URL}/notifications/\n\n"
        "Times are America/Chicago time.\n"
        "This email leaves out case details on purpose. Sign in to Bridge to see them.\n"
    )


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("case_number", ["2026-000042", ""])
def test_a_batch_fills_in_its_emails_as_the_templates_render_them(language, case_number):
    templates = EmailTemplates()
    values = [
        (
            "Due Tue 3 Dec, 14:05: 50% done, {{ not a tag }} %(not a value)s",
            "https://b.invalid/tasks/1/?a=1&b=<2>",
        ),
        ("  Another notice\nover two lines\\ ", "https://b.invalid/cases/2/"),
    ]

    with translation.override(language):
        for message, link in values:
            filled = (
                templates.subject(language=language, about="task due now", case_number=case_number),
                templates.body(language=language, message=message, case_number=case_number, link=link),
            )
            context = {"message": message, "case_number": case_number, "link": link, "about": "task due now"}
            subject = get_template("notifications/email/notification_subject.txt").render(context)
            body = get_template("notifications/email/notification_body.txt").render(context)
            assert filled == (" ".join(subject.split()), body.strip() + "\n")
