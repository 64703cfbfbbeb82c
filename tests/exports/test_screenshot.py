"""The first page of a case summary, as an image for the README (docs/screenshots/)."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from exports.services import case_summary_pdf

pytestmark = pytest.mark.django_db

SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "screenshots" / "case-summary.png"
PDFTOPPM = "/usr/bin/pdftoppm"


def test_the_first_page_of_a_summary_is_drawn_for_the_readme(case, lead, tmp_path):
    lead.liaison.first_name, lead.liaison.last_name = "Dana", "Ortiz"
    lead.liaison.save()
    exported = case_summary_pdf(
        actor=lead.liaison,
        case_id=case.pk,
        purpose="Permanency hearing, 310th District Court",
        include_notes=True,
        include_timeline=True,
        mask_legal_name=True,
    )
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(exported.content)

    subprocess.run(  # noqa: S603 - a fixed program, on a file this test wrote
        [PDFTOPPM, "-png", "-f", "1", "-l", "1", "-r", "60", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
    )

    drawn = (tmp_path / "page.png").read_bytes()
    assert drawn.startswith(b"\x89PNG")
    SCREENSHOT.write_bytes(drawn)
