"""Notes on a section page (issue 13, item 5): the box says which agencies will read the note
before it is saved, long notes are collapsed behind "Show all", and long words wrap."""

import pytest
from django.utils import timezone

from casework.services.notes import note_add
from casework.services.sharing import consent_record, grant_create
from tests.web.conftest import text
from web.templatetags.bridge import PREVIEW_CHARACTERS, text_preview

pytestmark = pytest.mark.django_db


def visible_to(response) -> str:
    return text(response).split("Visible to: ", 1)[1].split(" Add note", 1)[0]


def test_the_note_box_of_a_section_names_the_agencies_that_read_it_now(
    browser_as, lead, partner, shared_case
):
    browser = browser_as(lead.caseworker)
    before = browser.get(f"/cases/{shared_case.pk}/sections/location/")
    consent = consent_record(
        actor=lead.liaison,
        case=shared_case,
        recipient_agency=partner.agency,
        sections=["location"],
        purpose="Finding the child",
        signed_by="Child",
        signed_on=timezone.localdate(),
    )
    grant_create(
        actor=lead.liaison, case=shared_case, agency=partner.agency, section="location", consent=consent
    )

    after = browser.get(f"/cases/{shared_case.pk}/sections/location/")

    assert visible_to(before) == (
        "Harris County CPS (your agency). An agency given this section later will read it too."
    )
    assert visible_to(after) == (
        "Harris County CPS (your agency), Houston Police Department. "
        "An agency given this section later will read it too."
    )


def test_the_note_box_of_the_overview_names_every_agency_on_the_case(browser_as, lead, partner, shared_case):
    response = browser_as(partner.liaison).get(f"/cases/{shared_case.pk}/")

    assert visible_to(response) == (
        "Harris County CPS, Houston Police Department (your agency). "
        "An agency that joins the case later will read it too."
    )


def test_the_note_box_is_described_by_who_will_read_it_also_when_shown_again_with_an_error(
    browser_as, lead, case
):
    browser = browser_as(lead.caseworker)

    shown = browser.get(f"/cases/{case.pk}/sections/location/").content.decode()
    refused = browser.post(f"/cases/{case.pk}/notes/", {"section": "location", "body": "  "})

    assert 'aria-describedby="note-readers"' in shown
    assert '<p class="note-readers" id="note-readers">' in shown
    assert refused.status_code == 400
    assert 'aria-describedby="id_body_error note-readers"' in refused.content.decode()
    assert "Visible to: Harris County CPS (your agency)." in text(refused)


def test_no_readers_line_where_the_reader_may_not_write(browser_as, partner, shared_case):
    response = browser_as(partner.liaison).get(f"/cases/{shared_case.pk}/sections/identity/")

    assert response.status_code == 200
    assert "Visible to:" not in text(response)


def test_a_long_note_shows_its_start_and_the_whole_behind_show_all(browser_as, lead, case):
    body = " ".join(["Visit went well."] * 60)
    note_add(actor=lead.caseworker, case=case, section="location", body=body)

    html = browser_as(lead.caseworker).get(f"/cases/{case.pk}/sections/location/").content.decode()

    preview = text_preview(body)
    assert preview is not None
    assert f'<p class="long-text-body long-text-preview">{preview}</p>' in html
    assert '<span class="when-closed">Show all</span>' in html
    assert f'<p class="long-text-body">{body}</p>' in html


def test_a_short_note_is_shown_whole(browser_as, lead, case):
    note_add(actor=lead.caseworker, case=case, section="location", body="Visit went well.")

    html = browser_as(lead.caseworker).get(f"/cases/{case.pk}/sections/location/").content.decode()

    assert '<p class="long-text-body">Visit went well.</p>' in html
    assert "Show all" not in html


def test_a_preview_ends_after_a_whole_word():
    body = "word " * 200

    assert text_preview(body) == ("word " * 60).rstrip() + " …"


def test_a_preview_of_one_long_unbroken_word_is_cut_inside_it():
    body = "https://example.org/" + "a" * 1000

    assert text_preview(body) == body[:PREVIEW_CHARACTERS] + " …"


def test_a_note_of_many_short_lines_is_long_too():
    body = "\n".join(f"line {number}" for number in range(12))

    assert text_preview(body) == "line 0\nline 1\nline 2\nline 3 …"


def test_a_text_at_the_limits_is_shown_whole():
    assert text_preview("x" * 600) is None
    assert text_preview("\n".join("x" * 8)) is None
