"""The case list's task orders (`web.selectors.case_list`): whichever way a list is read (a
liaison's or supervisor's whole list walks the agency's open tasks in order, a caseworker's or a
filtered one groups them), the page holds the first cases of the order `CASE_ORDERINGS` defines,
worked out here in Python from the rows themselves, ties included."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from casework.access import cases_visible_to
from casework.models import Case, CaseStatus, Task, TaskStatus
from casework.services.sharing import participant_invite
from tests.factories import open_case
from tests.web.conftest import make_task
from web.selectors import TASK_SORTS, CaseListQuery, case_list

pytestmark = pytest.mark.django_db

FILTERS = {
    "all": {},
    "open": {"status": CaseStatus.OPEN},
    "overdue only": {"overdue_only": True},
    "closed": {"status": CaseStatus.CLOSED},
}


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def busy(lead, partner, now):
    """Fourteen cases with open, done and other agencies' tasks due at a few shared times (ties
    between cases and within one), some cases created at the same moment, one closed, some
    without open tasks."""
    pick = random.Random(21)
    due_times = [now + timedelta(hours=hours) for hours in (-30, -5, -1, 2, 2.5, 40)]
    cases = [open_case(actor=lead.caseworker, pseudonym=f"C.{number}") for number in range(14)]
    Case.objects.filter(pk__in=[cases[3].pk, cases[4].pk, cases[5].pk]).update(created_at=cases[3].created_at)
    Case.objects.filter(pk=cases[6].pk).update(status=CaseStatus.CLOSED)
    for case in cases[:11]:
        if pick.random() < 0.3:
            participant_invite(actor=lead.liaison, case=case, agency=partner.agency)
        for _ in range(pick.randint(0, 4)):
            make_task(case=case, owner=lead.agency, title="open", due_at=pick.choice(due_times))
        if pick.random() < 0.5:
            make_task(
                case=case,
                owner=lead.agency,
                title="done",
                due_at=pick.choice(due_times),
                status=TaskStatus.DONE,
                completed_at=now,
            )
        if pick.random() < 0.3:
            make_task(case=case, owner=partner.agency, title="theirs", due_at=now - timedelta(days=9))
    return cases


def _expected(*, user, query: CaseListQuery, now, limit: int) -> list:
    cases = cases_visible_to(user=user)
    if query.status:
        cases = cases.filter(status=query.status)
    open_tasks: dict = {}
    for case_id, due_at in Task.objects.filter(
        owner_agency_id=user.agency_id, status=TaskStatus.OPEN
    ).values_list("case_id", "due_at"):
        open_tasks.setdefault(case_id, []).append(due_at)
    rows = []
    for case in cases:
        due = open_tasks.get(case.pk, [])
        overdue = sum(1 for moment in due if moment < now)
        if query.overdue_only and not overdue:
            continue
        rows.append((case, min(due, default=None), overdue))

    def then(case):
        return (-case.created_at.timestamp(), case.pk)

    def soonest(next_due):
        return (next_due is None, next_due.timestamp() if next_due else 0)

    keys = {
        "deadline": lambda row: (*soonest(row[1]), *then(row[0])),
        "-deadline": lambda row: (row[1] is None, -row[1].timestamp() if row[1] else 0, *then(row[0])),
        "-overdue": lambda row: (-row[2], *soonest(row[1]), *then(row[0])),
        "overdue": lambda row: (row[2], *soonest(row[1]), *then(row[0])),
    }
    return [row[0].pk for row in sorted(rows, key=keys[query.sort])][:limit]


@pytest.mark.parametrize("role", ["liaison", "supervisor", "caseworker"])
@pytest.mark.parametrize("sort", sorted(TASK_SORTS))
@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_a_task_order_lists_the_first_cases_of_that_order(lead, busy, now, role, sort, filters):
    user = getattr(lead, role)
    query = CaseListQuery(sort=sort, **FILTERS[filters])

    for limit in (3, 6, 50):
        listed = [case.pk for case in case_list(user=user, query=query, now=now, limit=limit)]

        assert listed == _expected(user=user, query=query, now=now, limit=limit), limit


def test_a_walked_order_counts_only_the_agencys_open_tasks(lead, partner, busy, now):
    only_theirs = busy[12]
    make_task(case=only_theirs, owner=partner.agency, title="theirs", due_at=now - timedelta(days=30))
    make_task(
        case=only_theirs,
        owner=lead.agency,
        title="done",
        due_at=now - timedelta(days=30),
        status=TaskStatus.DONE,
        completed_at=now,
    )

    listed = list(case_list(user=lead.supervisor, query=CaseListQuery(sort="-overdue"), now=now, limit=50))

    row = next(case for case in listed if case.pk == only_theirs.pk)
    assert (row.overdue_count, row.next_due_at) == (0, None)
    assert listed.index(row) > max(index for index, case in enumerate(listed) if case.overdue_count)


@pytest.mark.parametrize("sort", sorted(TASK_SORTS))
def test_a_task_order_costs_at_most_a_query_a_run_and_one_for_the_rows(
    lead, busy, now, sort, django_assert_max_num_queries
):
    # The overdue orders read up to three runs (the overdue cases, those with open tasks, those
    # without) before the page's rows; the others fewer.
    for user in (lead.supervisor, lead.caseworker):
        with django_assert_max_num_queries(4):
            list(case_list(user=user, query=CaseListQuery(sort=sort), now=now, limit=50))
