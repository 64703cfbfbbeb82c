"""API.md's relief fields of the `immigration` section stay in the contract (extend, never
remove): read-only, told by the relief records that replaced their free text."""

from datetime import timedelta

import pytest
from django.utils import timezone

from relief.models import ReliefKind, ReliefStatus
from relief.services import relief_record_add
from tests.api.conftest import Api, body, error_of

pytestmark = pytest.mark.django_db

API_MD_FIELDS = {
    "immigration_status",
    "sijs_candidate",
    "t_visa_status",
    "u_visa_status",
    "continued_presence_until",
}


def _immigration(user, case):
    response = Api(user).get(f"cases/{case.pk}/")
    assert response.status_code == 200
    return body(response).get("immigration")


def test_a_case_without_relief_answers_every_api_md_field_empty(relief_case, advocate):
    immigration = _immigration(advocate.liaison, relief_case)

    assert {name: immigration[name] for name in API_MD_FIELDS} == {
        "immigration_status": "",
        "sijs_candidate": False,
        "t_visa_status": "",
        "u_visa_status": "",
        "continued_presence_until": None,
    }


def test_the_fields_tell_the_relief_records(relief_case, advocate):
    until = timezone.localdate() + timedelta(days=300)
    relief_record_add(
        actor=advocate.liaison,
        case=relief_case,
        kind=ReliefKind.T_VISA,
        status=ReliefStatus.FILED,
        filed_on=timezone.localdate(),
    )
    relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.SIJS_PREDICATE_ORDER)
    relief_record_add(
        actor=advocate.liaison,
        case=relief_case,
        kind=ReliefKind.CONTINUED_PRESENCE,
        status=ReliefStatus.GRANTED,
        decided_on=timezone.localdate(),
        expires_on=until,
    )

    immigration = _immigration(advocate.liaison, relief_case)

    assert (immigration["t_visa_status"], immigration["u_visa_status"]) == ("filed", "")
    assert immigration["sijs_candidate"] is True
    assert immigration["continued_presence_until"] == until.isoformat()
    assert "T visa (Form I-914): Filed" in immigration["immigration_status"]


def test_writing_an_api_md_relief_field_is_a_400_that_points_to_relief_records(relief_case, advocate, lead):
    api = Api(lead.liaison)
    etag = api.get(f"cases/{relief_case.pk}/").headers["ETag"]

    response = api.patch(
        f"cases/{relief_case.pk}/", {"immigration": {"t_visa_status": "filed"}}, **{"If-Match": etag}
    )

    assert response.status_code == 400
    assert "relief records" in str(error_of(response))


def test_a_reader_without_immigration_gets_no_immigration_at_all(relief_case, partner):
    assert _immigration(partner.liaison, relief_case) is None
