from io import StringIO

import pytest
from django.core.management import call_command

from referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_referral_in_each_state():
    call_command("load_demo", stdout=StringIO())

    states = sorted(referral.state for referral in Referral.objects.select_related("handoff"))
    assert states == sorted(
        [
            "ongoing",
            "completed",
            "child_declined",
            "lost_contact",
            "awaiting_approval",
            "pending",
            "declined",
            "withdrawn",
            "expired",
        ]
    )
    assert Referral.objects.get(service_type__key="shelter").handover_note != ""
