from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from referrals.models import Referral
from referrals.selectors import referral_dashboard
from referrals.services import (
    referral_accept,
    referral_outcome_record,
    referral_send,
    referral_session_record,
)
from tests.referrals.conftest import service

pytestmark = pytest.mark.django_db


def _accepted(*, case, lead, provider, key="mental_health", hours_before=0.0):
    with time_machine.travel(timezone.now() - timedelta(hours=hours_before), tick=False):
        referral = referral_send(
            actor=lead.liaison, case=case, service_type=service(key), provider=provider.agency
        )
        return referral_accept(actor=provider.liaison, referral=referral)


def test_waiting_referrals_are_counted_for_sender_and_provider(case, lead, provider):
    referral_send(
        actor=lead.liaison, case=case, service_type=service("mental_health"), provider=provider.agency
    )
    referral_send(actor=lead.liaison, case=case, service_type=service("education"), provider=provider.agency)

    sender = referral_dashboard(user=lead.supervisor, agency=lead.agency)
    receiver = referral_dashboard(user=provider.supervisor, agency=provider.agency)

    assert (sender.waiting_sent, sender.waiting_received) == (2, 0)
    assert (receiver.waiting_sent, receiver.waiting_received) == (0, 2)


def test_time_to_first_service_gives_median_and_90th_percentile_per_service_type(case, lead, provider):
    for hours in (10, 20, 30):
        referral = _accepted(case=case, lead=lead, provider=provider, hours_before=hours)
        referral_session_record(
            actor=provider.liaison, referral=referral, occurred_at=timezone.now(), kind="session"
        )

    (delay,) = referral_dashboard(user=lead.supervisor, agency=lead.agency).delays

    assert (delay.service_type, delay.referrals) == ("Mental health", 3)
    assert delay.median_hours == pytest.approx(20.0, abs=0.1)
    assert delay.p90_hours == pytest.approx(28.0, abs=0.1)


def test_an_unserved_end_without_a_successor_is_listed_until_one_follows(case, lead, provider):
    ended = _accepted(case=case, lead=lead, provider=provider)
    referral_outcome_record(
        actor=provider.liaison, referral=ended, outcome="lost_contact", reason="Moved away"
    )
    completed = _accepted(case=case, lead=lead, provider=provider, key="education")
    referral_outcome_record(
        actor=provider.liaison, referral=completed, outcome="completed", reason="Enrolled"
    )

    listed = referral_dashboard(user=lead.supervisor, agency=lead.agency).ended_without_successor
    assert [(r.pk, r.case.number) for r in listed] == [(ended.pk, case.number)]

    referral_send(
        actor=lead.liaison,
        case=case,
        service_type=service("mental_health"),
        provider=provider.agency,
        follows=ended,
    )
    assert referral_dashboard(user=lead.supervisor, agency=lead.agency).ended_without_successor == []


def test_the_dashboard_costs_the_same_queries_for_many_referrals(
    case, lead, provider, django_assert_num_queries
):
    for _ in range(5):
        _accepted(case=case, lead=lead, provider=provider)
    assert Referral.objects.count() == 5

    with django_assert_num_queries(3):
        referral_dashboard(user=lead.supervisor, agency=lead.agency)
