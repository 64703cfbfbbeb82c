import pytest

from casework.access import get_case_access

pytestmark = pytest.mark.django_db


def test_lead_caseworker_reads_the_sections_child_welfare_holds(case, lead):
    access = get_case_access(user=lead.caseworker, case_id=case.pk)
    assert access.readable == {"core", "identity", "location", "immigration", "health"}
