"""Labels spelled as people write them: acronyms and names of programmes keep their capitals,
sections are named by their labels and never by their stored codes, and days read as they do
everywhere else."""

from datetime import date

import pytest
import time_machine

from agencies.models import AgencyKind
from casework.models import Consent
from casework.services.sharing import participant_invite
from relief.models import ReliefKind
from relief.services import relief_record_add
from tests.conftest import make_staff
from tests.web.conftest import text
from web.forms import GrantForm, section_edit_form

pytestmark = pytest.mark.django_db


def test_the_relief_tab_names_sijs_and_continued_presence_as_people_write_them(browser_as, lead, case):
    legal = make_staff(kind=AgencyKind.LEGAL_ADVOCATE, name="Legal Aid")
    participant_invite(actor=lead.liaison, case=case, agency=legal.agency)
    for kind in (ReliefKind.SIJS_PETITION, ReliefKind.CONTINUED_PRESENCE):
        relief_record_add(actor=legal.liaison, case=case, kind=kind)

    page = text(browser_as(lead.caseworker).get(f"/cases/{case.pk}/relief/"))

    assert "SIJS: petition (Form I-360)" in page
    assert "Continued Presence" in page
    assert "Sijs" not in page


def test_the_immigration_edit_form_labels_match_the_page():
    form = section_edit_form("immigration")()

    # Relief pathways are tracked on the relief tab, not as free text here.
    assert [str(field.label) for field in form.visible_fields()] == ["Nationality"]


def test_a_consent_offered_for_a_grant_names_its_sections_and_days_as_people_read_them(lead, partner):
    consent = Consent(
        recipient_agency=partner.agency,
        sections=["location", "health"],
        signed_on=date(2026, 3, 2),
        expires_on=date(2027, 3, 1),
    )
    with time_machine.travel(date(2026, 3, 10), tick=False):
        form = GrantForm(agencies=[partner.agency], sections=["location"], consents=[consent])

    assert form.fields["consent"].choices[1][1] == (
        f"{partner.agency.name}: Location, Health, signed Mon 2 Mar, until Mon 1 Mar 2027"
    )
