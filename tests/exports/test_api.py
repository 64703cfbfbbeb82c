"""The API: the summary PDF with its query, and the copies taken of a case."""

import pytest

from audit.services import audit_copy_made
from tests.api.conftest import Api, body, error_of
from tests.exports.conftest import pdf_text

pytestmark = pytest.mark.django_db


def summary_path(case):
    return f"cases/{case.pk}/summary.pdf"


def test_the_summary_is_a_pdf_with_the_options_asked_for(shared_case, partner):
    response = Api(partner.liaison).get(
        summary_path(shared_case),
        {"purpose": "Interview", "include_timeline": "false", "mask_legal_name": "true"},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    printed = pdf_text(response.content)
    assert "Purpose Interview" in printed
    assert "M. R." in printed
    assert "12 Elm Street" not in printed  # location: law enforcement does not read it
    assert "Timeline" not in printed


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "purpose"),
        ({"purpose": "x" * 501}, "purpose"),
        ({"purpose": "Court", "include_notes": "perhaps"}, "include_notes"),
        ({"purpose": "Court", "mask_legal_name": "2"}, "mask_legal_name"),
    ],
)
def test_bad_query_is_a_400_naming_the_field(case, lead, query, field):
    response = Api(lead.liaison).get(summary_path(case), query)

    assert response.status_code == 400
    assert field in error_of(response)["fields"]


def test_a_case_the_caller_does_not_see_is_404_before_its_query_is_read(case, unrelated):
    assert Api(unrelated.liaison).get(summary_path(case)).status_code == 404


def test_the_lead_supervisor_lists_the_copies_taken_newest_first(shared_case, lead, partner):
    for purpose in ("First", "Second"):
        audit_copy_made(
            user=partner.liaison, kind="case_summary", cases=[shared_case], sections=["core"], purpose=purpose
        )

    response = Api(lead.supervisor).get(f"cases/{shared_case.pk}/copies/")

    assert response.status_code == 200
    results = body(response)["results"]
    assert [record["detail"]["purpose"] for record in results] == ["Second", "First"]
    assert results[0]["event_type"] == "copy.case_summary"
    assert results[0]["agency_name"] == "Houston Police Department"


def test_others_on_the_case_may_not_list_the_copies(shared_case, lead, partner):
    assert Api(lead.liaison).get(f"cases/{shared_case.pk}/copies/").status_code == 403
    assert Api(partner.supervisor).get(f"cases/{shared_case.pk}/copies/").status_code == 403
