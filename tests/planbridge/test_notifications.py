"""Notifications (docs/architecture.md "Notifications"): the core's record function, the
pages and the e-mail preferences. Each app's events are tested with its services in
tests/meetings/test_notifications.py and tests/reviews/test_notifications.py."""

import pytest
from django.urls import reverse

from planbridge import notifications
from planbridge.models import (
    Notification,
    NotificationPreference,
    OutboxMessage,
    Profile,
)

Kind = Notification.Kind
Delivery = Notification.Delivery


def speaks_chinese(user):
    Profile.objects.update_or_create(user=user, defaults={"language": "zh-hans"})


def record(kind, recipients, actor, title="Share the launch budget"):
    return notifications.notify(
        kind=kind,
        recipient_ids=[user.pk for user in recipients],
        actor=actor,
        app_label="meetings",
        object_id=7,
        url="/weekly/asks/7/",
        title=title,
        department_name="Marketing",
    )


def test_every_recipient_but_the_actor_gets_one_notification(
    dev_coordinator, marketing_coordinator, sales_coordinator
):
    record(
        Kind.ASK_RAISED,
        [dev_coordinator, marketing_coordinator, sales_coordinator],
        dev_coordinator,
    )
    rows = Notification.objects.order_by("recipient__username")
    assert [row.recipient for row in rows] == [marketing_coordinator, sales_coordinator]
    assert {(row.kind, row.actor_id, row.app_label, row.object_id) for row in rows} == {
        (Kind.ASK_RAISED, dev_coordinator.pk, "meetings", 7)
    }


def test_an_inactive_user_is_not_notified(dev_coordinator, marketing_coordinator):
    marketing_coordinator.is_active = False
    marketing_coordinator.save()
    assert record(Kind.ASK_RAISED, [marketing_coordinator], dev_coordinator) == []
    assert not Notification.objects.exists()


def test_an_unknown_kind_is_refused(dev_coordinator, marketing_coordinator):
    with pytest.raises(ValueError):
        record("nonsense", [marketing_coordinator], dev_coordinator)
    assert not Notification.objects.exists()


def test_at_once_sends_an_email_in_the_recipients_language(
    dev_coordinator, marketing_coordinator, sales_coordinator
):
    speaks_chinese(marketing_coordinator)
    record(Kind.ASK_RAISED, [marketing_coordinator, sales_coordinator], dev_coordinator)
    chinese = OutboxMessage.objects.get(recipient=marketing_coordinator)
    english = OutboxMessage.objects.get(recipient=sales_coordinator)
    assert chinese.kind == "notification"
    assert "提出了请求" in chinese.subject and "Share the launch budget" in chinese.subject
    assert "提出了请求" in chinese.text and "/weekly/asks/7/" in chinese.html
    assert '<html lang="zh-hans">' in chinese.html
    assert "raised an ask to Marketing" in english.subject
    assert "Hello Sam" in english.text
    notification = Notification.objects.get(recipient=marketing_coordinator)
    assert chinese.dedupe_key == f"notification:{notification.pk}"
    assert notification.emailed_at is not None


def test_digest_and_off_send_no_email_at_once(
    dev_coordinator, marketing_coordinator, sales_coordinator
):
    NotificationPreference.objects.create(
        user=marketing_coordinator, kind=Kind.ASK_RAISED, delivery=Delivery.DIGEST
    )
    NotificationPreference.objects.create(
        user=sales_coordinator, kind=Kind.ASK_RAISED, delivery=Delivery.OFF
    )
    record(Kind.ASK_RAISED, [marketing_coordinator, sales_coordinator], dev_coordinator)
    assert not OutboxMessage.objects.exists()
    assert notifications.digest_notifications(user=marketing_coordinator)[0].kind == Kind.ASK_RAISED
    assert notifications.digest_notifications(user=sales_coordinator) == []
    # Both are still shown in-app.
    assert notifications.unread_count(marketing_coordinator) == 1
    assert notifications.unread_count(sales_coordinator) == 1


def test_the_defaults_email_asks_at_once_and_flagged_findings_in_the_digest(marketing_coordinator):
    preferences = notifications.notification_preferences(user=marketing_coordinator)
    assert preferences[Kind.ASK_RAISED] == Delivery.IMMEDIATE
    assert preferences[Kind.FINDING_FLAGGED] == Delivery.DIGEST


def test_preferences_save_refuses_an_unknown_choice(marketing_coordinator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        notifications.notification_preferences_save(
            user=marketing_coordinator, deliveries={Kind.ASK_RAISED: "sometimes"}
        )
    with pytest.raises(ValidationError):
        notifications.notification_preferences_save(
            user=marketing_coordinator, deliveries={"nonsense": Delivery.OFF}
        )
    assert not NotificationPreference.objects.exists()


def test_recording_is_set_based(
    django_assert_num_queries, dev_coordinator, marketing_coordinator, sales_coordinator
):
    for user in (marketing_coordinator, sales_coordinator):
        NotificationPreference.objects.create(
            user=user, kind=Kind.FINDING_FLAGGED, delivery=Delivery.DIGEST
        )
    events = [
        notifications.Event(
            recipient_ids=[marketing_coordinator.pk, sales_coordinator.pk],
            app_label="reviews",
            object_id=pk,
            url=f"/reviews/findings/{pk}/",
            title=f"Finding {pk}",
        )
        for pk in range(1, 40)
    ]
    # The recipients, their preferences and one INSERT, inside a savepoint (two more).
    with django_assert_num_queries(5):
        notifications.notify_many(kind=Kind.FINDING_FLAGGED, events=events, actor=None)
    assert Notification.objects.count() == 78


# Pages -----------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_inside_the_link(
    client_for, dev_coordinator, marketing_coordinator
):
    record(Kind.ASK_RAISED, [marketing_coordinator], dev_coordinator)
    record(Kind.ASK_DONE, [marketing_coordinator], dev_coordinator)
    page = client_for(marketing_coordinator).get(reverse("plan_list")).content.decode()
    start = page.index('data-testid="notification-bell"')
    link = page[page.rindex("<a", 0, start) : page.index("</a>", start)]
    assert 'href="/notifications/"' in link
    assert '<span class="badge text-bg-warning" data-testid="notification-count">2</span>' in link


def test_the_list_shows_the_users_notifications_with_links(
    client_for, dev_coordinator, marketing_coordinator, sales_coordinator
):
    record(Kind.ASK_RAISED, [marketing_coordinator], dev_coordinator, title="Mine")
    record(Kind.ASK_RAISED, [sales_coordinator], dev_coordinator, title="Not mine")
    response = client_for(marketing_coordinator).get(reverse("notification_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Dana raised an ask to Marketing: Mine" in page
    assert 'href="/weekly/asks/7/"' in page
    assert "Not mine" not in page


def test_the_list_is_in_the_readers_language(client_for, dev_coordinator, marketing_coordinator):
    record(Kind.ASK_RAISED, [marketing_coordinator], dev_coordinator)
    client = client_for(marketing_coordinator)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/notifications/"})
    page = client.get(reverse("notification_list")).content.decode()
    assert "提出了请求" in page


def test_mark_read_and_mark_all_read(client_for, dev_coordinator, marketing_coordinator):
    (first,) = record(Kind.ASK_RAISED, [marketing_coordinator], dev_coordinator)
    record(Kind.ASK_DONE, [marketing_coordinator], dev_coordinator)
    record(Kind.ASK_DONE, [marketing_coordinator], dev_coordinator)
    client = client_for(marketing_coordinator)
    response = client.post(reverse("notification_read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert notifications.unread_count(marketing_coordinator) == 2
    client.post(reverse("notification_read_all"))
    assert notifications.unread_count(marketing_coordinator) == 0


def test_marking_someone_elses_notification_is_not_found_and_changes_nothing(
    client_for, dev_coordinator, marketing_coordinator, sales_coordinator
):
    (theirs,) = record(Kind.ASK_RAISED, [sales_coordinator], dev_coordinator)
    client = client_for(marketing_coordinator)
    assert client.post(reverse("notification_read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notification_read", args=[999999])).status_code == 404
    client.post(reverse("notification_read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_is_a_post(client_for, dev_coordinator, marketing_coordinator):
    (mine,) = record(Kind.ASK_RAISED, [marketing_coordinator], dev_coordinator)
    client = client_for(marketing_coordinator)
    assert client.get(reverse("notification_read", args=[mine.pk])).status_code == 405
    assert client.get(reverse("notification_read_all")).status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None


def test_the_pages_require_a_login(anon):
    for name in ("notification_list", "notification_settings"):
        response = anon.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_settings_save_a_choice_per_kind(client_for, marketing_coordinator):
    client = client_for(marketing_coordinator)
    data = {kind: Delivery.OFF for kind in Kind.values}
    data[Kind.ASK_RAISED] = Delivery.DIGEST
    assert client.post(reverse("notification_settings"), data).status_code == 302
    assert (
        notifications.notification_preferences(user=marketing_coordinator)[Kind.ASK_RAISED]
        == Delivery.DIGEST
    )
    assert (
        notifications.notification_preferences(user=marketing_coordinator)[Kind.ASK_DONE]
        == Delivery.OFF
    )


def test_settings_refuse_a_bad_choice_and_save_nothing(client_for, marketing_coordinator):
    client = client_for(marketing_coordinator)
    data = {kind: Delivery.OFF for kind in Kind.values}
    data[Kind.ASK_RAISED] = "sometimes"
    response = client.post(reverse("notification_settings"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_takes_a_fixed_number_of_queries(
    size, client_for, django_assert_max_num_queries, dev_coordinator, marketing_coordinator
):
    for number in range(size):
        record(Kind.ASK_RAISED, [marketing_coordinator], dev_coordinator, title=f"Ask {number}")
    client = client_for(marketing_coordinator)
    # Session, user, profile (language), the navigation's PM group, the Asks badge, the
    # bell's count, the page's count and its rows with their actors: eight at either size.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notification_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("kind", Kind.values)
def test_every_kind_reads_in_chinese_for_a_chinese_reader(
    kind, dev_coordinator, marketing_coordinator
):
    from django.utils import translation

    NotificationPreference.objects.create(
        user=marketing_coordinator, kind=kind, delivery=Delivery.IMMEDIATE
    )
    speaks_chinese(marketing_coordinator)
    (notification,) = record(kind, [marketing_coordinator], dev_coordinator, title="标题")
    with translation.override("en"):
        english = notifications.notification_text(notification)
    message = OutboxMessage.objects.get(recipient=marketing_coordinator)
    assert english not in message.subject
    assert "标题" in message.subject and "您好" in message.text
    assert message.subject.isascii() is False
    assert english.replace("标题", "") not in message.text
