import pytest
from django.utils import timezone

from casework.models import CaseEvent
from casework.services.events import case_event_record
from casework.services.sharing import participant_invite
from screening.services import screening_record, trafficking_status_change
from tests.api.conftest import Api, body, error_of
from tests.factories import open_case
from tests.screening.conftest import SUSPECT_ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as():
    return Api


REASON_MARKER = "MKSTATUSREASON"


@pytest.fixture
def case(lead, partner):
    case = open_case(actor=lead.caseworker, pseudonym="A.B.")
    participant_invite(actor=lead.liaison, case=case, agency=partner.agency)
    return case


@pytest.fixture
def screened(case, lead, instrument):
    return screening_record(
        actor=lead.caseworker,
        case=case,
        instrument_id=instrument.pk,
        screened_on=timezone.localdate(),
        answers={**SUSPECT_ANSWERS, "notes": "MKANSWER"},
        decided_status="suspected",
        reason=REASON_MARKER,
    ).screening


def test_instruments_list_their_questions_and_thresholds(api_as, partner, instrument):
    response = api_as(partner.caseworker).get("screening-instruments/")

    assert response.status_code == 200
    [listed] = body(response)["results"]
    assert (listed["key"], listed["version"], listed["scoring_rule"]) == (
        "bridge-sample-indicators",
        1,
        "sum",
    )
    assert [question["key"] for question in listed["questions"]][:2] == ["runaway", "older_partner"]
    assert listed["thresholds"] == [
        {"min_score": 2, "suggests": "at_risk"},
        {"min_score": 5, "suggests": "suspected"},
    ]


def test_recording_a_screening_changes_the_case_status(api_as, case, lead, instrument):
    response = api_as(lead.caseworker).post(
        f"cases/{case.pk}/screenings/",
        {
            "instrument": instrument.pk,
            "screened_on": timezone.localdate().isoformat(),
            "answers": SUSPECT_ANSWERS,
            "decided_status": "suspected",
        },
    )

    assert response.status_code == 201, response.content
    data = body(response)
    assert (data["score"], data["suggested_status"], data["decided_status"]) == (6, "suspected", "suspected")
    detail = body(api_as(lead.caseworker).get(f"cases/{case.pk}/"))
    assert detail["trafficking_status"] == "suspected"


def test_bad_answers_are_a_400_with_field_messages(api_as, case, lead, instrument):
    response = api_as(lead.caseworker).post(
        f"cases/{case.pk}/screenings/",
        {
            "instrument": instrument.pk,
            "screened_on": timezone.localdate().isoformat(),
            "answers": {**SUSPECT_ANSWERS, "runaway": "yes"},
            "decided_status": "suspected",
        },
    )

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"answers.runaway": ["Answer yes (true) or no (false)."]}


def test_an_agency_without_health_sees_the_status_but_no_screening_and_no_reason(
    api_as, case, partner, screened
):
    client = api_as(partner.liaison)

    listed = client.get(f"cases/{case.pk}/screenings/")
    detail = client.get(f"cases/{case.pk}/screenings/{screened.pk}/")
    history = client.get(f"cases/{case.pk}/trafficking-status/")
    case_detail = client.get(f"cases/{case.pk}/")

    assert (listed.status_code, body(listed)["results"]) == (200, [])
    assert detail.status_code == 404
    [change] = body(history)["results"]
    assert (change["status"], change["previous_status"]) == ("suspected", "not_screened")
    assert "reason" not in change
    assert "screening" not in change
    assert body(case_detail)["trafficking_status"] == "suspected"
    for response in (listed, detail, history, case_detail):
        assert REASON_MARKER.encode() not in response.content
        assert b"MKANSWER" not in response.content


def test_an_agency_with_health_sees_the_screening_and_the_reason(api_as, case, lead, screened):
    client = api_as(lead.caseworker)

    [listed] = body(client.get(f"cases/{case.pk}/screenings/"))["results"]
    [change] = body(client.get(f"cases/{case.pk}/trafficking-status/"))["results"]

    assert listed["answers"]["notes"] == "MKANSWER"
    assert (change["reason"], change["screening"]) == (REASON_MARKER, str(screened.pk))


def test_an_unrelated_agency_gets_404_on_every_screening_endpoint(api_as, case, unrelated, screened):
    client = api_as(unrelated.liaison)
    for path in ("screenings/", f"screenings/{screened.pk}/", "trafficking-status/"):
        assert client.get(f"cases/{case.pk}/{path}").status_code == 404
    assert (
        client.post(f"cases/{case.pk}/trafficking-status/", {"status": "at_risk", "reason": "x"}).status_code
        == 404
    )


def test_setting_the_status_to_confirmed_answers_with_the_change_and_starts_the_clock(api_as, case, lead):
    response = api_as(lead.liaison).post(
        f"cases/{case.pk}/trafficking-status/", {"status": "confirmed_labor", "reason": "Debt bondage."}
    )

    assert response.status_code == 201
    assert body(response)["status"] == "confirmed_labor"
    assert list(CaseEvent.objects.filter(case=case).values_list("type", flat=True)) == [
        "labor_trafficking_identified"
    ]


def test_a_partner_that_does_not_write_health_gets_403_on_status_change(api_as, case, partner):
    response = api_as(partner.liaison).post(
        f"cases/{case.pk}/trafficking-status/", {"status": "confirmed_sex", "reason": "Told so."}
    )
    assert response.status_code == 403


def test_case_list_filters_on_trafficking_status(api_as, case, lead):
    other = open_case(actor=lead.caseworker, pseudonym="C.D.")
    trafficking_status_change(actor=lead.caseworker, case=other, status="at_risk", reason="Older partner.")
    client = api_as(lead.liaison)

    at_risk = body(client.get("cases/", {"trafficking_status": "at_risk"}))["results"]
    either = body(client.get("cases/?trafficking_status=at_risk&trafficking_status=not_screened"))["results"]

    assert [row["pseudonym"] for row in at_risk] == ["C.D."]
    assert sorted(row["pseudonym"] for row in either) == ["A.B.", "C.D."]


def test_case_list_finds_children_in_care_never_screened(api_as, case, lead):
    in_care = open_case(actor=lead.caseworker, pseudonym="E.F.")
    screened_in_care = open_case(actor=lead.caseworker, pseudonym="G.H.")
    for child in (in_care, screened_in_care):
        case_event_record(
            actor=lead.caseworker, case=child, event_type="removed_from_home", occurred_at=timezone.now()
        )
    trafficking_status_change(
        actor=lead.caseworker, case=screened_in_care, status="screened_no_indicators", reason="Screened."
    )

    rows = body(api_as(lead.supervisor).get("cases/", {"in_care_never_screened": "true"}))["results"]

    assert [row["pseudonym"] for row in rows] == ["E.F."]


def test_in_care_never_screened_never_matches_for_an_agency_without_location(api_as, case, lead, partner):
    case_event_record(
        actor=lead.caseworker, case=case, event_type="removed_from_home", occurred_at=timezone.now()
    )

    rows = body(api_as(partner.supervisor).get("cases/", {"in_care_never_screened": "true"}))["results"]

    assert rows == []


def test_break_glass_on_health_reads_the_screening_but_never_writes(
    api_as, case, partner, screened, instrument
):
    client = api_as(partner.supervisor)
    opened = client.post(
        f"cases/{case.pk}/break-glass/", {"section": "health", "reason": "Child missing, need medical needs."}
    )

    listed = client.get(f"cases/{case.pk}/screenings/")
    recorded = client.post(
        f"cases/{case.pk}/screenings/",
        {
            "instrument": instrument.pk,
            "screened_on": timezone.localdate().isoformat(),
            "answers": SUSPECT_ANSWERS,
            "decided_status": "suspected",
        },
    )
    changed = client.post(f"cases/{case.pk}/trafficking-status/", {"status": "confirmed_sex", "reason": "x"})

    assert opened.status_code == 201
    assert [row["id"] for row in body(listed)["results"]] == [str(screened.pk)]
    assert (recorded.status_code, changed.status_code) == (403, 403)
