"""`common.copy.copy_insert` writes rows exactly as `bulk_create` would, whatever the text holds."""

import uuid

import pytest
from django.db import connection
from django.utils import timezone

from casework.models import TimelineEvent
from common.copy import array_literal, copy_insert

pytestmark = pytest.mark.django_db

AWKWARD = 'tab\there, newline\nthere, back\\slash, "quotes", \\N and \r'


def test_copied_rows_read_back_unchanged(case, lead):
    entry = TimelineEvent(
        case=case,
        occurred_at=timezone.now(),
        kind="note_added",
        summary=AWKWARD,
        actor=lead.caseworker,
        actor_agency=lead.agency,
        agencies=[lead.agency.pk, 7],
        data={"text": AWKWARD, "id": str(uuid.uuid4()), "count": 2, "flag": True},
    )

    copy_insert([entry])

    stored = TimelineEvent.objects.get(pk=entry.pk)
    assert stored.summary == AWKWARD
    assert stored.agencies == [lead.agency.pk, 7]
    assert stored.data == entry.data
    assert stored.actor_id == lead.caseworker.pk
    assert stored.occurred_at == entry.occurred_at


def test_nothing_to_copy_writes_nothing():
    copy_insert([])

    assert not TimelineEvent.objects.exists()


def test_rows_sharing_and_not_sharing_values_each_keep_their_own(case, lead):
    shared_summary, shared_data = "Same text", {"same": True}
    entries = [
        TimelineEvent(
            case=case,
            occurred_at=timezone.now(),
            kind="note_added",
            summary=summary,
            actor=None,
            agencies=[lead.agency.pk],
            data=data,
        )
        for summary, data in (
            (shared_summary, shared_data),
            ("Other text", {"same": False}),
            (shared_summary, shared_data),
        )
    ]

    copy_insert(entries)

    stored = {entry.pk: entry for entry in TimelineEvent.objects.filter(pk__in=[e.pk for e in entries])}
    assert [(stored[e.pk].summary, stored[e.pk].data) for e in entries] == [
        ("Same text", {"same": True}),
        ("Other text", {"same": False}),
        ("Same text", {"same": True}),
    ]


def test_bulk_written_rows_get_ids_in_the_order_they_were_made(case):
    entries = [
        TimelineEvent(case=case, occurred_at=timezone.now(), kind="note_added", summary=str(n))
        for n in range(50)
    ]

    assert [entry.pk for entry in entries] == sorted(entry.pk for entry in entries)
    assert {entry.pk.version for entry in entries} == {7}


def test_an_array_literal_reads_back_as_the_values_written():
    moment = timezone.now()
    ident = uuid.uuid4()
    columns = {
        "text[]": ["plain", AWKWARD, "", "NULL", "{a,b}", None],
        "uuid[]": [ident, None],
        "integer[]": [3, -1, None],
        "boolean[]": [True, False],
        "timestamptz[]": [moment, None],
    }

    with connection.cursor() as cursor:
        for cast, values in columns.items():
            cursor.execute(f"SELECT %s::{cast}", [array_literal(values)])
            assert cursor.fetchone()[0] == values, cast


def test_an_array_literal_refuses_a_value_it_cannot_write():
    with pytest.raises(TypeError, match="Cannot write a dict"):
        array_literal([{"a": 1}])
