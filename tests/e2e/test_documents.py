"""A caseworker uploads a signed placement agreement on the case's Documents tab and finds it
listed with its version and download link, in a real Chromium (issue 17); a file that only claims
to be a PDF is refused with the reason beside the field."""

import pytest

from documents.demo import simple_pdf
from documents.models import Document
from tests.e2e.conftest import enrol_second_factor, sign_in, snap

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_uploads_a_document_and_sees_it_listed(page, watch, lead, case):
    # The refused upload is answered 400, which the browser logs.
    watch.expect(r"status of 400")
    secret = enrol_second_factor(lead.caseworker)
    sign_in(page, lead.caseworker, second_factor=secret)
    page.goto(f"/cases/{case.pk}/documents/")
    assert "No documents you may see" in page.locator("main").inner_text()

    page.get_by_text("Upload a document").click()
    page.get_by_label("Type").select_option("court_order")
    page.get_by_label("Section").select_option("core")
    page.get_by_label("Title").fill("Notes of the family meeting")
    page.get_by_label("File").set_input_files(
        {"name": "meeting.pdf", "mimeType": "application/pdf", "buffer": b"Not a PDF at all"}
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    assert "This file is not a PDF or image" in page.locator("main").inner_text()
    assert not Document.objects.exists()

    page.get_by_label("Type").select_option("placement_agreement")
    page.get_by_label("Section").select_option("location")
    page.get_by_label("Title").fill("Foster placement agreement")
    page.get_by_label("File").set_input_files(
        {
            "name": "placement-agreement.pdf",
            "mimeType": "application/pdf",
            "buffer": simple_pdf(["Foster placement agreement", "Signed by the carers."]),
        }
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_url(f"**/cases/{case.pk}/documents/")

    listed = page.locator("#documents-location + ul").inner_text()
    assert "Foster placement agreement" in listed
    assert "placement-agreement.pdf" in listed
    assert page.get_by_role("link", name="Download version 1").count() == 1
    assert Document.objects.get().section == "location"
    snap(page, "case-documents")
