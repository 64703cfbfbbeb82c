from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from casework.access import Action, get_case_access
from casework.models import CaseEvent, Task, TaskStatus, TimelineEvent
from casework.services.cases import case_update
from casework.services.events import case_event_record
from common.errors import NotFound, PermissionDenied, ValidationFailed
from court.models import CustodyStatus
from court.selectors import restitution_orders_for
from court.services import (
    criminal_case_open,
    custody_event_record,
    defendant_add,
    dependency_hearing_schedule,
    dependency_hearing_update,
    proceeding_schedule,
    restitution_order_add,
    restitution_payment_add,
)
from notifications.models import Notification
from tests.court.conftest import DEFENDANT_NAME, hours_ago

pytestmark = pytest.mark.django_db


def test_prosecution_joins_reading_core_identity_and_investigation(court_case, da):
    access = get_case_access(user=da.liaison, case_id=court_case.pk)

    assert access.readable == {"core", "identity", "investigation"}


def test_prosecution_writes_criminal_records_but_not_the_rest_of_investigation(court_case, da):
    access = get_case_access(user=da.liaison, case_id=court_case.pk)

    assert access.may(Action.WRITE_CRIMINAL_CASE)
    assert not access.may(Action.WRITE, section="investigation")
    assert not access.may(Action.GRANT, section="investigation")


def test_law_enforcement_writes_criminal_records(court_case, partner):
    record = criminal_case_open(actor=partner.liaison, case=court_case, court="District Court")

    assert record.status == "investigating"


def test_child_welfare_without_investigation_is_told_the_criminal_case_does_not_exist(court_case, lead):
    with pytest.raises(NotFound):
        criminal_case_open(actor=lead.liaison, case=court_case, court="District Court")


def test_child_welfare_reading_investigation_by_break_glass_still_may_not_write_it(court_case, lead):
    access = get_case_access(user=lead.supervisor, case_id=court_case.pk)

    assert not access.may(Action.WRITE_CRIMINAL_CASE)


def test_prosecuting_agency_must_be_a_prosecution_agency_on_the_case(court_case, partner):
    with pytest.raises(ValidationFailed) as raised:
        criminal_case_open(
            actor=partner.liaison, case=court_case, court="District Court", prosecuting_agency=partner.agency
        )

    assert "prosecuting_agency" in raised.value.fields


def test_scheduling_a_hearing_creates_the_court_reminders_and_tells_participants(court_case, lead, partner):
    hearing_at = (timezone.now() + timedelta(days=10)).replace(microsecond=0)

    hearing = dependency_hearing_schedule(
        actor=lead.liaison, case=court_case, type="adjudication", scheduled_at=hearing_at, court="Dept. 3"
    )

    [task] = Task.objects.filter(event=hearing.event, template__key="court-hearing-child-welfare")
    assert (task.owner_agency_id, task.due_at) == (lead.agency.pk, hearing_at - timedelta(days=1))
    told = Notification.objects.filter(kind="court_hearing").values_list("recipient_id", "message")
    assert (
        partner.liaison.pk,
        f"A dependency court hearing was scheduled on case {court_case.number}.",
    ) in told


def test_only_the_lead_agency_schedules_dependency_hearings(court_case, partner):
    with pytest.raises(PermissionDenied):
        dependency_hearing_schedule(
            actor=partner.liaison,
            case=court_case,
            type="review",
            scheduled_at=timezone.now() + timedelta(days=3),
        )


def test_moving_a_hearing_moves_its_reminder(court_case, lead):
    hearing = dependency_hearing_schedule(
        actor=lead.liaison, case=court_case, type="review", scheduled_at=timezone.now() + timedelta(days=10)
    )
    later = (timezone.now() + timedelta(days=20)).replace(microsecond=0)

    dependency_hearing_update(actor=lead.liaison, hearing=hearing, expected_version=1, scheduled_at=later)

    [task] = Task.objects.filter(event=hearing.event, template__key="court-hearing-child-welfare")
    assert task.due_at == later - timedelta(days=1)


def test_a_held_permanency_hearing_completes_the_permanency_clock_and_schedules_the_next(court_case, lead):
    case_event_record(
        actor=lead.liaison, case=court_case, event_type="removed_from_home", occurred_at=hours_ago(1)
    )
    [clock] = Task.objects.filter(case=court_case, template__key="permanency-hearing")
    hearing = dependency_hearing_schedule(
        actor=lead.liaison,
        case=court_case,
        type="permanency",
        scheduled_at=timezone.now() + timedelta(hours=1),
    )

    dependency_hearing_update(actor=lead.liaison, hearing=hearing, expected_version=1, outcome="held")

    clock.refresh_from_db()
    assert clock.status == TaskStatus.DONE
    assert clock.outcome.startswith("Permanency hearing held on ")
    assert (
        Task.objects.filter(case=court_case, template__key="permanency-hearing", status="open").count() == 1
    )


def test_release_asks_the_victim_witness_coordinator_to_notify_the_victim_within_a_day(
    defendant, da, partner
):
    released_at = hours_ago(2).replace(microsecond=0)

    custody_event_record(
        actor=partner.liaison,
        defendant=defendant,
        kind="released",
        occurred_at=released_at,
        details="On bond",
    )

    [task] = Task.objects.filter(template__key="notify-victim-defendant-released")
    assert (task.owner_agency_id, task.assignee_id, task.section, task.due_at, task.priority) == (
        da.agency.pk,
        None,
        "investigation",
        released_at + timedelta(hours=24),
        "high",
    )
    defendant.refresh_from_db()
    assert (defendant.custody_status, defendant.custody_since) == (CustodyStatus.RELEASED, released_at)


def test_escape_asks_for_an_urgent_notice_within_two_hours(defendant, da):
    escaped_at = hours_ago(0.5).replace(microsecond=0)

    custody_event_record(actor=da.liaison, defendant=defendant, kind="escaped", occurred_at=escaped_at)

    [task] = Task.objects.filter(template__key="notify-victim-defendant-escaped")
    assert (task.owner_agency_id, task.due_at, task.priority) == (
        da.agency.pk,
        escaped_at + timedelta(hours=2),
        "urgent",
    )


def test_without_a_prosecution_agency_the_recording_investigation_reader_gets_the_notice(
    shared_case, partner
):
    criminal = criminal_case_open(actor=partner.liaison, case=shared_case, court="County Court")
    defendant = defendant_add(actor=partner.liaison, criminal_case=criminal, defendant_name="X")

    custody_event_record(
        actor=partner.liaison, defendant=defendant, kind="released", occurred_at=hours_ago(1)
    )

    [task] = Task.objects.filter(template__key="notify-victim-defendant-released")
    assert task.owner_agency_id == partner.agency.pk
    assert "prosecution" in task.description.lower()


def test_a_public_proceeding_asks_for_notice_three_days_before(criminal_case, da):
    at = (timezone.now() + timedelta(days=14)).replace(microsecond=0)

    proceeding_schedule(actor=da.liaison, criminal_case=criminal_case, type="sentencing", scheduled_at=at)

    [task] = Task.objects.filter(template__key="notify-victim-public-proceeding")
    assert (task.owner_agency_id, task.due_at) == (da.agency.pk, at - timedelta(days=3))


def test_a_closed_proceeding_asks_for_no_notice(criminal_case, da):
    at = timezone.now() + timedelta(days=14)

    proceeding_schedule(
        actor=da.liaison, criminal_case=criminal_case, type="plea", scheduled_at=at, public=False
    )

    assert not Task.objects.filter(template__key="notify-victim-public-proceeding").exists()


def test_restitution_balance_is_ordered_less_paid(defendant, da, court_case):
    order = restitution_order_add(
        actor=da.liaison, defendant=defendant, amount="12000.00", ordered_on=timezone.localdate()
    )
    restitution_payment_add(actor=da.liaison, order=order, amount="250.50", paid_on=timezone.localdate())
    restitution_payment_add(actor=da.liaison, order=order, amount=Decimal(1000), paid_on=timezone.localdate())

    [listed] = restitution_orders_for(access=get_case_access(user=da.liaison, case_id=court_case.pk))
    assert (listed.legal_basis, listed.paid, listed.balance) == (
        "18 U.S.C. 1593",
        Decimal("1250.50"),
        Decimal("10749.50"),
    )


@pytest.mark.parametrize("amount", ["-5", "0", "abc", "1.005", "NaN", "Infinity", "99999999999", None])
def test_bad_money_is_refused(defendant, da, amount):
    with pytest.raises(ValidationFailed) as raised:
        restitution_order_add(
            actor=da.liaison, defendant=defendant, amount=amount, ordered_on=timezone.localdate()
        )

    assert list(raised.value.fields) == ["amount"]


def test_no_defendant_name_reaches_an_event_timeline_or_notification(defendant, da, lead):
    custody_event_record(actor=da.liaison, defendant=defendant, kind="escaped", occurred_at=hours_ago(1))

    texts = [str(event.details) for event in CaseEvent.objects.all()]
    texts += [f"{line.summary} {line.data}" for line in TimelineEvent.objects.all()]
    texts += [note.message for note in Notification.objects.all()]
    texts += list(Task.objects.values_list("title", flat=True))
    assert not [text for text in texts if DEFENDANT_NAME in text]


def test_prosecution_may_not_write_the_investigation_sections_suspects_and_evidence(court_case, da):
    version = get_case_access(user=da.liaison, case_id=court_case.pk).version

    with pytest.raises(PermissionDenied):
        case_update(
            actor=da.liaison,
            case=court_case,
            expected_version=version,
            sections={"investigation": {"summary": "Suspect interviewed"}},
        )
