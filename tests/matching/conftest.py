"""Two records of one child: Dallas County CPS's, which Harris County CPS does not see, and Harris
County CPS's, from which its people ask Dallas County CPS to compare."""

import pytest

from casework.models import Case
from tests.conftest import Staff
from tests.factories import open_case

HIDDEN_PSEUDONYM = "MKPSEUDONYMX"
HIDDEN_MARKERS = ("MKALIASX", "MKADDRESSX", "MKSCHOOLX", "MKGUARDIANX", HIDDEN_PSEUDONYM)


@pytest.fixture
def hidden_case(unrelated: Staff) -> Case:
    """Guadalupe as Dallas County CPS knows her, in a case Harris County CPS does not see."""
    return open_case(
        actor=unrelated.caseworker,
        pseudonym=HIDDEN_PSEUDONYM,
        age_band="12-14",
        sections={
            "identity": {
                "legal_name": "Guadalupe Hernández López",
                "date_of_birth": "2011-06-14",
                "aliases": ["MKALIASX"],
                "guardian": "MKGUARDIANX",
            },
            "location": {"address": "MKADDRESSX", "school": "MKSCHOOLX"},
        },
    )


@pytest.fixture
def asking_case(lead: Staff, hidden_case: Case) -> Case:
    return open_case(
        actor=lead.caseworker,
        pseudonym="L.H.",
        sections={"identity": {"legal_name": "Lupe Hernandez", "date_of_birth": "2011-06-14"}},
    )


def leaks(text: str, case: Case) -> list[str]:
    secrets = (*HIDDEN_MARKERS, case.number, str(case.pk), case.pk.hex)
    return [secret for secret in secrets if secret in text]
