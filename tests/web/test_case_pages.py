"""The case page: a tab per section the reader may read and none for the others, section content
only for its readers, edits that never overwrite someone else's, notes, events and the timeline."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditRecord
from casework.access import get_case_access
from casework.models import Case, IdentitySection, LocationSection, Note, Task
from casework.services.cases import case_update
from tests.factories import open_case
from tests.web.conftest import text

pytestmark = pytest.mark.django_db


def tab_labels(response) -> list[str]:
    nav = response.content.decode().split('<nav class="tabs"', 1)[1].split("</nav>", 1)[0]
    return [label.strip() for label in re.findall(r"<a [^>]*>([^<]+)</a>", nav)]


def test_the_lead_caseworker_gets_a_tab_for_each_section_their_agency_reads(browser_as, lead, case):
    response = browser_as(lead.caseworker).get(f"/cases/{case.pk}/")

    assert tab_labels(response) == [
        "Overview",
        "Identity",
        "Location",
        "Immigration",
        "Health",
        "Immigration relief",
        "Court",
        "Documents",
        "Tasks",
        "Handoffs",
        "Referrals",
        "Events",
        "Plan",
        "Screening",
        "Timeline",
        "Closing",
        "Sharing",
    ]


def test_the_lead_supervisor_also_gets_the_disclosure_history(browser_as, lead, case):
    assert tab_labels(browser_as(lead.supervisor).get(f"/cases/{case.pk}/"))[-2:] == [
        "Disclosures",
        "Emergency access",
    ]


def test_a_partner_gets_tabs_only_for_the_sections_it_reads(browser_as, partner, shared_case):
    labels = tab_labels(browser_as(partner.liaison).get(f"/cases/{shared_case.pk}/"))

    # Sharing: the police liaison grants the investigation section its agency stewards.
    assert labels == [
        "Overview",
        "Identity",
        "Investigation",
        "Court",
        "Documents",
        "Tasks",
        "Handoffs",
        "Referrals",
        "Events",
        "Plan",
        "Screening",
        "Timeline",
        "Sharing",
    ]


@pytest.fixture
def partner_reader(partner, shared_case):
    return partner.liaison


def partner_pages(case):
    return [
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/sections/identity/",
        f"/cases/{case.pk}/sections/investigation/",
        f"/cases/{case.pk}/tasks/",
        f"/cases/{case.pk}/handoffs/",
        f"/cases/{case.pk}/events/",
        f"/cases/{case.pk}/timeline/",
    ]


def test_a_section_the_reader_may_not_read_appears_nowhere_in_their_pages(
    browser_as, partner_reader, shared_case
):
    browser = browser_as(partner_reader)
    for path in partner_pages(shared_case):
        html = browser.get(path).content.decode().lower()
        assert "12 elm street" not in html, path
        assert "lee high" not in html, path
        assert "foster_family" not in html, path
        assert "location" not in html, path


def test_a_section_the_reader_may_not_read_is_not_found(browser_as, partner_reader, shared_case):
    browser = browser_as(partner_reader)

    assert browser.get(f"/cases/{shared_case.pk}/sections/location/").status_code == 404
    assert browser.get(f"/cases/{shared_case.pk}/sections/location/edit/").status_code == 404
    assert browser.get(f"/cases/{shared_case.pk}/sections/nonsense/").status_code == 404


def test_a_user_of_an_unrelated_agency_gets_not_found_for_every_case_page(browser_as, unrelated, case):
    browser = browser_as(unrelated.supervisor)
    for path in [*partner_pages(case), f"/cases/{case.pk}/sharing/", f"/cases/{case.pk}/disclosures/"]:
        response = browser.get(path)
        assert response.status_code == 404, path
        assert "M.R." not in response.content.decode(), path


def test_the_not_found_page_does_not_say_whether_the_case_exists(browser_as, unrelated, case):
    missing = browser_as(unrelated.supervisor).get("/cases/00000000-0000-0000-0000-000000000000/")
    hidden = browser_as(unrelated.supervisor).get(f"/cases/{case.pk}/")

    assert text(missing) == text(hidden)


def test_a_section_tab_shows_its_fields(browser_as, lead, case):
    page = text(browser_as(lead.caseworker).get(f"/cases/{case.pk}/sections/location/"))

    assert "Placement type Foster family Address 12 Elm Street School Lee High" in page


def test_reading_a_restricted_section_is_audited(browser_as, lead, case):
    browser_as(lead.caseworker).get(f"/cases/{case.pk}/sections/location/")

    record = AuditRecord.objects.filter(event_type="section.read", case_id=case.pk).get()
    assert (record.user, record.section, record.component) == (lead.caseworker, "location", "web")


def edit(browser, case, section, **values):
    return browser.post(f"/cases/{case.pk}/sections/{section}/edit/", values)


def test_editing_a_section_saves_and_returns_to_it(browser_as, lead, case):
    response = edit(
        browser_as(lead.caseworker),
        case,
        "location",
        version=case.version,
        placement_type="kinship",
        address="4 Oak Lane",
        school="Lee High",
    )

    assert (response.status_code, response["Location"]) == (302, f"/cases/{case.pk}/sections/location/")
    location = LocationSection.objects.get(case=case)
    assert (location.placement_type, location.address) == ("kinship", "4 Oak Lane")


def test_an_edit_against_a_stale_version_shows_both_and_overwrites_nothing(browser_as, lead, case):
    loaded_version = case.version
    case_update(
        actor=lead.liaison,
        case=case,
        expected_version=loaded_version,
        sections={"location": {"address": "9 Birch Road"}},
    )

    response = edit(
        browser_as(lead.caseworker),
        case,
        "location",
        version=loaded_version,
        placement_type="foster_family",
        address="4 Oak Lane",
        school="Lee High",
    )

    assert response.status_code == 409
    page = text(response)
    assert "Someone changed this case while you were editing" in page
    assert "Address differs 9 Birch Road 4 Oak Lane" in page
    current = get_case_access(user=lead.caseworker, case_id=case.pk).version
    assert f'name="version" value="{current}"' in response.content.decode()
    assert LocationSection.objects.get(case=case).address == "9 Birch Road"


def test_saving_again_from_the_conflict_page_applies_my_values(browser_as, lead, case):
    case_update(
        actor=lead.liaison,
        case=case,
        expected_version=case.version,
        sections={"location": {"school": "Oak High"}},
    )
    current = get_case_access(user=lead.caseworker, case_id=case.pk).version

    response = edit(
        browser_as(lead.caseworker),
        case,
        "location",
        version=current,
        placement_type="foster_family",
        address="4 Oak Lane",
        school="Oak High",
    )

    assert response.status_code == 302
    assert LocationSection.objects.get(case=case).address == "4 Oak Lane"


def test_an_invalid_value_is_shown_on_its_field(browser_as, lead, case):
    response = edit(
        browser_as(lead.caseworker),
        case,
        "identity",
        version=case.version,
        legal_name="Maria Rivera",
        date_of_birth="2010-02-30",
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "Enter a valid date." in text(response)
    assert str(IdentitySection.objects.get(case=case).date_of_birth) == "2010-04-02"


def test_a_partner_may_not_edit_what_the_lead_stewards(browser_as, partner_reader, shared_case):
    response = browser_as(partner_reader).get(f"/cases/{shared_case.pk}/sections/identity/edit/")

    assert response.status_code == 403
    assert "Your agency may not change this section." in text(response)


def test_editing_the_case_details_changes_the_core_fields(browser_as, lead, case):
    response = edit(
        browser_as(lead.caseworker),
        case,
        "core",
        version=case.version,
        pseudonym="M.R.R.",
        age_band="12-14",
        status="open",
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.pseudonym, case.age_band, case.version) == ("M.R.R.", "12-14", 2)


def test_a_note_is_added_to_the_section_it_was_written_in(browser_as, lead, case):
    response = browser_as(lead.caseworker).post(
        f"/cases/{case.pk}/notes/", {"section": "location", "body": "Moved rooms."}
    )

    assert (response.status_code, response["Location"]) == (302, f"/cases/{case.pk}/sections/location/")
    note = Note.objects.get(case=case)
    assert (note.section, note.body, note.author) == ("location", "Moved rooms.", lead.caseworker)


def test_a_note_in_a_section_the_reader_may_not_read_is_refused(browser_as, partner_reader, shared_case):
    response = browser_as(partner_reader).post(
        f"/cases/{shared_case.pk}/notes/", {"section": "location", "body": "x"}
    )

    assert response.status_code == 404
    assert not Note.objects.exists()


def test_an_empty_note_is_shown_with_its_error(browser_as, lead, case):
    response = browser_as(lead.caseworker).post(
        f"/cases/{case.pk}/notes/", {"section": "core", "body": "   "}
    )

    assert response.status_code == 400
    assert "This field is required." in text(response)


def test_recording_an_event_shows_the_tasks_it_started(browser_as, lead, case):
    occurred = timezone.localtime() - timedelta(hours=1)

    response = browser_as(lead.caseworker).post(
        f"/cases/{case.pk}/events/",
        {"event_type": "missing_reported", "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M")},
        htmx=True,
    )

    assert response.status_code == 200
    page = text(response)
    assert "Recorded: Reported missing" in page
    assert "It started 2 deadlines:" in page
    assert "Report missing child to law enforcement and NCMEC" in page
    assert "Deadline set by law: 42 U.S.C. 671(a)(35)(B)" in page
    assert "Enter missing child in NCIC" in page
    assert sorted(Task.objects.filter(case=case).values_list("template__key", flat=True)) == [
        "enter-missing-child-ncic",
        "report-missing-child",
    ]


def test_an_event_in_the_future_is_refused_on_its_field(browser_as, lead, case):
    later = timezone.localtime() + timedelta(days=2)

    response = browser_as(lead.caseworker).post(
        f"/cases/{case.pk}/events/",
        {"event_type": "missing_reported", "occurred_at": later.strftime("%Y-%m-%dT%H:%M")},
    )

    assert response.status_code == 400
    assert "An event cannot have happened in the future: give the time it happened." in text(response)
    assert not Task.objects.exists()


def test_a_court_hearing_needs_its_date(browser_as, lead, case):
    response = browser_as(lead.caseworker).post(
        f"/cases/{case.pk}/events/",
        {
            "event_type": "court_hearing_scheduled",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert response.status_code == 400
    assert "Enter the date and time of the court hearing." in text(response)


def test_the_timeline_shows_what_happened(browser_as, lead, case):
    page = text(browser_as(lead.caseworker).get(f"/cases/{case.pk}/timeline/"))

    assert f"Case opened by {lead.agency.name}." in page


def test_the_tasks_tab_creates_a_task_for_my_agency(browser_as, lead, case):
    due = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

    response = browser_as(lead.caseworker).post(
        f"/cases/{case.pk}/tasks/",
        {
            "title": "Visit school",
            "due_at": due,
            "priority": "high",
            "assignee": str(lead.caseworker.public_id),
        },
    )

    assert response.status_code == 302
    task = Task.objects.get(case=case)
    assert (task.title, task.owner_agency, task.assignee, task.priority) == (
        "Visit school",
        lead.agency,
        lead.caseworker,
        "high",
    )


def test_search_finds_cases_by_number_and_pseudonym(browser_as, lead, case):
    other = open_case(actor=lead.caseworker, pseudonym="J.T.")
    browser = browser_as(lead.caseworker)

    by_number = text(browser.client.post("/cases/", {"q": case.number}, follow=True))
    by_pseudonym = text(browser.client.post("/cases/", {"q": "j.t"}, follow=True))

    assert case.number in by_number
    assert other.number not in by_number
    assert other.number in by_pseudonym
    assert case.number not in by_pseudonym


def test_search_never_finds_a_case_the_reader_may_not_see(browser_as, unrelated, case):
    page = text(browser_as(unrelated.supervisor).client.post("/cases/", {"q": case.number}, follow=True))

    assert f"No case you can see matches “{case.number}”." in page


def test_what_was_typed_into_search_never_reaches_the_url(browser_as, lead, case):
    browser = browser_as(lead.caseworker)

    posted = browser.post("/cases/", {"q": "Maria Lopez"})
    shown = browser.get(posted["Location"])
    swapped = browser.post("/cases/", {"q": "Maria Lopez"}, htmx=True)

    assert posted.status_code == 302
    assert posted["Location"].startswith("/cases/?search=")
    assert "Maria" not in posted["Location"]
    assert "Maria" not in swapped["HX-Push-Url"]
    assert "No case you can see matches “Maria Lopez”." in text(shown)
    assert 'value="Maria Lopez"' in shown.content.decode()


def test_a_search_key_from_another_session_shows_the_plain_list(browser_as, lead, case):
    key = browser_as(lead.caseworker).post("/cases/", {"q": "Maria Lopez"})["Location"]

    page = text(browser_as(lead.liaison).get(key))

    assert "Maria Lopez" not in page
    assert "Cases you can see, newest first" in page


def test_opening_a_case_makes_my_agency_lead_it(browser_as, lead):
    response = browser_as(lead.caseworker).post("/cases/new/", {"pseudonym": "A.B.", "age_band": "12-14"})

    case = Case.objects.get(pseudonym="A.B.")
    assert (response.status_code, response["Location"]) == (302, f"/cases/{case.pk}/")
    assert case.lead_agency == lead.agency


def test_an_unrelated_agencys_attempt_to_open_a_case_page_is_audited_as_denied(browser_as, unrelated, case):
    response = browser_as(unrelated.supervisor).get(f"/cases/{case.pk}/")

    assert response.status_code == 404
    record = AuditRecord.objects.get(event_type="access.denied", user=unrelated.supervisor)
    assert (record.object_type, record.object_id, record.case_id, record.detail) == (
        "case",
        str(case.pk),
        case.pk,
        {"status": 404},
    )


def test_an_agency_admin_refused_a_case_page_is_audited_as_denied(browser_as, lead, case):
    response = browser_as(lead.admin).get(f"/cases/{case.pk}/")

    assert response.status_code == 403
    assert (
        AuditRecord.objects.filter(
            event_type="access.denied", user=lead.admin, detail={"status": 403}
        ).count()
        == 1
    )
