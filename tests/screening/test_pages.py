"""The Screening tab: the status for every agency on the case, screenings and reasons only for
readers of the health section, and the two-step form rendered from the instrument's data."""

import pytest
from django.utils import timezone

from casework.models import Task
from casework.services.events import case_event_record
from casework.services.sharing import participant_invite
from screening.models import Screening
from screening.selectors import (
    SCREENING_PANEL,
    agency_screening_panel,
    screening_overview,
    stored_screening_overview,
)
from screening.services import screening_record, trafficking_status_change
from tests.factories import open_case
from tests.screening.conftest import SUSPECT_ANSWERS
from tests.web.conftest import Browser, html_text, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(lead, partner):
    case = open_case(actor=lead.caseworker, pseudonym="A.B.")
    participant_invite(actor=lead.liaison, case=case, agency=partner.agency)
    return case


def _answers_post(answers, **extra):
    data = {"screened_on": timezone.localdate().isoformat(), **extra}
    for key, value in answers.items():
        data[f"answer_{key}"] = ("yes" if value else "no") if isinstance(value, bool) else value
    return data


def test_scoring_the_answers_shows_the_suggestion_and_asks_to_confirm(case, lead, instrument):
    response = Browser(lead.caseworker).post(
        f"/cases/{case.pk}/screening/new/{instrument.pk}/", _answers_post(SUSPECT_ANSWERS)
    )

    assert response.status_code == 200
    page = text(response)
    assert "Score 6: the instrument suggests Suspected victim" in page
    assert "The screen suggests a higher status" in page
    assert 'name="confirm"' in response.content.decode()
    assert not Screening.objects.exists()


def test_confirming_records_the_screening_and_changes_the_status(case, lead, instrument):
    response = Browser(lead.caseworker).post(
        f"/cases/{case.pk}/screening/new/{instrument.pk}/",
        _answers_post(
            SUSPECT_ANSWERS, decided_status="confirmed_sex", reason="She disclosed it.", confirm="1"
        ),
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.trafficking_status == "confirmed_sex"
    assert list(Task.objects.filter(case=case).values_list("template__key", flat=True)) == [
        "report-sex-trafficking-victim"
    ]


def test_confirming_another_status_without_a_reason_shows_the_error(case, lead, instrument):
    response = Browser(lead.caseworker).post(
        f"/cases/{case.pk}/screening/new/{instrument.pk}/",
        _answers_post(SUSPECT_ANSWERS, decided_status="at_risk", confirm="1"),
    )

    assert response.status_code == 400
    assert "Say why." in text(response)
    assert not Screening.objects.exists()


def test_a_partner_without_health_sees_the_status_but_not_the_screening(case, lead, partner, instrument):
    screening_record(
        actor=lead.caseworker,
        case=case,
        instrument_id=instrument.pk,
        screened_on=timezone.localdate(),
        answers={**SUSPECT_ANSWERS, "notes": "MKANSWER"},
        decided_status="suspected",
        reason="MKREASON",
    )

    response = Browser(partner.liaison).get(f"/cases/{case.pk}/screening/")

    assert response.status_code == 200
    page = text(response)
    assert "Trafficking status: Suspected victim" in page
    assert "Not screened → Suspected victim" in page
    for marker in ("MKANSWER", "MKREASON", "Record a screening"):
        assert marker not in page


def test_the_lead_sees_screenings_answers_and_reasons(case, lead, instrument):
    screening_record(
        actor=lead.caseworker,
        case=case,
        instrument_id=instrument.pk,
        screened_on=timezone.localdate(),
        answers={**SUSPECT_ANSWERS, "notes": "MKANSWER"},
        decided_status="confirmed_labor",
        reason="MKREASON",
    )

    page = text(Browser(lead.caseworker).get(f"/cases/{case.pk}/screening/"))

    assert "MKANSWER" in page
    assert "Why: MKREASON" in page


def test_a_partner_without_health_may_not_open_the_screening_form(case, partner, instrument):
    response = Browser(partner.liaison).get(f"/cases/{case.pk}/screening/new/{instrument.pk}/")
    assert response.status_code == 403


def test_changing_the_status_from_the_tab(case, lead):
    response = Browser(lead.liaison).post(
        f"/cases/{case.pk}/screening/status/", {"status": "at_risk", "reason": "Older partner."}
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.trafficking_status == "at_risk"


def test_changing_the_status_without_a_reason_is_a_400_with_the_form(case, lead):
    response = Browser(lead.liaison).post(f"/cases/{case.pk}/screening/status/", {"status": "at_risk"})

    assert response.status_code == 400
    assert "Please correct the fields marked below." in text(response)


def test_the_case_list_filters_on_trafficking_status(lead):
    at_risk = open_case(actor=lead.caseworker, pseudonym="R.K.")
    open_case(actor=lead.caseworker, pseudonym="N.S.")
    trafficking_status_change(actor=lead.caseworker, case=at_risk, status="at_risk", reason="Older partner.")

    page = text(Browser(lead.liaison).get("/cases/", {"trafficking": "at_risk"}))

    assert "R.K." in page
    assert "N.S." not in page


def test_the_case_list_finds_children_in_care_never_screened(lead):
    in_care = open_case(actor=lead.caseworker, pseudonym="R.K.")
    open_case(actor=lead.caseworker, pseudonym="N.S.")
    case_event_record(
        actor=lead.caseworker, case=in_care, event_type="removed_from_home", occurred_at=timezone.now()
    )

    page = text(Browser(lead.supervisor).get("/cases/", {"unscreened": "on"}))

    assert "R.K." in page
    assert "N.S." not in page


def test_the_supervisor_dashboard_counts_statuses_and_children_in_care_never_screened(lead):
    in_care = open_case(actor=lead.caseworker, pseudonym="R.K.")
    at_risk = open_case(actor=lead.caseworker, pseudonym="N.S.")
    case_event_record(
        actor=lead.caseworker, case=in_care, event_type="removed_from_home", occurred_at=timezone.now()
    )
    trafficking_status_change(actor=lead.caseworker, case=at_risk, status="at_risk", reason="Older partner.")

    response = Browser(lead.supervisor).get("/dashboard/")

    panel = response.content.decode().split('id="screening-panel"', 1)[1].split("</section>", 1)[0]
    assert "1 child in care never screened" in html_text(panel)
    assert "Not screened 1" in html_text(panel)
    assert "At risk 1" in html_text(panel)


def test_the_dashboard_serves_the_screening_overview_stored_with_its_figures(lead):
    in_care = open_case(actor=lead.caseworker, pseudonym="R.K.")
    case_event_record(
        actor=lead.caseworker, case=in_care, event_type="removed_from_home", occurred_at=timezone.now()
    )
    browser = Browser(lead.supervisor)
    browser.get("/dashboard/")
    trafficking_status_change(actor=lead.caseworker, case=in_care, status="at_risk", reason="Older partner.")

    stored = browser.get("/dashboard/")
    fresh = browser.get("/dashboard/", {"fresh": "1"})

    def panel(response):
        return html_text(
            response.content.decode().split('id="screening-panel"', 1)[1].split("</section>", 1)[0]
        )

    assert ("1 child in care never screened" in panel(stored), "At risk 0" in panel(stored)) == (True, True)
    assert ("1 child in care never screened" in panel(fresh), "At risk 1" in panel(fresh)) == (False, True)


@pytest.mark.parametrize("role", ["liaison", "supervisor"])
def test_the_agencys_stored_overview_is_what_its_liaisons_and_supervisors_see(lead, partner, role):
    in_care = open_case(actor=lead.caseworker, pseudonym="R.K.")
    other = open_case(actor=lead.caseworker, pseudonym="N.S.")
    participant_invite(actor=lead.liaison, case=in_care, agency=partner.agency)
    case_event_record(
        actor=lead.caseworker, case=in_care, event_type="removed_from_home", occurred_at=timezone.now()
    )
    trafficking_status_change(actor=lead.caseworker, case=other, status="at_risk", reason="Older partner.")

    for staff in (lead, partner):
        seen = screening_overview(user=getattr(staff, role))
        stored = stored_screening_overview({SCREENING_PANEL: agency_screening_panel(staff.agency)})
        assert stored == seen
        assert seen.by_status != []
    assert screening_overview(user=lead.supervisor).in_care_never_screened == 1
    assert screening_overview(user=partner.supervisor).in_care_never_screened == 0


def test_a_stored_overview_for_other_statuses_is_not_served():
    assert stored_screening_overview({SCREENING_PANEL: {"not_screened": 3}}) is None
    assert stored_screening_overview({}) is None
