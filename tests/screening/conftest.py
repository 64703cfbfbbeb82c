import pytest

from screening.models import Instrument

# The sample instrument's answers that score 0, and one set scoring 6 (suggests "suspected").
CLEAR_ANSWERS = {
    "runaway": False,
    "older_partner": False,
    "unexplained_money": False,
    "controlled_id": False,
    "work_debt": False,
    "sex_for_needs": False,
    "threats": False,
    "branding": False,
    "hours_working": "never",
}
SUSPECT_ANSWERS = {**CLEAR_ANSWERS, "runaway": True, "sex_for_needs": True, "hours_working": "often"}


@pytest.fixture
def instrument(db) -> Instrument:
    """The sample instrument exactly as its data migration ships it."""
    return Instrument.objects.get(key="bridge-sample-indicators", version=1)
