from datetime import timedelta

import pytest
from django.utils import timezone

from casework.models import Task
from casework.services.sharing import grant_create, participant_invite, team_member_add
from court.services import restitution_order_add
from tests.api.conftest import Api, body, error_of
from tests.conftest import make_staff
from tests.court.conftest import DEFENDANT_NAME

pytestmark = pytest.mark.django_db


def url(case, path):
    return f"cases/{case.pk}/{path}"


def test_the_lead_schedules_a_hearing_every_participant_reads(court_case, lead, da):
    at = (timezone.now() + timedelta(days=5)).replace(microsecond=0).isoformat()

    created = Api(lead.liaison).post(
        url(court_case, "hearings/"), {"type": "disposition", "scheduled_at": at}
    )
    listed = Api(da.liaison).get(url(court_case, "hearings/"))

    assert created.status_code == 201
    assert [row["type"] for row in body(listed)["results"]] == ["disposition"]


def test_a_partner_may_not_schedule_a_dependency_hearing(court_case, da):
    at = (timezone.now() + timedelta(days=5)).isoformat()

    response = Api(da.liaison).post(url(court_case, "hearings/"), {"type": "review", "scheduled_at": at})

    assert response.status_code == 403


def test_a_hearing_outcome_needs_the_current_etag(court_case, lead):
    at = (timezone.now() + timedelta(days=5)).isoformat()
    api = Api(lead.liaison)
    hearing = body(api.post(url(court_case, "hearings/"), {"type": "review", "scheduled_at": at}))

    missing = api.patch(url(court_case, f"hearings/{hearing['id']}/"), {"outcome": "held"})
    done = api.patch(
        url(court_case, f"hearings/{hearing['id']}/"), {"outcome": "held"}, **{"If-Match": '"1"'}
    )

    assert (missing.status_code, done.status_code, body(done)["outcome"]) == (428, 200, "held")


def test_child_welfare_gets_404_for_the_criminal_case_as_if_there_were_none(criminal_case, court_case, lead):
    api = Api(lead.liaison)

    detail = api.get(url(court_case, f"criminal-cases/{criminal_case.pk}/"))
    missing = api.get(url(court_case, "criminal-cases/00000000-0000-0000-0000-000000000000/"))
    listed = api.get(url(court_case, "criminal-cases/"))
    post = api.post(url(court_case, "criminal-cases/"), {"court": "Any"})

    assert (detail.status_code, missing.status_code, post.status_code) == (404, 404, 404)
    assert error_of(detail) == error_of(missing)
    assert body(listed)["results"] == []


def test_a_victim_services_agency_granted_investigation_reads_but_may_not_write(
    criminal_case, court_case, lead, partner
):
    center = make_staff(kind="victim_services", name="Safe Harbor")
    participant_invite(actor=lead.liaison, case=court_case, agency=center.agency)
    grant_create(actor=partner.liaison, case=court_case, agency=center.agency, section="investigation")
    api = Api(center.liaison)

    read = api.get(url(court_case, f"criminal-cases/{criminal_case.pk}/"))
    write = api.post(url(court_case, "criminal-cases/"), {"court": "Any"})

    assert (read.status_code, write.status_code) == (200, 403)
    assert "prosecution agency" in error_of(write)["message"]


def test_recording_a_release_through_the_api_creates_the_coordinators_task(defendant, court_case, da):
    at = (timezone.now() - timedelta(hours=1)).replace(microsecond=0)

    team_member_add(actor=da.liaison, case=court_case, member=da.caseworker)

    response = Api(da.caseworker).post(
        url(court_case, "custody-events/"),
        {
            "defendant": str(defendant.pk),
            "kind": "released",
            "occurred_at": at.isoformat(),
            "details": "Bond",
        },
    )

    assert response.status_code == 201
    [task] = Task.objects.filter(template__key="notify-victim-defendant-released")
    assert task.due_at == at + timedelta(hours=24)


def test_a_defendant_of_another_case_is_a_400_on_its_field(court_case, da):
    response = Api(da.liaison).post(
        url(court_case, "custody-events/"),
        {
            "defendant": "00000000-0000-0000-0000-000000000000",
            "kind": "released",
            "occurred_at": timezone.now().isoformat(),
        },
    )

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["defendant"]


@pytest.mark.parametrize("amount", ["-1", "0", "abc", "NaN", "1e400", "12.345", 10**12])
def test_bad_money_is_a_400_on_its_field(defendant, court_case, da, amount):
    response = Api(da.liaison).post(
        url(court_case, "restitution-orders/"),
        {"defendant": str(defendant.pk), "amount": amount, "ordered_on": "2026-11-01"},
    )

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["amount"]


def test_restitution_lists_its_balance(defendant, court_case, da):
    order = restitution_order_add(
        actor=da.liaison, defendant=defendant, amount="5000", ordered_on=timezone.localdate()
    )
    api = Api(da.liaison)

    paid = api.post(
        url(court_case, "restitution-payments/"),
        {"order": str(order.pk), "amount": "125.25", "paid_on": "2026-11-15", "reference": "CHK-1"},
    )
    listed = body(api.get(url(court_case, "restitution-orders/")))["results"]

    assert paid.status_code == 201
    assert [(row["amount"], row["paid"], row["balance"]) for row in listed] == [
        ("5000.00", "125.25", "4874.75")
    ]


def test_the_defendant_name_is_shown_to_investigation_readers(defendant, court_case, partner):
    listed = body(Api(partner.liaison).get(url(court_case, "defendants/")))["results"]

    assert [row["defendant_name"] for row in listed] == [DEFENDANT_NAME]
