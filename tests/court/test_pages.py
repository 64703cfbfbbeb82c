"""The case's Court tab."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.models import Task
from court.models import CustodyEvent, RestitutionOrder
from court.services import dependency_hearing_schedule, restitution_order_add, restitution_payment_add
from tests.court.conftest import DEFENDANT_NAME
from tests.web.conftest import Browser

pytestmark = pytest.mark.django_db


def tab_url(case):
    return f"/cases/{case.pk}/court/"


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_child_welfare_sees_hearings_but_nothing_of_the_criminal_case(defendant, court_case, lead):
    dependency_hearing_schedule(
        actor=lead.liaison,
        case=court_case,
        type="disposition",
        scheduled_at=timezone.now() + timedelta(days=3),
    )

    overview = Browser(lead.caseworker).get(f"/cases/{court_case.pk}/").content.decode()
    page = Browser(lead.caseworker).get(tab_url(court_case))

    html = page.content.decode()
    assert f'href="{tab_url(court_case)}"' in overview
    assert page.status_code == 200
    assert "Disposition" in html
    assert DEFENDANT_NAME not in html
    assert "Criminal case" not in html


def test_child_welfare_posting_a_criminal_record_gets_404(criminal_case, court_case, lead):
    response = Browser(lead.liaison).post(
        f"/cases/{court_case.pk}/court/criminal-case/", {"court": "Any", "status": "charged"}
    )

    assert response.status_code == 404


def test_the_prosecutor_sees_the_criminal_case_with_its_restitution_balance(defendant, court_case, da):
    order = restitution_order_add(
        actor=da.liaison, defendant=defendant, amount="900", ordered_on=timezone.localdate()
    )
    restitution_payment_add(actor=da.liaison, order=order, amount="150", paid_on=timezone.localdate())

    html = Browser(da.liaison).get(tab_url(court_case)).content.decode()

    assert DEFENDANT_NAME in html
    assert "$750.00" in html
    assert "Record a custody change" in html


def test_a_release_recorded_on_the_page_asks_for_the_victims_notice(defendant, court_case, da):
    response = Browser(da.liaison).post(
        f"/cases/{court_case.pk}/court/custody-event/",
        {
            "defendant": str(defendant.pk),
            "kind": "released",
            "occurred_at": local(timezone.now() - timedelta(hours=1)),
        },
    )

    assert response.status_code == 302
    assert CustodyEvent.objects.get().kind == "released"
    assert Task.objects.filter(
        template__key="notify-victim-defendant-released", owner_agency=da.agency
    ).exists()


def test_bad_money_on_the_page_is_shown_on_its_field_and_nothing_is_saved(defendant, court_case, da):
    response = Browser(da.liaison).post(
        f"/cases/{court_case.pk}/court/restitution-order/",
        {"defendant": str(defendant.pk), "amount": "-3", "ordered_on": "2026-11-02"},
    )

    assert response.status_code == 400
    assert 'id="id_amount_error"' in response.content.decode()
    assert not RestitutionOrder.objects.exists()


def test_the_lead_schedules_a_hearing_on_the_page(court_case, lead):
    response = Browser(lead.liaison).post(
        f"/cases/{court_case.pk}/court/hearings/",
        {"type": "review", "scheduled_at": local(timezone.now() + timedelta(days=9))},
    )

    assert response.status_code == 302
    assert Task.objects.filter(case=court_case, template__key="court-hearing-child-welfare").count() == 1


def test_the_prosecutor_moves_the_criminal_case_to_sentenced_on_the_page(criminal_case, court_case, da):
    prefix = f"criminal-{criminal_case.pk.hex[:12]}"

    response = Browser(da.liaison).post(
        f"/cases/{court_case.pk}/court/criminal-cases/{criminal_case.pk}/",
        {f"{prefix}-status": "sentenced", f"{prefix}-version": "1"},
    )

    criminal_case.refresh_from_db()
    assert response.status_code == 302
    assert (criminal_case.status, criminal_case.version) == ("sentenced", 2)
