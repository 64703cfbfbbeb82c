"""A caseworker's day in a real Chromium (issue 13): everything overdue first on My work, handoffs
that carry their context and leave the waiting list when answered, and a note that says who will
read it before it is saved."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from casework.models import DeadlineTemplate, Task
from casework.services.tasks import task_create
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_my_work_opens_on_everything_overdue_including_unassigned_statutory_work(page, lead, case):
    template = DeadlineTemplate.objects.get(key="report-missing-child")
    unassigned = task_create(
        actor=lead.liaison, case=case, title=template.name, due_at=timezone.now() + timedelta(hours=1)
    )
    Task.objects.filter(pk=unassigned.pk).update(template=template, due_at=timezone.now() - timedelta(hours=5))
    task_create(
        actor=lead.caseworker,
        case=case,
        title="Call the school counsellor",
        due_at=timezone.now() + timedelta(days=3),
        assignee=lead.caseworker,
    )

    sign_in(page, lead.caseworker)

    overdue = page.get_by_role("region", name=re.compile("^Overdue"))
    assert overdue.locator("h2 .count").inner_text() == "1"
    assert "Report missing child to law enforcement and NCMEC" in overdue.inner_text()
    assert "Unassigned" in overdue.inner_text()
    assert "Deadline set by law: 42 U.S.C. 671(a)(35)(B)" in overdue.inner_text()
    # The first task on the page, above the caseworker's own work that is not yet due.
    first = page.locator("main h3").first.inner_text()
    assert first == "Report missing child to law enforcement and NCMEC"
    overdue.get_by_role("button", name=re.compile("^Take it on")).click()
    overdue.get_by_text("It is yours now.").wait_for()
    assert Task.objects.get(pk=unassigned.pk).assignee_id == lead.caseworker.pk
