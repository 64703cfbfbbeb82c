from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from casework.access import get_case_access, notes_visible, tasks_visible_to, timeline_visible
from casework.models import TaskStatus
from casework.services.notes import note_add
from casework.services.tasks import task_complete, task_create, task_update
from common.errors import Conflict, NotFound, PermissionDenied, StaleVersion, ValidationFailed
from tests.factories import UserFactory, in_hours

pytestmark = pytest.mark.django_db


def test_task_is_owned_by_the_creators_agency(shared_case, partner):
    task = task_create(actor=partner.liaison, case=shared_case, title="Interview", due_at=in_hours(5))

    assert task.owner_agency == partner.agency
    assert task.status == TaskStatus.OPEN


def test_tasks_of_another_agency_are_not_visible(shared_case, lead, partner):
    task = task_create(actor=partner.liaison, case=shared_case, title="Interview", due_at=in_hours(5))

    assert list(tasks_visible_to(user=partner.supervisor)) == [task]
    assert list(tasks_visible_to(user=lead.supervisor)) == []


def test_task_needs_a_due_time_with_offset_and_a_title(case, lead):
    with pytest.raises(ValidationFailed) as error:
        task_create(actor=lead.caseworker, case=case, title=" ", due_at=datetime(2030, 1, 1))  # noqa: DTZ001

    assert sorted(error.value.fields) == ["due_at", "title"]


def test_task_cannot_be_assigned_outside_the_owning_agency(shared_case, lead, partner):
    with pytest.raises(ValidationFailed) as error:
        task_create(
            actor=lead.caseworker,
            case=shared_case,
            title="Visit",
            due_at=in_hours(5),
            assignee=partner.caseworker,
        )

    assert list(error.value.fields) == ["assignee"]


def test_supervisor_reassigns_work(case, lead):
    other = UserFactory(agency=lead.agency)
    task = task_create(
        actor=lead.caseworker, case=case, title="Visit", due_at=in_hours(5), assignee=lead.caseworker
    )

    task = task_update(actor=lead.supervisor, task=task, expected_version=1, assignee=other)

    assert (task.assignee, task.version) == (other, 2)


def test_caseworker_cannot_take_a_colleagues_task(case, lead):
    other = UserFactory(agency=lead.agency)
    task = task_create(actor=lead.caseworker, case=case, title="Visit", due_at=in_hours(5), assignee=other)

    with pytest.raises(PermissionDenied):
        task_update(actor=lead.caseworker, task=task, expected_version=1, assignee=lead.caseworker)


def test_caseworker_claims_an_unassigned_task(case, lead):
    task = task_create(actor=lead.caseworker, case=case, title="Visit", due_at=in_hours(5))

    task = task_update(actor=lead.caseworker, task=task, expected_version=1, assignee=lead.caseworker)

    assert task.assignee == lead.caseworker


def test_stale_task_edit_is_refused(case, lead):
    task = task_create(actor=lead.caseworker, case=case, title="Visit", due_at=in_hours(5))
    task_update(actor=lead.caseworker, task=task, expected_version=1, title="Home visit")

    with pytest.raises(StaleVersion):
        task_update(actor=lead.caseworker, task=task, expected_version=1, due_at=in_hours(9))


def test_completing_twice_is_a_conflict(case, lead):
    task = task_create(actor=lead.caseworker, case=case, title="Visit", due_at=in_hours(5))
    done = task_complete(actor=lead.caseworker, task=task)

    assert done.status == TaskStatus.DONE
    assert done.completed_by == lead.caseworker
    with pytest.raises(Conflict):
        task_complete(actor=lead.caseworker, task=task)


def test_unrelated_agency_cannot_touch_a_task(case, lead, unrelated):
    task = task_create(actor=lead.caseworker, case=case, title="Visit", due_at=in_hours(5))

    with pytest.raises(NotFound):
        task_complete(actor=unrelated.supervisor, task=task)


def test_notes_are_shown_only_to_readers_of_their_section(shared_case, lead, partner):
    note_add(actor=lead.caseworker, case=shared_case, section="location", body="Moved to a new placement.")
    note_add(actor=lead.caseworker, case=shared_case, section="core", body="Court date set.")

    partner_access = get_case_access(user=partner.liaison, case_id=shared_case.pk)
    assert [note.body for note in notes_visible(access=partner_access)] == ["Court date set."]


def test_a_note_cannot_be_written_in_a_section_the_agency_does_not_read(shared_case, partner):
    with pytest.raises(PermissionDenied):
        note_add(actor=partner.liaison, case=shared_case, section="location", body="x")


def test_timeline_hides_entries_of_unread_sections_and_other_agencies_tasks(shared_case, lead, partner):
    task_create(actor=lead.caseworker, case=shared_case, title="Home visit", due_at=in_hours(5))

    partner_access = get_case_access(user=partner.liaison, case_id=shared_case.pk)
    kinds = [(event.kind, event.section) for event in timeline_visible(access=partner_access)]

    assert ("section_updated", "location") not in kinds
    assert ("task_created", "core") not in kinds
    assert ("case_opened", "core") in kinds
    assert ("section_updated", "identity") in kinds


def test_overdue_tasks_can_be_recorded(case, lead):
    task = task_create(
        actor=lead.caseworker, case=case, title="Report", due_at=timezone.now() - timedelta(hours=2)
    )

    assert task.due_at < timezone.now()
