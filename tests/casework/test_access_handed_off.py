"""The agency that handed a task off keeps a read-only view of it (issue 13, item 2)."""

import pytest

from casework.access import get_task_for_user, task_shows_detail, tasks_visible_to
from casework.models import Handoff, HandoffKind, HandoffStatus, Task, TaskStatus
from casework.services.handoffs import handoff_accept, handoff_create
from casework.services.tasks import task_complete, task_create, task_reopen, task_update
from common.errors import NotFound, PermissionDenied
from tests.factories import in_hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed_off(shared_case, lead, partner) -> Task:
    """A lead task the partner agency accepted and its caseworker completed."""
    task = task_create(
        actor=lead.caseworker, case=shared_case, title="Interview the child", due_at=in_hours(48)
    )
    handoff = handoff_create(actor=lead.caseworker, task=task, to_agency=partner.agency, note="Yours.")
    handoff_accept(actor=partner.liaison, handoff=handoff, assignee=partner.caseworker)
    return task_complete(actor=partner.caseworker, task=task, outcome="Interviewed on Tuesday.")


def test_the_sender_still_sees_a_task_it_handed_off(handed_off, lead, partner):
    seen = get_task_for_user(user=lead.liaison, task_id=handed_off.pk)

    assert (seen.owner_agency, seen.assignee, seen.status) == (
        partner.agency,
        partner.caseworker,
        TaskStatus.DONE,
    )
    assert seen.completed_at == handed_off.completed_at


def test_the_senders_caseworker_on_the_case_sees_it_too(handed_off, lead):
    assert list(tasks_visible_to(user=lead.caseworker).filter(pk=handed_off.pk)) == [handed_off]


def test_an_unrelated_agency_still_gets_not_found(handed_off, unrelated):
    with pytest.raises(NotFound):
        get_task_for_user(user=unrelated.supervisor, task_id=handed_off.pk)


def test_the_sender_may_not_complete_edit_reopen_or_hand_off_the_task(handed_off, lead, unrelated):
    with pytest.raises(PermissionDenied):
        task_reopen(actor=lead.supervisor, task=handed_off, reason="Not done.")
    with pytest.raises(PermissionDenied):
        task_update(actor=lead.supervisor, task=handed_off, expected_version=handed_off.version, title="Ours")
    with pytest.raises(PermissionDenied):
        handoff_create(actor=lead.liaison, task=handed_off, to_agency=unrelated.agency)
    handed_off.refresh_from_db()
    assert (handed_off.status, handed_off.title) == (TaskStatus.DONE, "Interview the child")


def test_the_sender_may_not_complete_an_open_task_it_handed_off(shared_case, lead, partner):
    task = task_create(actor=lead.caseworker, case=shared_case, title="Interview", due_at=in_hours(48))
    handoff = handoff_create(actor=lead.caseworker, task=task, to_agency=partner.agency)
    handoff_accept(actor=partner.liaison, handoff=handoff)

    with pytest.raises(PermissionDenied):
        task_complete(actor=lead.caseworker, task=task)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_a_sender_that_reads_the_section_sees_the_task_whole(handed_off, lead):
    assert task_shows_detail(get_task_for_user(user=lead.liaison, task_id=handed_off.pk)) is True


def test_a_sender_that_does_not_read_the_tasks_section_sees_only_title_due_owner_and_status(
    shared_case, lead, partner
):
    """Police (the partner) does not read `immigration`; say it had passed such a task on."""
    task = Task.objects.create(
        case=shared_case,
        title="Request HHS eligibility letter",
        description="Immigration detail.",
        owner_agency=lead.agency,
        due_at=in_hours(48),
        section="immigration",
    )
    Handoff.objects.create(
        task=task,
        case=shared_case,
        kind=HandoffKind.TASK,
        from_agency=partner.agency,
        to_agency=lead.agency,
        status=HandoffStatus.ACCEPTED,
        created_by=partner.caseworker,
        respond_by=in_hours(24),
        responded_by=lead.liaison,
        responded_at=in_hours(1),
    )

    seen = get_task_for_user(user=partner.liaison, task_id=task.pk)

    assert (seen.title, task_shows_detail(seen)) == ("Request HHS eligibility letter", False)
