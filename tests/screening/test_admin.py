"""Platform staff manage instruments in the admin; a version a screening used is kept as it was."""

import pytest
from django.urls import reverse
from django.utils import timezone

from screening.services import screening_record
from tests.factories import open_case
from tests.screening.conftest import CLEAR_ANSWERS

pytestmark = pytest.mark.django_db


def test_an_unused_instrument_is_editable(client, platform_admin, instrument):
    client.force_login(platform_admin)

    page = client.get(reverse("admin:screening_instrument_change", args=[instrument.pk]))

    assert page.status_code == 200
    assert 'name="name"' in page.content.decode()
    assert 'name="questions-0-text"' in page.content.decode()


def test_a_used_instrument_can_only_be_retired(client, platform_admin, lead, instrument):
    screening_record(
        actor=lead.caseworker,
        case=open_case(actor=lead.caseworker),
        instrument_id=instrument.pk,
        screened_on=timezone.localdate(),
        answers=CLEAR_ANSWERS,
        decided_status="screened_no_indicators",
    )
    client.force_login(platform_admin)
    url = reverse("admin:screening_instrument_change", args=[instrument.pk])

    html = client.get(url).content.decode()

    assert 'name="name"' not in html
    assert 'name="questions-0-text"' not in html
    assert 'name="active"' in html
    assert client.get(reverse("admin:screening_instrument_delete", args=[instrument.pk])).status_code == 403
