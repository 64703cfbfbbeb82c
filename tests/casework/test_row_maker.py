"""`common.copy.row_maker` builds the same unsaved instances as the model's constructor, faster."""

import pytest
from django.db import models
from django.db.models import signals
from django.utils import timezone

from casework.models import TimelineEvent
from common.copy import RowMaker, copy_insert, row_maker
from notifications.models import DeliveryKind, EmailDelivery

pytestmark = pytest.mark.django_db


def _field_values(instance: models.Model) -> dict[str, object]:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_an_instance_holds_what_the_constructor_would_give_it(case, lead):
    values = {
        "recipient_id": lead.caseworker.pk,
        "kind": DeliveryKind.IMMEDIATE,
        "subject": "Task due",
        "body": "A task is due.",
        "next_attempt_at": timezone.now(),
    }

    made = row_maker(EmailDelivery)(**values)
    constructed = EmailDelivery(**values)

    assert {**_field_values(made), "id": None} == {**_field_values(constructed), "id": None}
    assert made.status == "pending"
    assert made.attempts == 0
    assert made._state.adding is True
    assert made._state.db is None


def test_each_instance_gets_its_own_id(case):
    make = row_maker(TimelineEvent)

    entries = [
        make(case_id=case.pk, kind="note_added", summary="x", occurred_at=timezone.now()) for _ in range(3)
    ]

    assert len({entry.pk for entry in entries}) == 3


def test_a_value_given_replaces_the_default(case):
    entry = row_maker(TimelineEvent)(
        case_id=case.pk, kind="note_added", summary="x", occurred_at=timezone.now(), agencies=[4, 2]
    )

    assert entry.agencies == [4, 2]


def test_a_field_the_model_lacks_is_refused(case):
    with pytest.raises(TypeError, match="no field case"):
        row_maker(TimelineEvent)(case=case, kind="note_added", summary="x", occurred_at=timezone.now())


def test_instances_are_written_and_read_back_by_copy_insert(case, lead):
    entry = row_maker(TimelineEvent)(
        case_id=case.pk,
        kind="note_added",
        summary="Written",
        actor_id=lead.caseworker.pk,
        occurred_at=timezone.now(),
        agencies=[lead.agency.pk],
        data={"n": 1},
    )

    copy_insert([entry])

    stored = TimelineEvent.objects.get(pk=entry.pk)
    assert (stored.summary, stored.actor_id, stored.agencies, stored.data) == (
        "Written",
        lead.caseworker.pk,
        [lead.agency.pk],
        {"n": 1},
    )
    assert stored.case == case


def test_a_model_with_init_signal_receivers_is_refused():
    def receiver(**kwargs: object) -> None:
        pass

    signals.post_init.connect(receiver, sender=EmailDelivery, weak=False)
    try:
        with pytest.raises(TypeError, match="init signal receivers"):
            RowMaker(EmailDelivery)
    finally:
        signals.post_init.disconnect(receiver, sender=EmailDelivery)
