import pytest

from common.errors import NotFound, ValidationFailed
from notifications.models import Notification
from notifications.selectors import notification_preferences_for, notifications_for
from notifications.services import (
    notification_mark_read,
    notification_preferences_update,
    notifications_mark_all_read,
    notify,
)

pytestmark = pytest.mark.django_db


def _notify(case, user, message="Something happened."):
    [notification] = notify(recipients=[user], kind="handoff_created", case=case, message=message)
    return notification


def test_inbox_lists_only_the_users_own_notifications_newest_first(case, lead):
    first = _notify(case, lead.liaison, "First.")
    second = _notify(case, lead.liaison, "Second.")
    _notify(case, lead.supervisor)

    assert list(notifications_for(user=lead.liaison)) == [second, first]


def test_inbox_rows_carry_the_case_number_without_extra_queries(case, lead, django_assert_num_queries):
    _notify(case, lead.liaison)
    _notify(case, lead.liaison)

    with django_assert_num_queries(1):
        rows = [
            (n.case.number, n.task_id, n.handoff_id, n.read_at) for n in notifications_for(user=lead.liaison)
        ]

    assert rows == [(case.number, None, None, None), (case.number, None, None, None)]


def test_unread_filter_keeps_unread_notifications(case, lead):
    read = _notify(case, lead.liaison)
    unread = _notify(case, lead.liaison)
    notification_mark_read(user=lead.liaison, notification=read)

    assert list(notifications_for(user=lead.liaison, unread=True)) == [unread]
    assert list(notifications_for(user=lead.liaison, unread=False)) == [read]


def test_marking_read_twice_keeps_the_first_read_time(case, lead):
    notification = _notify(case, lead.liaison)
    first = notification_mark_read(user=lead.liaison, notification=notification).read_at

    again = notification_mark_read(user=lead.liaison, notification=notification)

    assert again.read_at == first


def test_someone_elses_notification_cannot_be_marked_read(case, lead):
    notification = _notify(case, lead.liaison)

    with pytest.raises(NotFound):
        notification_mark_read(user=lead.supervisor, notification=notification)

    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_changes_only_the_users_unread_notifications(case, lead):
    _notify(case, lead.liaison)
    _notify(case, lead.liaison)
    others = _notify(case, lead.supervisor)

    assert notifications_mark_all_read(user=lead.liaison) == 2
    assert Notification.objects.filter(recipient=lead.liaison, read_at__isnull=True).count() == 0
    others.refresh_from_db()
    assert others.read_at is None


def test_preferences_default_to_immediate_email(lead):
    preference = notification_preferences_for(user=lead.liaison)

    assert (preference.email_enabled, preference.email_digest) == (True, False)


def test_preferences_update_changes_only_what_is_given(lead):
    notification_preferences_update(user=lead.liaison, email_digest=True)
    notification_preferences_update(user=lead.liaison, email_enabled=False)

    preference = notification_preferences_for(user=lead.liaison)
    assert (preference.email_enabled, preference.email_digest) == (False, True)


def test_preferences_refuse_values_that_are_not_booleans(lead):
    with pytest.raises(ValidationFailed) as error:
        notification_preferences_update(user=lead.liaison, email_enabled="yes")

    assert error.value.fields == {"email_enabled": ["Must be true or false."]}
