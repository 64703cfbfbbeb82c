"""The supervisors' birthday watch: relief not yet filed near the child's 18th or 21st birthday, on
the dashboard page and in the API, only where the supervisor's agency reads immigration."""

import pytest
from django.test import Client

from casework.models import Case
from relief.models import ReliefKind, ReliefStatus
from relief.selectors import relief_birthday_watch
from relief.services import relief_record_add
from tests.api.conftest import Api, body
from tests.relief.conftest import born_turning, relief_case_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def turning_18_soon(lead, advocate, partner) -> Case:
    return relief_case_for(lead=lead, advocate=advocate, partner=partner, born=born_turning(18, in_days=40))


def test_unfiled_relief_near_the_18th_birthday_is_on_the_watch(turning_18_soon, lead, advocate):
    relief_record_add(actor=advocate.liaison, case=turning_18_soon, kind=ReliefKind.T_VISA)

    rows = relief_birthday_watch(user=lead.supervisor)

    assert [(row.case_number, row.kind, row.status, row.age, row.days_left) for row in rows] == [
        (turning_18_soon.number, "t_visa", "considering", 18, 40)
    ]


def test_unfiled_relief_near_the_21st_birthday_is_on_the_watch(lead, advocate, partner):
    case = relief_case_for(lead=lead, advocate=advocate, partner=partner, born=born_turning(21, in_days=179))
    relief_record_add(actor=advocate.liaison, case=case, kind=ReliefKind.SIJS_PETITION)

    rows = relief_birthday_watch(user=advocate.supervisor)

    assert [(row.kind, row.age, row.days_left) for row in rows] == [("sijs_petition", 21, 179)]


def test_a_birthday_further_than_180_days_is_not_on_the_watch(lead, advocate, partner):
    case = relief_case_for(lead=lead, advocate=advocate, partner=partner, born=born_turning(18, in_days=181))
    relief_record_add(actor=advocate.liaison, case=case, kind=ReliefKind.T_VISA)

    assert relief_birthday_watch(user=lead.supervisor) == []


def test_filed_relief_is_not_on_the_watch(turning_18_soon, lead, advocate):
    relief_record_add(
        actor=advocate.liaison, case=turning_18_soon, kind=ReliefKind.T_VISA, status=ReliefStatus.FILED
    )

    assert relief_birthday_watch(user=lead.supervisor) == []


def test_a_supervisor_whose_agency_does_not_read_immigration_sees_nothing(turning_18_soon, advocate, partner):
    relief_record_add(actor=advocate.liaison, case=turning_18_soon, kind=ReliefKind.T_VISA)

    assert relief_birthday_watch(user=partner.supervisor) == []


def test_the_watch_is_for_supervisors(turning_18_soon, lead, advocate):
    relief_record_add(actor=advocate.liaison, case=turning_18_soon, kind=ReliefKind.T_VISA)

    assert relief_birthday_watch(user=lead.liaison) == []


@pytest.mark.parametrize("cases", [1, 4])
def test_the_watch_costs_the_same_queries_for_more_cases(
    lead, advocate, partner, django_assert_num_queries, cases
):
    for number in range(cases):
        case = relief_case_for(
            lead=lead,
            advocate=advocate,
            partner=partner,
            born=born_turning(18, in_days=10),
            pseudonym=f"C.{number}",
        )
        relief_record_add(actor=advocate.liaison, case=case, kind=ReliefKind.T_VISA)

    with django_assert_num_queries(1):
        rows = relief_birthday_watch(user=lead.supervisor)

    assert len(rows) == cases


def test_the_api_dashboard_lists_the_watch(turning_18_soon, lead, advocate):
    record = relief_record_add(actor=advocate.liaison, case=turning_18_soon, kind=ReliefKind.T_VISA)

    response = Api(lead.supervisor).get("dashboard/")

    assert response.status_code == 200
    [row] = body(response)["relief_birthdays"]
    assert (row["relief_record"], row["case_number"], row["kind"], row["age"], row["days_left"]) == (
        str(record.pk),
        turning_18_soon.number,
        "t_visa",
        18,
        40,
    )


def test_the_api_dashboard_of_an_agency_without_immigration_lists_none(turning_18_soon, advocate, partner):
    relief_record_add(actor=advocate.liaison, case=turning_18_soon, kind=ReliefKind.T_VISA)

    response = Api(partner.supervisor).get("dashboard/")

    assert body(response)["relief_birthdays"] == []
    assert turning_18_soon.number not in response.content.decode()


def test_the_dashboard_page_shows_the_watch(turning_18_soon, lead, advocate):
    relief_record_add(actor=advocate.liaison, case=turning_18_soon, kind=ReliefKind.T_VISA)
    client = Client()
    client.force_login(lead.supervisor)

    html = client.get("/dashboard/").content.decode()

    assert f'<a href="/cases/{turning_18_soon.pk}/relief/">{turning_18_soon.number}</a>' in html
    assert "T visa (Form I-914)" in html
