"""`casework.dashboard.dashboard_summary`: each figure of the supervisor dashboard, exactly, and
a query count that does not grow with the data."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from casework.dashboard import dashboard_summary, period_bounds
from casework.models import CaseStatus, DeadlineTemplate, HandoffStatus, TaskStatus
from casework.services.sharing import participant_invite
from common.errors import ValidationFailed
from tests.factories import UserFactory, open_case
from tests.web.conftest import make_handoff, make_task

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)  # 13:00 in Chicago (CDT)
SINCE = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
UNTIL = datetime(2026, 4, 1, 5, 0, tzinfo=UTC)


def summary_for(agency, **kwargs):
    return dashboard_summary(agency=agency, since=SINCE, until=UNTIL, now=NOW, **kwargs)


def hours(value):
    return timedelta(hours=value)


@pytest.fixture
def template():
    return DeadlineTemplate.objects.get(key="report-missing-child")


def test_open_cases_count_every_case_the_agency_takes_part_in(lead, partner, shared_case):
    led_elsewhere = open_case(actor=partner.liaison, pseudonym="K.L.")
    participant_invite(actor=partner.liaison, case=led_elsewhere, agency=lead.agency)
    closed = open_case(actor=lead.liaison, pseudonym="Z.Z.")
    closed.status = CaseStatus.CLOSED
    closed.save(update_fields=["status"])

    counts = dashboard_summary(agency=lead.agency, since=SINCE, until=timezone.now() + hours(1)).cases

    assert (counts.open, counts.open_led, counts.opened_in_period) == (2, 1, 3)


def test_overdue_tasks_are_grouped_by_assignee_with_the_unassigned_apart(lead, case):
    for offset in (3, 1):
        make_task(
            case=case,
            owner=lead.agency,
            title="Overdue",
            due_at=NOW - hours(offset),
            assignee=lead.caseworker,
        )
    make_task(case=case, owner=lead.agency, title="Overdue, nobody's", due_at=NOW - hours(50))
    make_task(
        case=case, owner=lead.agency, title="Not yet due", due_at=NOW + hours(1), assignee=lead.caseworker
    )
    make_task(
        case=case,
        owner=lead.agency,
        title="Done late",
        due_at=NOW - hours(5),
        status=TaskStatus.DONE,
        completed_at=NOW - hours(1),
        assignee=lead.caseworker,
    )

    rows = summary_for(lead.agency).overdue_by_assignee

    assert [(row.assignee_id, row.overdue, row.oldest_due_at) for row in rows] == [
        (lead.caseworker.public_id, 2, NOW - hours(3)),
        (None, 1, NOW - hours(50)),
    ]
    assert rows[0].assignee_name == lead.caseworker.get_full_name()


def test_upcoming_deadlines_carry_their_legal_source_and_are_counted_per_local_day(lead, case, template):
    make_task(case=case, owner=lead.agency, title="Tonight", due_at=NOW + hours(10), template=template)
    make_task(case=case, owner=lead.agency, title="Tomorrow", due_at=NOW + hours(20))
    make_task(case=case, owner=lead.agency, title="Next week", due_at=NOW + hours(24 * 7 + 1))

    summary = summary_for(lead.agency)

    assert [(row.title, row.legal_source) for row in summary.upcoming] == [
        ("Tonight", "42 U.S.C. 671(a)(35)(B)"),
        ("Tomorrow", None),
    ]
    by_day = {day.day: day.count for day in summary.upcoming_by_day}
    assert len(by_day) == 8
    # 23:00 and 08:00 in Chicago: two different local days.
    assert by_day[date(2026, 3, 10)] == 1
    assert by_day[date(2026, 3, 11)] == 1
    assert summary.upcoming_total == 2


def test_pending_handoffs_are_listed_both_ways_with_their_age(lead, partner, shared_case):
    ours = make_task(case=shared_case, owner=lead.agency, title="Ours", due_at=NOW + hours(30))
    theirs = make_task(case=shared_case, owner=partner.agency, title="Theirs", due_at=NOW + hours(30))
    make_handoff(task=ours, sender=lead, receiver=partner, created_at=NOW - hours(3))
    make_handoff(task=theirs, sender=partner, receiver=lead, created_at=NOW - hours(1), urgent=True)

    rows = summary_for(lead.agency).pending_handoffs

    assert [
        (row.direction, row.task_title, row.partner_name, row.urgent, row.age_seconds) for row in rows
    ] == [
        ("incoming", "Theirs", partner.agency.name, True, 3600.0),
        ("outgoing", "Ours", partner.agency.name, False, 3 * 3600.0),
    ]


def test_the_most_pressing_pending_handoffs_are_listed_each_way_and_all_are_counted(
    lead, partner, shared_case, monkeypatch
):
    monkeypatch.setattr("casework.dashboard.PENDING_LIST_LIMIT", 2)
    for number, (sender, receiver, urgent, answer_in) in enumerate(
        [
            (partner, lead, False, 5),
            (partner, lead, False, 2),
            (partner, lead, True, 20),
            (lead, partner, False, 9),
        ]
    ):
        task = make_task(
            case=shared_case, owner=sender.agency, title=f"Task {number}", due_at=NOW + hours(30)
        )
        make_handoff(
            task=task,
            sender=sender,
            receiver=receiver,
            created_at=NOW - hours(1),
            respond_by=NOW + hours(answer_in),
            urgent=urgent,
        )

    summary = summary_for(lead.agency)

    assert [(row.direction, row.task_title) for row in summary.pending_handoffs] == [
        ("incoming", "Task 2"),
        ("incoming", "Task 1"),
        ("outgoing", "Task 3"),
    ]
    assert (summary.pending_incoming_total, summary.pending_outgoing_total) == (3, 1)
    assert summary.pending_handoffs_left_out


def answered(*, lead, partner, case, after_hours, status=HandoffStatus.ACCEPTED):
    task = make_task(case=case, owner=lead.agency, title="Offered", due_at=NOW + hours(48))
    created = NOW - hours(100)
    return make_handoff(
        task=task,
        sender=lead,
        receiver=partner,
        created_at=created,
        status=status,
        responded_at=created + hours(after_hours),
        responded_by=partner.liaison if status != HandoffStatus.EXPIRED else None,
        response_note="No capacity" if status == HandoffStatus.DECLINED else "",
    )


def test_response_time_median_and_90th_percentile_per_partner(lead, partner, shared_case):
    for after in (1, 2, 3, 4):
        answered(lead=lead, partner=partner, case=shared_case, after_hours=after)
    answered(lead=lead, partner=partner, case=shared_case, after_hours=10, status=HandoffStatus.DECLINED)

    (row,) = summary_for(lead.agency).response_times

    assert (row.direction, row.partner_name, row.answered, row.accepted, row.declined) == (
        "outgoing",
        partner.agency.name,
        5,
        4,
        1,
    )
    assert row.median_seconds == 3 * 3600.0
    # percentile_cont interpolates: 0.9 of the way through five values is 60 % from 4 h to 10 h.
    assert row.p90_seconds == pytest.approx(7.6 * 3600.0)


def test_the_receiving_agency_sees_its_own_response_time_as_incoming(lead, partner, shared_case):
    answered(lead=lead, partner=partner, case=shared_case, after_hours=2)

    (row,) = summary_for(partner.agency).response_times

    assert (row.direction, row.partner_id, row.median_seconds) == ("incoming", lead.agency.pk, 7200.0)


def test_expired_handoffs_are_counted_but_have_no_response_time(lead, partner, shared_case):
    answered(lead=lead, partner=partner, case=shared_case, after_hours=26, status=HandoffStatus.EXPIRED)

    (row,) = summary_for(lead.agency).response_times

    assert (row.answered, row.expired, row.median_seconds, row.p90_seconds) == (0, 1, None, None)


def test_a_handoff_the_lead_agency_declined_before_the_receiver_heard_of_it_is_not_counted(
    lead, partner, unrelated, shared_case
):
    task = make_task(case=shared_case, owner=partner.agency, title="Trace", due_at=NOW + hours(48))
    make_handoff(
        task=task,
        sender=partner,
        receiver=unrelated,
        created_at=NOW - hours(10),
        status=HandoffStatus.DECLINED,
        needs_approval=True,
        responded_at=NOW - hours(9),
        responded_by=lead.liaison,
        response_note="Not needed on this case",
    )

    assert summary_for(unrelated.agency).response_times == []
    assert summary_for(partner.agency).response_times == []


def test_a_response_time_counts_from_the_lead_agencys_approval(lead, partner, unrelated, shared_case):
    task = make_task(case=shared_case, owner=partner.agency, title="Trace", due_at=NOW + hours(48))
    make_handoff(
        task=task,
        sender=partner,
        receiver=unrelated,
        created_at=NOW - hours(10),
        status=HandoffStatus.ACCEPTED,
        needs_approval=True,
        approved_by=lead.liaison,
        approved_at=NOW - hours(6),
        respond_by=NOW + hours(18),
        responded_at=NOW - hours(5),
        responded_by=unrelated.liaison,
    )

    (row,) = summary_for(unrelated.agency).response_times

    assert (row.direction, row.answered, row.median_seconds) == ("incoming", 1, 3600.0)


def test_handoffs_answered_outside_the_period_are_left_out(lead, partner, shared_case):
    answered(lead=lead, partner=partner, case=shared_case, after_hours=2)

    summary = dashboard_summary(agency=lead.agency, since=NOW, until=NOW + hours(24), now=NOW)

    assert summary.response_times == []


def test_deadline_compliance_counts_met_late_and_missed_per_template(lead, case, template):
    def deadline(due_at, completed_at=None):
        done = {"status": TaskStatus.DONE, "completed_at": completed_at} if completed_at else {}
        make_task(case=case, owner=lead.agency, title=template.name, due_at=due_at, template=template, **done)

    deadline(NOW - hours(48), completed_at=NOW - hours(50))  # met
    deadline(NOW - hours(30), completed_at=NOW - hours(30))  # met, at the minute
    deadline(NOW - hours(24), completed_at=NOW - hours(2))  # late
    deadline(NOW - hours(1))  # missed
    deadline(NOW + hours(5))  # not due yet
    deadline(SINCE - hours(1))  # before the period
    make_task(case=case, owner=lead.agency, title="No template", due_at=NOW - hours(3))

    summary = summary_for(lead.agency)

    (row,) = summary.compliance
    assert (row.template_key, row.legal_source, row.due, row.met, row.late, row.missed) == (
        "report-missing-child",
        "42 U.S.C. 671(a)(35)(B)",
        4,
        2,
        1,
        1,
    )
    assert row.share_met == 0.5
    assert summary.compliance_share_met == 0.5


def test_caseload_counts_open_cases_on_the_team_or_with_a_task(lead, case):
    second = open_case(actor=lead.liaison, pseudonym="B.B.")
    make_task(case=second, owner=lead.agency, title="Visit", due_at=NOW - hours(2), assignee=lead.caseworker)
    make_task(case=second, owner=lead.agency, title="Call", due_at=NOW + hours(2), assignee=lead.caseworker)
    closed = open_case(actor=lead.caseworker, pseudonym="C.C.")
    closed.status = CaseStatus.CLOSED
    closed.save(update_fields=["status"])

    rows = {row.user_id: row for row in summary_for(lead.agency).caseload}

    worker = rows[lead.caseworker.public_id]
    assert (worker.open_cases, worker.open_tasks, worker.overdue_tasks) == (2, 2, 1)
    assert (rows[lead.liaison.public_id].open_cases, rows[lead.supervisor.public_id].open_cases) == (1, 0)
    assert lead.admin.public_id not in rows


def test_the_summary_costs_the_same_queries_for_more_data(
    lead, partner, shared_case, template, django_assert_num_queries
):
    def add_work(count):
        for number in range(count):
            worker = UserFactory(agency=lead.agency, role="caseworker")
            task = make_task(
                case=shared_case,
                owner=lead.agency,
                title=f"T{number}",
                due_at=NOW - hours(number + 1),
                template=template,
                assignee=worker,
            )
            make_task(case=shared_case, owner=lead.agency, title=f"U{number}", due_at=NOW + hours(number + 1))
            make_handoff(task=task, sender=lead, receiver=partner, created_at=NOW - hours(number + 2))
            answered(lead=lead, partner=partner, case=shared_case, after_hours=number + 1)

    add_work(1)
    with django_assert_num_queries(11):
        summary_for(lead.agency)
    add_work(5)
    with django_assert_num_queries(11):
        summary = summary_for(lead.agency)
    assert len(summary.pending_handoffs) == 6


def test_a_period_is_whole_local_days():
    start, end = period_bounds(since=date(2026, 3, 1), until=date(2026, 3, 31))

    assert (start, end) == (SINCE, UNTIL)


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(ValidationFailed) as error:
        period_bounds(since=date(2026, 3, 2), until=date(2026, 3, 1))

    assert error.value.fields == {"until": ["Must not be before since."]}


def test_a_period_longer_than_a_year_is_refused():
    with pytest.raises(ValidationFailed) as error:
        period_bounds(since=date(2025, 1, 1), until=date(2026, 1, 2))

    assert error.value.fields == {"until": ["Choose a period of at most 366 days."]}


def test_a_period_of_366_days_is_allowed():
    start, end = period_bounds(since=date(2025, 1, 1), until=date(2026, 1, 1))

    assert end - start == timedelta(days=366)
