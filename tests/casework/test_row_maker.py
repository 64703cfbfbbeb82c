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


def test_a_loaded_instance_is_the_one_only_would_read(case):
    read = TimelineEvent.objects.only("id", "kind").get(
        pk=TimelineEvent.objects.create(
            case=case, kind="note_added", summary="x", occurred_at=timezone.now()
        ).pk
    )

    loaded = row_maker(TimelineEvent).loaded(("id", "kind"), using="default")((read.pk, read.kind))

    assert loaded == read
    assert loaded.kind == "note_added"
    assert loaded.get_deferred_fields() == read.get_deferred_fields()
    assert (loaded._state.adding, loaded._state.db) == (read._state.adding, read._state.db)


def test_a_loaded_instance_reads_a_field_it_was_not_given_from_the_database(case):
    entry = TimelineEvent.objects.create(
        case=case, kind="note_added", summary="from the row", occurred_at=timezone.now()
    )

    loaded = row_maker(TimelineEvent).loaded(("id",), using="default")((entry.pk,))

    assert loaded.summary == "from the row"


def test_a_loaded_instance_refuses_a_field_the_model_lacks(case):
    with pytest.raises(TypeError, match="no field case"):
        row_maker(TimelineEvent).loaded(("id", "case"), using="default")
