import importlib

import pytest
from django.apps import apps

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
    """The sample instrument exactly as its data migration ships it (transactional tests flush
    data-migration rows, so it is put back here)."""
    migration = importlib.import_module("screening.migrations.0002_sample_instrument")
    migration.create_instrument(apps, None)
    return Instrument.objects.get(key=migration.KEY, version=1)
