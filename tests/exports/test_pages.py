"""The pages: the case summary form and its PDF, the case list export keeping the list's filters,
and the copies taken on the disclosure history."""

import csv
import io

import pytest
from django.urls import reverse

from audit.models import AuditRecord
from casework.models import Case, CaseStatus
from tests.exports.conftest import pdf_text
from tests.factories import open_case
from tests.web.conftest import Browser, text

pytestmark = pytest.mark.django_db


def summary_url(case):
    return reverse("web:case-summary", args=[case.pk])


def test_the_case_page_offers_the_case_summary(case, lead):
    page = Browser(lead.caseworker).get(reverse("web:case", args=[case.pk]))

    assert f'href="{summary_url(case)}"' in page.content.decode()


def test_the_summary_form_asks_the_purpose_and_the_three_options(case, lead):
    page = text(Browser(lead.caseworker).get(summary_url(case)))

    for words in ("Purpose", "Include notes", "Include the timeline", "Mask the legal name"):
        assert words in page


def test_posting_the_form_answers_the_pdf_as_an_uncached_attachment(case, lead):
    response = Browser(lead.caseworker).post(
        summary_url(case), {"purpose": "Court", "include_notes": "on", "mask_legal_name": "on"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="case-summary-{case.number}.pdf"'
    assert "no-store" in response["Cache-Control"]
    printed = pdf_text(response.content)
    assert "M. R." in printed
    assert "Maria Rivera" not in printed
    assert "Timeline" not in printed


def test_the_form_without_a_purpose_says_so(case, lead):
    response = Browser(lead.caseworker).post(summary_url(case), {"purpose": " "})

    assert response.status_code == 400
    assert "This field is required." in text(response)
    assert not AuditRecord.objects.filter(event_type="copy.case_summary").exists()


def test_an_agency_outside_the_case_is_told_it_does_not_exist(case, unrelated):
    assert Browser(unrelated.liaison).get(summary_url(case)).status_code == 404
    assert Browser(unrelated.liaison).post(summary_url(case), {"purpose": "x"}).status_code == 404


def test_the_case_list_offers_both_exports_with_its_filters(case, lead):
    page = Browser(lead.liaison).get(reverse("web:cases"), {"status": "open"}).content.decode()

    assert f"{reverse('web:cases-export')}?status=open&amp;format=csv" in page
    assert f"{reverse('web:cases-export')}?status=open&amp;format=xlsx" in page


def test_the_export_keeps_the_lists_filters(case, lead):
    closed = open_case(actor=lead.caseworker, pseudonym="C.L.")
    Case.objects.filter(pk=closed.pk).update(status=CaseStatus.CLOSED)
    url = f"{reverse('web:cases-export')}?status=closed"

    response = Browser(lead.liaison).post(url, {"purpose": "Closed cases review", "format": "csv"})

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [closed.number]
    assert "no-store" in response["Cache-Control"]


def test_the_export_page_preselects_the_format_asked_for(lead):
    page = Browser(lead.liaison).get(reverse("web:cases-export"), {"format": "xlsx"}).content.decode()

    assert 'value="xlsx" checked' in page or 'value="xlsx" selected' in page


def test_the_export_without_a_purpose_says_so(case, lead):
    response = Browser(lead.liaison).post(reverse("web:cases-export"), {"format": "csv"})

    assert response.status_code == 400
    assert not AuditRecord.objects.filter(event_type="copy.case_list").exists()


def test_the_lead_supervisor_sees_the_copies_taken_with_their_purpose(case, lead):
    Browser(lead.caseworker).post(summary_url(case), {"purpose": "Permanency hearing"})

    page = text(Browser(lead.supervisor).get(reverse("web:case-disclosures", args=[case.pk])))

    assert "Copies taken" in page
    assert "Case summary (PDF)" in page
    assert "Permanency hearing" in page
    assert "Core, Health, Identity, Immigration, Location" in page


@pytest.mark.parametrize("role", ["caseworker", "liaison"])
def test_copies_taken_are_for_the_lead_supervisors_only(case, lead, role):
    response = Browser(lead.by_role(role)).get(reverse("web:case-disclosures", args=[case.pk]))

    assert response.status_code == 403
