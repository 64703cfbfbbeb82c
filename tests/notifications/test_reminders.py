"""The reminder sweep, driven by passing `now`: offsets, due time, escalation, cancellation and
rescheduling, consents and handoffs."""

import threading
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from agencies.models import AgencyKind
from casework.models import GrantEndReason, HandoffStatus, SectionGrant, TimelineEvent
from casework.services.handoffs import handoff_accept, handoff_approve, handoff_create, handoff_withdraw
from casework.services.sharing import consent_record, consent_revoke, grant_create
from casework.services.tasks import task_complete, task_create, task_update
from casework.sweep import deadlines_sweep
from common.times import format_day, format_when
from notifications.models import DeliveryStatus, EmailDelivery, Notification, NotificationKind, Reminder
from notifications.services import delivery_send
from tests.conftest import make_staff
from tests.factories import in_hours

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture
def task(case, lead, due):
    return task_create(actor=lead.caseworker, case=case, title="Visit", due_at=due, assignee=lead.caseworker)


def kinds_for(user):
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("created_at")
        .values_list("kind", "reminder__step")
    )


# --- tasks ----------------------------------------------------------------------------------


def test_no_reminder_before_the_first_offset(task, lead, due):
    result = deadlines_sweep(now=due - 73 * HOUR)

    assert result.reminders == 0
    assert Notification.objects.count() == 0


def test_reminders_reach_the_assignee_at_each_offset(task, lead, due):
    for hours in (72, 24, 1):
        deadlines_sweep(now=due - hours * HOUR + timedelta(seconds=30))

    assert kinds_for(lead.caseworker) == [
        (NotificationKind.TASK_UPCOMING, 72),
        (NotificationKind.TASK_UPCOMING, 24),
        (NotificationKind.TASK_UPCOMING, 1),
    ]
    assert Notification.objects.exclude(recipient=lead.caseworker).count() == 0


def test_upcoming_reminder_says_case_number_due_time_and_time_left(task, case, due):
    deadlines_sweep(now=due - 24 * HOUR)

    [notification] = Notification.objects.all()
    assert notification.message == f"A task on case {case.number} is due {format_when(due)}, in 24 hours."
    assert notification.task == task


def test_sweeping_again_does_not_double_a_reminder(task, due):
    first = deadlines_sweep(now=due - 24 * HOUR)
    second = deadlines_sweep(now=due - 24 * HOUR + timedelta(minutes=1))

    assert (first.reminders, second.reminders) == (1, 0)
    assert Notification.objects.count() == 1


def test_a_late_sweep_fires_only_the_latest_offset_passed(task, lead, due):
    deadlines_sweep(now=due - 2 * HOUR)

    assert kinds_for(lead.caseworker) == [(NotificationKind.TASK_UPCOMING, 24)]


def test_due_time_reminds_the_assignee_and_escalates_to_supervisors(task, lead, due):
    deadlines_sweep(now=due)

    assert kinds_for(lead.caseworker) == [(NotificationKind.TASK_DUE, 0)]
    assert kinds_for(lead.supervisor) == [(NotificationKind.TASK_OVERDUE, 1)]
    assert kinds_for(lead.liaison) == []


def test_overdue_task_escalates_again_every_24_hours(task, lead, due):
    for hours in (0, 23, 24, 49):
        deadlines_sweep(now=due + hours * HOUR)

    assert kinds_for(lead.supervisor) == [
        (NotificationKind.TASK_OVERDUE, 1),
        (NotificationKind.TASK_OVERDUE, 2),
        (NotificationKind.TASK_OVERDUE, 3),
    ]


def test_escalation_message_names_the_case_and_the_missed_time(task, case, lead, due):
    deadlines_sweep(now=due + 25 * HOUR)

    message = Notification.objects.get(recipient=lead.supervisor).message
    assert message == (
        f"Overdue: a task on case {case.number} was due {format_when(due)} and is still open (escalation 2)."
    )


def test_unassigned_task_reminds_the_owning_agencys_liaisons(case, lead, due):
    task_create(actor=lead.caseworker, case=case, title="Visit", due_at=due)

    deadlines_sweep(now=due - HOUR)

    assert kinds_for(lead.liaison) == [(NotificationKind.TASK_UPCOMING, 1)]
    assert kinds_for(lead.caseworker) == []


def test_completed_task_gets_no_more_reminders(task, lead, due):
    deadlines_sweep(now=due - 24 * HOUR)
    task_complete(actor=lead.caseworker, task=task)

    result = deadlines_sweep(now=due + HOUR)

    assert result.reminders == 0
    assert Notification.objects.count() == 1


def test_completing_a_task_cancels_its_unsent_email(task, lead, due):
    deadlines_sweep(now=due - 24 * HOUR)
    task_complete(actor=lead.caseworker, task=task)
    delivery = EmailDelivery.objects.get()

    outcome = delivery_send(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert outcome == "cancelled"
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.CANCELLED, "The task was completed.")


def test_moving_the_due_time_starts_a_new_series_and_cancels_the_old_email(task, lead, due):
    deadlines_sweep(now=due - 24 * HOUR)
    old = EmailDelivery.objects.get()
    task_update(actor=lead.caseworker, task=task, expected_version=task.version, due_at=due + 48 * HOUR)

    deadlines_sweep(now=due - 24 * HOUR + timedelta(minutes=1))

    assert list(Reminder.objects.order_by("created_at").values_list("step", "due_at")) == [
        (24, due),
        (72, due + 48 * HOUR),
    ]
    assert delivery_send(delivery_id=old.pk) == "cancelled"
    old.refresh_from_db()
    assert old.last_error == "The task's due time moved."


def test_reassigned_task_reminds_the_new_assignee_and_cancels_the_old_email(task, lead, due):
    deadlines_sweep(now=due - 24 * HOUR)
    old = EmailDelivery.objects.get()
    task_update(actor=lead.supervisor, task=task, expected_version=task.version, assignee=lead.liaison)

    deadlines_sweep(now=due - HOUR)

    assert kinds_for(lead.liaison) == [(NotificationKind.TASK_UPCOMING, 1)]
    assert delivery_send(delivery_id=old.pk) == "cancelled"
    old.refresh_from_db()
    assert old.last_error == "The task was reassigned."


def test_reminders_are_recorded_on_the_case_timeline_for_the_owning_agency(task, case, lead, due):
    deadlines_sweep(now=due)

    events = TimelineEvent.objects.filter(case=case, kind__in=["task_reminded", "task_escalated"]).order_by(
        "kind"
    )
    assert [(e.kind, e.summary, e.agencies, e.actor_id) for e in events] == [
        ("task_escalated", "Overdue task escalated (escalation 1) to 1 person.", [lead.agency.pk], None),
        ("task_reminded", "Task reminder (due now) sent to 1 person.", [lead.agency.pk], None),
    ]


def test_reminder_texts_carry_no_child_data(case, lead, due):
    task_create(
        actor=lead.caseworker,
        case=case,
        title="Drive Maria Rivera from 12 Elm Street to Lee High",
        due_at=due,
        assignee=lead.caseworker,
    )
    for moment in (due - 72 * HOUR, due - 24 * HOUR, due - HOUR, due, due + 24 * HOUR):
        deadlines_sweep(now=moment)

    texts = [n.message for n in Notification.objects.all()]
    texts += [text for d in EmailDelivery.objects.all() for text in (d.subject, d.body)]
    assert len(texts) == 6 * 3
    for secret in ("Maria", "Rivera", "Elm Street", "Lee High", "2010", "M.R.", "Drive"):
        assert [text for text in texts if secret in text] == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_fire_each_reminder_once(case, lead, due):
    for number in range(20):
        task_create(
            actor=lead.caseworker, case=case, title=f"T{number}", due_at=due, assignee=lead.caseworker
        )
    barrier = threading.Barrier(4)

    def sweep():
        barrier.wait()
        try:
            deadlines_sweep(now=due)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Reminder.objects.count() == 40
    assert Notification.objects.filter(recipient=lead.caseworker).count() == 20
    assert Notification.objects.filter(recipient=lead.supervisor).count() == 20
    assert EmailDelivery.objects.count() == 40


# --- consents and grants --------------------------------------------------------------------


@pytest.fixture
def consent(shared_case, lead, partner):
    today = timezone.localdate()
    return consent_record(
        actor=lead.liaison,
        case=shared_case,
        recipient_agency=partner.agency,
        sections=["location"],
        purpose="Safety planning",
        signed_by="Guardian",
        signed_on=today,
        expires_on=today + timedelta(days=30),
    )


def start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def test_consent_expiry_reminds_the_steward_liaisons_and_supervisors_14_days_before(consent, lead, partner):
    deadlines_sweep(now=start_of(consent.expires_on - timedelta(days=14)) + timedelta(minutes=1))

    recipients = set(
        Notification.objects.filter(kind=NotificationKind.CONSENT_EXPIRING).values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {lead.liaison.pk, lead.supervisor.pk}
    assert Notification.objects.filter(recipient__agency=partner.agency).count() == 0


def test_consent_expiry_message_gives_case_number_and_date(consent):
    deadlines_sweep(now=start_of(consent.expires_on - timedelta(days=14)))

    message = Notification.objects.filter(kind=NotificationKind.CONSENT_EXPIRING).first().message
    assert message == (
        f"A consent on case {consent.case.number} expires at the end of {format_day(consent.expires_on)}. "
        "Sharing that rests on it stops then unless a new consent is recorded."
    )


def test_no_consent_reminder_15_days_before_expiry(consent):
    deadlines_sweep(now=start_of(consent.expires_on - timedelta(days=15)))

    assert Notification.objects.count() == 0


def test_revoked_consent_gets_no_reminder(consent, lead):
    consent_revoke(actor=lead.liaison, consent=consent)

    deadlines_sweep(now=start_of(consent.expires_on - timedelta(days=14)))

    assert Notification.objects.count() == 0


def test_revoking_a_consent_cancels_its_unsent_reminder_email(consent, lead):
    deadlines_sweep(now=start_of(consent.expires_on - timedelta(days=14)))
    consent_revoke(actor=lead.liaison, consent=consent)

    outcomes = {delivery_send(delivery_id=pk) for pk in EmailDelivery.objects.values_list("pk", flat=True)}

    assert outcomes == {"cancelled"}


def test_sweep_ends_grants_whose_consent_expired(consent, shared_case, lead, partner):
    grant = grant_create(
        actor=lead.liaison, case=shared_case, agency=partner.agency, section="location", consent=consent
    )

    result = deadlines_sweep(now=start_of(consent.expires_on + timedelta(days=1)) + timedelta(seconds=1))

    grant.refresh_from_db()
    assert result.grants_ended == 1
    assert grant.end_reason == GrantEndReason.EXPIRED
    assert SectionGrant.objects.filter(pk=grant.pk, ended_at__isnull=True).count() == 0


# --- handoffs -------------------------------------------------------------------------------


@pytest.fixture
def handoff(shared_case, lead, partner):
    task = task_create(actor=lead.caseworker, case=shared_case, title="Interview", due_at=in_hours(200))
    return handoff_create(actor=lead.caseworker, task=task, to_agency=partner.agency)


def reminder_kinds(handoff):
    return list(
        Notification.objects.filter(handoff=handoff, reminder__isnull=False)
        .order_by("created_at", "recipient_id")
        .values_list("kind", "reminder__step", "recipient_id")
    )


def test_unanswered_handoff_reminds_receiving_liaisons_at_half_the_window(handoff, partner):
    half = handoff.created_at + (handoff.respond_by - handoff.created_at) / 2

    deadlines_sweep(now=half - timedelta(minutes=1))
    deadlines_sweep(now=half)

    assert reminder_kinds(handoff) == [(NotificationKind.HANDOFF_PENDING, 720, partner.liaison.pk)]


def test_unanswered_handoff_reminds_again_an_hour_before_respond_by(handoff, partner):
    deadlines_sweep(now=handoff.respond_by - 12 * HOUR)
    deadlines_sweep(now=handoff.respond_by - HOUR)

    assert reminder_kinds(handoff) == [
        (NotificationKind.HANDOFF_PENDING, 720, partner.liaison.pk),
        (NotificationKind.HANDOFF_PENDING, 60, partner.liaison.pk),
    ]


def test_unanswered_handoff_escalates_to_receiving_supervisors_at_respond_by(handoff, partner, shared_case):
    deadlines_sweep(now=handoff.respond_by)

    [notification] = Notification.objects.filter(kind=NotificationKind.HANDOFF_OVERDUE)
    assert notification.recipient == partner.supervisor
    assert notification.message == (
        f"Escalation: a handoff to your agency on case {shared_case.number} was not answered by "
        f"{format_when(handoff.respond_by)}. It goes back to the sender at "
        f"{format_when(handoff.respond_by + 2 * HOUR)} unless answered."
    )
    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.PENDING


def test_unanswered_handoff_expires_back_to_the_sender_after_the_grace_period(handoff, lead):
    deadlines_sweep(now=handoff.respond_by)

    result = deadlines_sweep(now=handoff.respond_by + 2 * HOUR)

    handoff.refresh_from_db()
    assert (result.handoffs_expired, handoff.status) == (1, HandoffStatus.EXPIRED)
    assert Notification.objects.filter(kind="handoff_expired", recipient=lead.caseworker).count() == 1


def test_answered_handoff_gets_no_reminders(handoff, partner):
    handoff_accept(actor=partner.liaison, handoff=handoff)

    result = deadlines_sweep(now=handoff.respond_by + HOUR)

    assert result.reminders == 0
    assert reminder_kinds(handoff) == []


def test_withdrawing_a_handoff_cancels_its_unsent_reminder_email(handoff, lead, partner):
    deadlines_sweep(now=handoff.respond_by - HOUR)
    handoff_withdraw(actor=lead.caseworker, handoff=handoff)
    delivery = EmailDelivery.objects.get(notification__kind=NotificationKind.HANDOFF_PENDING)

    assert delivery_send(delivery_id=delivery.pk) == "cancelled"
    delivery.refresh_from_db()
    assert delivery.last_error == "The handoff was withdrawn."


# --- handoffs awaiting the lead agency's approval ---------------------------------------------------


@pytest.fixture
def outsider():
    return make_staff(kind=AgencyKind.IMMIGRATION, name="HSI Houston")


@pytest.fixture
def awaiting(shared_case, partner, outsider):
    """The police liaison hands its task to an agency not on the CPS-led case: it awaits approval."""
    task = task_create(actor=partner.liaison, case=shared_case, title="Trace", due_at=in_hours(200))
    return handoff_create(actor=partner.liaison, task=task, to_agency=outsider.agency)


def test_a_handoff_awaiting_approval_reminds_the_lead_liaisons_not_the_receiver(awaiting, lead, outsider):
    half = awaiting.created_at + (awaiting.respond_by - awaiting.created_at) / 2

    deadlines_sweep(now=half)

    assert reminder_kinds(awaiting) == [(NotificationKind.HANDOFF_APPROVAL_PENDING, 720, lead.liaison.pk)]
    [notification] = Notification.objects.filter(kind=NotificationKind.HANDOFF_APPROVAL_PENDING)
    assert notification.message == (
        f"A handoff on case {awaiting.case.number} brings another agency onto the case and awaits your "
        f"agency's approval by {format_when(awaiting.respond_by)}, in 12 hours."
    )
    entry = TimelineEvent.objects.get(kind="handoff_approval_reminded")
    assert entry.agencies == [lead.agency.pk]
    assert not Notification.objects.filter(recipient__agency=outsider.agency).exists()


def test_a_handoff_awaiting_approval_escalates_to_the_lead_supervisors_at_respond_by(
    awaiting, lead, outsider
):
    deadlines_sweep(now=awaiting.respond_by)

    assert reminder_kinds(awaiting) == [(NotificationKind.HANDOFF_APPROVAL_OVERDUE, 0, lead.supervisor.pk)]
    assert not Notification.objects.filter(recipient__agency=outsider.agency).exists()
    awaiting.refresh_from_db()
    assert awaiting.status == HandoffStatus.AWAITING_APPROVAL


def test_a_handoff_never_approved_expires_back_to_the_sender(awaiting, partner, outsider):
    deadlines_sweep(now=awaiting.respond_by)

    result = deadlines_sweep(now=awaiting.respond_by + 2 * HOUR)

    awaiting.refresh_from_db()
    assert (result.handoffs_expired, awaiting.status) == (1, HandoffStatus.EXPIRED)
    assert Notification.objects.filter(kind="handoff_expired", recipient=partner.liaison).count() == 1
    assert not Notification.objects.filter(recipient__agency=outsider.agency).exists()


def test_approving_cancels_the_unsent_approval_reminder_and_starts_the_receivers_series(
    awaiting, lead, outsider
):
    deadlines_sweep(now=awaiting.respond_by - HOUR)
    approved_at = awaiting.created_at + 23 * HOUR + timedelta(minutes=30)
    with time_machine.travel(approved_at, tick=False):
        handoff_approve(actor=lead.liaison, handoff=awaiting)
    delivery = EmailDelivery.objects.get(notification__kind=NotificationKind.HANDOFF_APPROVAL_PENDING)

    assert delivery_send(delivery_id=delivery.pk) == "cancelled"
    delivery.refresh_from_db()
    assert delivery.last_error == "The handoff was approved."
    awaiting.refresh_from_db()
    deadlines_sweep(now=approved_at + 12 * HOUR)
    assert reminder_kinds(awaiting)[-1] == (NotificationKind.HANDOFF_PENDING, 720, outsider.liaison.pk)
