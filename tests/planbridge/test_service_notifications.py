"""The notification services refuse on their own what the pages refuse first
(docs/architecture.md "Notifications"): each guard is hit by a direct call, nothing written."""

import pytest
from django.core.exceptions import ValidationError

from planbridge import notifications
from planbridge.models import Notification, NotificationPreference

Kind = Notification.Kind


def test_recording_an_unknown_kind_is_refused(dev_coordinator, marketing_coordinator):
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notifications.notify(
            kind="meeting_moved",
            recipient_ids=[marketing_coordinator.pk],
            actor=dev_coordinator,
            app_label="meetings",
            object_id=1,
            url="/weekly/",
            title="Moved",
        )
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "deliveries",
    [
        {Kind.ASK_RAISED: "sometimes"},
        {"meeting_moved": Notification.Delivery.OFF},
        {Kind.ASK_DONE: Notification.Delivery.OFF, Kind.ASK_RAISED: "weekly"},
    ],
)
def test_saving_an_unknown_kind_or_choice_is_refused_and_saves_nothing(
    marketing_coordinator, deliveries
):
    with pytest.raises(ValidationError, match="Choose one of the offered options"):
        notifications.notification_preferences_save(
            user=marketing_coordinator, deliveries=deliveries
        )
    assert not NotificationPreference.objects.exists()


def test_marking_another_users_notification_read_is_refused(
    dev_coordinator, marketing_coordinator, sales_coordinator
):
    (theirs,) = notifications.notify(
        kind=Kind.ASK_RAISED,
        recipient_ids=[sales_coordinator.pk],
        actor=dev_coordinator,
        app_label="meetings",
        object_id=1,
        url="/weekly/asks/1/",
        title="Theirs",
    )
    assert not notifications.notification_mark_read(
        user=marketing_coordinator, notification_id=theirs.pk
    )
    assert notifications.notifications_mark_all_read(user=marketing_coordinator) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert notifications.notification_mark_read(user=sales_coordinator, notification_id=theirs.pk)
    theirs.refresh_from_db()
    assert theirs.read_at is not None
