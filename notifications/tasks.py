"""Celery tasks: thin wrappers that take ids and call one service. Each is safe to run twice."""

from collections import Counter

from celery import shared_task

from notifications.services import DELIVER_TASK, delivery_send, outbox_relay


@shared_task(name=DELIVER_TASK)
def deliver(*delivery_ids: str) -> dict[str, int]:
    """Send a batch of outbox emails, each on its own (`delivery_send`); returns how many ended
    which way. A message killed halfway comes back and skips the ones already sent."""
    return dict(Counter(delivery_send(delivery_id=delivery_id) for delivery_id in delivery_ids))


@shared_task(name="notifications.tasks.relay_outbox")
def relay_outbox() -> int:
    return outbox_relay()
