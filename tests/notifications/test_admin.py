"""Platform operators see the email outbox's state, never what the emails say."""

import pytest
from django.urls import reverse

from notifications.models import DeliveryStatus, EmailDelivery
from notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(case, lead):
    [notification] = notify(
        recipients=[lead.liaison], kind="handoff_created", case=case, message="A distinctive message."
    )
    return notification.email_delivery


def test_outbox_pages_show_state_but_not_content_or_case(client, platform_admin, delivery, case):
    client.force_login(platform_admin)

    listing = client.get(reverse("admin:notifications_emaildelivery_changelist"))
    detail = client.get(reverse("admin:notifications_emaildelivery_change", args=[delivery.pk]))

    assert (listing.status_code, detail.status_code) == (200, 200)
    for page in (listing, detail):
        text = page.content.decode()
        assert str(delivery.pk) in text
        assert "A distinctive message." not in text
        assert case.number not in text


def test_operator_sends_failed_emails_again(
    client, platform_admin, delivery, django_capture_on_commit_callbacks
):
    EmailDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, attempts=8)
    client.force_login(platform_admin)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("admin:notifications_emaildelivery_changelist"),
            {"action": "send_again", "_selected_action": [str(delivery.pk)]},
        )

    delivery.refresh_from_db()
    assert response.status_code == 302
    assert (delivery.status, delivery.attempts, len(callbacks)) == (DeliveryStatus.PENDING, 0, 1)
