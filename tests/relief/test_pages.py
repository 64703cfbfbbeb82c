"""The case page's immigration relief tab."""

import pytest

from casework.models import Handoff
from relief.models import ReliefKind, ReliefRecord
from relief.services import relief_record_add
from tests.web.conftest import Browser

pytestmark = pytest.mark.django_db


def tab_url(case):
    return f"/cases/{case.pk}/relief/"


def test_readers_of_immigration_have_the_tab_and_see_the_steps(relief_case, advocate, lead):
    relief_record_add(
        actor=advocate.liaison, case=relief_case, kind=ReliefKind.T_VISA, receipt_number="EAC26123"
    )

    overview = Browser(lead.caseworker).get(f"/cases/{relief_case.pk}/").content.decode()
    page = Browser(lead.caseworker).get(tab_url(relief_case))

    assert f'href="{tab_url(relief_case)}"' in overview
    html = page.content.decode()
    assert page.status_code == 200
    assert "T visa (Form I-914)" in html
    assert "EAC26123" in html
    # Child welfare reads immigration but does not steward it: no forms.
    assert "Track a relief step" not in html


def test_law_enforcement_has_no_tab_and_the_page_does_not_exist(relief_case, advocate, partner):
    relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.T_VISA, details="MKSECRET")

    overview = Browser(partner.liaison).get(f"/cases/{relief_case.pk}/").content.decode()
    page = Browser(partner.liaison).get(tab_url(relief_case))

    assert tab_url(relief_case) not in overview
    assert page.status_code == 404
    assert "MKSECRET" not in page.content.decode()


def test_a_legal_advocate_tracks_a_step_from_the_page(relief_case, advocate):
    response = Browser(advocate.liaison).post(
        tab_url(relief_case), {"kind": "sijs_petition", "status": "considering"}
    )

    assert response.status_code == 302
    assert ReliefRecord.objects.get(case=relief_case).kind == "sijs_petition"


def test_a_receipt_number_over_its_limit_is_refused_beside_the_field(relief_case, advocate):
    response = Browser(advocate.liaison).post(
        tab_url(relief_case), {"kind": "t_visa", "status": "considering", "receipt_number": "X" * 21}
    )

    assert response.status_code == 400
    assert "At most 20 characters." in response.content.decode()
    assert ReliefRecord.objects.count() == 0


def test_a_step_is_updated_from_the_page(relief_case, advocate):
    record = relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.T_VISA)
    prefix = f"relief-{record.pk.hex[:12]}-update"

    response = Browser(advocate.liaison).post(
        f"{tab_url(relief_case)}{record.pk}/",
        {f"{prefix}-status": "filed", f"{prefix}-filed_on": "2026-11-30", f"{prefix}-version": "1"},
    )

    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, str(record.filed_on), record.version) == ("filed", "2026-11-30", 2)


def test_a_declaration_is_asked_of_law_enforcement_from_the_page(relief_case, advocate, partner):
    record = relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.T_VISA_DECLARATION)
    prefix = f"relief-{record.pk.hex[:12]}-request"

    response = Browser(advocate.liaison).post(
        f"{tab_url(relief_case)}{record.pk}/request/", {f"{prefix}-to_agency": str(partner.agency.pk)}
    )

    assert response.status_code == 302
    assert Handoff.objects.get(to_agency=partner.agency).task.title == (
        f"Sign Form I-914 Supplement B declaration for case {relief_case.number}"
    )
