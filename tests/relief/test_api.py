import pytest

from casework.models import Handoff
from relief.models import ReliefKind, ReliefRecord
from relief.services import relief_record_add
from tests.api.conftest import Api, body, error_of

pytestmark = pytest.mark.django_db


def relief_url(case, record=None, suffix=""):
    return f"cases/{case.pk}/relief/" + (f"{record.pk}/{suffix}" if record else "")


def test_a_legal_advocate_tracks_a_step_through_the_api(relief_case, advocate):
    response = Api(advocate.liaison).post(
        relief_url(relief_case), {"kind": "t_visa", "receipt_number": "EAC2612345678"}
    )

    assert response.status_code == 201
    data = body(response)
    assert (data["kind"], data["status"], data["receipt_number"], data["version"]) == (
        "t_visa",
        "considering",
        "EAC2612345678",
        1,
    )
    assert response["ETag"] == '"1"'


def test_an_unknown_kind_is_a_400_on_its_field(relief_case, advocate):
    response = Api(advocate.liaison).post(relief_url(relief_case), {"kind": "green_card"})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["kind"]


def test_an_edit_needs_the_current_etag(relief_case, advocate):
    record = relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.T_VISA)
    api = Api(advocate.liaison)

    missing = api.patch(relief_url(relief_case, record), {"status": "filed"})
    done = api.patch(
        relief_url(relief_case, record), {"status": "filed", "filed_on": "2026-11-30"}, **{"If-Match": '"1"'}
    )
    stale = api.patch(relief_url(relief_case, record), {"details": "Again"}, **{"If-Match": '"1"'})

    assert (missing.status_code, done.status_code, stale.status_code) == (428, 200, 412)
    assert (body(done)["status"], body(done)["filed_on"], done["ETag"]) == ("filed", "2026-11-30", '"2"')


def test_law_enforcement_on_the_case_sees_no_relief_record(relief_case, advocate, partner):
    record = relief_record_add(
        actor=advocate.liaison, case=relief_case, kind=ReliefKind.T_VISA, details="MKSECRETDETAIL"
    )
    api = Api(partner.liaison)

    listing = api.get(relief_url(relief_case))
    detail = api.get(relief_url(relief_case, record))
    timeline = api.get(f"cases/{relief_case.pk}/timeline/")

    assert (listing.status_code, body(listing)["results"]) == (200, [])
    assert detail.status_code == 404
    assert "relief_changed" not in timeline.content.decode()


def test_an_unrelated_agency_gets_404_for_the_case_relief(relief_case, advocate, unrelated):
    relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.T_VISA)

    assert Api(unrelated.supervisor).get(relief_url(relief_case)).status_code == 404


def test_asking_law_enforcement_for_a_certification_through_the_api(relief_case, advocate, partner):
    record = relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.U_VISA_CERTIFICATION)

    response = Api(advocate.liaison).post(
        relief_url(relief_case, record, "request/"), {"to_agency": partner.agency.pk}
    )

    assert response.status_code == 200
    assert (body(response)["status"], body(response)["requested_of"]) == ("requested", partner.agency.pk)
    handoff = Handoff.objects.get(task_id=body(response)["request_task"])
    assert handoff.task.title == f"Sign Form I-918 Supplement B certification for case {relief_case.number}"
    offered = Api(partner.liaison).get(f"tasks/{handoff.task_id}/")
    assert offered.status_code == 200
    assert "U visa" not in offered.content.decode()


def test_the_openapi_document_describes_relief(advocate):
    schema = Api(advocate.liaison).get("schema/", HTTP_ACCEPT="application/json")

    text = schema.content.decode()
    for path in (
        "/api/v1/cases/{case_id}/relief/",
        "/api/v1/cases/{case_id}/relief/{record_id}/",
        "/api/v1/cases/{case_id}/relief/{record_id}/request/",
    ):
        assert path in text
    assert "relief_birthdays" in text


def test_nothing_is_written_when_law_enforcement_tries(relief_case, partner):
    response = Api(partner.liaison).post(relief_url(relief_case), {"kind": "t_visa"})

    assert response.status_code == 404
    assert ReliefRecord.objects.count() == 0


def test_a_receipt_number_over_its_limit_is_a_400_on_its_field(relief_case, advocate):
    response = Api(advocate.liaison).post(
        relief_url(relief_case), {"kind": "t_visa", "receipt_number": "X" * 21}
    )

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"receipt_number": ["At most 20 characters."]}
