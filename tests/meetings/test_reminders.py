"""The weekly-update reminder job: coordinators whose department has not submitted the
week's update by the configured weekday and hour get one email, text and HTML, in their
language; never more than one per coordinator and week, even when the job runs twice or
twice at the same moment."""

import datetime
import threading
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from meetings.models import ReminderDelivery
from meetings.services import reminder_deliver
from meetings.tasks import send_weekly_update_reminders
from planbridge.models import Membership, Profile
from planbridge.periods import week_start

from ..factories import MembershipFactory
from .factories import WeeklyUpdateFactory


def local_moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour)), timezone.get_default_timezone()
    )


@pytest.fixture
def thursday_afternoon(settings):
    """Reminders are due from Thursday 15:00 local time; "now" is Thursday 16:00."""
    settings.PLANBRIDGE_REMINDER_WEEKDAY = 3
    settings.PLANBRIDGE_REMINDER_HOUR = 15
    monday = week_start(timezone.localdate())
    moment = local_moment(monday + datetime.timedelta(days=3), 16)
    with mock.patch.object(timezone, "now", return_value=moment):
        yield monday


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_run_twice_it_sends_one_email_per_coordinator_missing_an_update(
    thursday_afternoon, everyone, departments
):
    WeeklyUpdateFactory(department=departments["dev"], week=thursday_afternoon)

    assert send_weekly_update_reminders() == 2
    assert send_weekly_update_reminders() == 0

    assert recipients() == [everyone["marketing"].email, everyone["sales"].email]
    assert ReminderDelivery.objects.filter(status="sent").count() == 2


def test_nothing_is_sent_before_the_configured_moment(settings, everyone):
    settings.PLANBRIDGE_REMINDER_WEEKDAY = 3
    settings.PLANBRIDGE_REMINDER_HOUR = 15
    monday = week_start(timezone.localdate())
    before = local_moment(monday + datetime.timedelta(days=3), 14)
    with mock.patch.object(timezone, "now", return_value=before):
        assert send_weekly_update_reminders() == 0
    assert mail.outbox == []
    assert not ReminderDelivery.objects.exists()


def test_the_moment_is_read_in_the_configured_time_zone(settings, everyone):
    settings.PLANBRIDGE_REMINDER_WEEKDAY = 3
    settings.PLANBRIDGE_REMINDER_HOUR = 15
    settings.TIME_ZONE = "Asia/Shanghai"
    # 08:30 UTC on a Thursday is 16:30 in Shanghai: due there, though not yet 15:00 UTC.
    thursday = week_start(datetime.date(2026, 3, 12)) + datetime.timedelta(days=3)
    moment = datetime.datetime.combine(thursday, datetime.time(8, 30), tzinfo=datetime.UTC)
    with mock.patch.object(timezone, "now", return_value=moment):
        assert send_weekly_update_reminders() == 3


def test_the_email_has_text_and_html_in_the_coordinator_language(
    thursday_afternoon, everyone, departments
):
    Profile.objects.filter(user=everyone["sales"]).update(language="zh-hans")
    WeeklyUpdateFactory(department=departments["dev"], week=thursday_afternoon)
    WeeklyUpdateFactory(department=departments["marketing"], week=thursday_afternoon)

    send_weekly_update_reminders()

    (message,) = mail.outbox
    assert message.to == [everyone["sales"].email]
    assert "周报" in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Sales" in message.body and "Sales" in html
    assert f"{django_settings.SITE_URL}/weekly/" in message.body


def test_a_coordinator_of_two_missing_departments_gets_one_email(
    thursday_afternoon, everyone, departments
):
    MembershipFactory(
        user=everyone["sales"], department=departments["dev"], role=Membership.Role.COORDINATOR
    )
    WeeklyUpdateFactory(department=departments["marketing"], week=thursday_afternoon)

    send_weekly_update_reminders()

    assert recipients() == [everyone["dev"].email, everyone["sales"].email]
    (to_sales,) = [m for m in mail.outbox if m.to == [everyone["sales"].email]]
    assert "Product Development" in to_sales.body and "Sales" in to_sales.body


def test_members_and_pms_are_not_reminded(thursday_afternoon, everyone):
    send_weekly_update_reminders()
    assert everyone["sales_member"].email not in recipients()
    assert everyone["pm"].email not in recipients()


def test_an_update_submitted_after_the_claim_means_no_email(
    thursday_afternoon, everyone, departments
):
    WeeklyUpdateFactory(department=departments["sales"], week=thursday_afternoon)
    assert reminder_deliver(user_id=everyone["sales"].pk, week=thursday_afternoon) is False
    assert mail.outbox == []
    assert ReminderDelivery.objects.get(user=everyone["sales"]).status == "skipped"


def test_a_failed_send_is_recorded_and_retried_once_by_the_next_run(
    thursday_afternoon, everyone, departments
):
    WeeklyUpdateFactory(department=departments["dev"], week=thursday_afternoon)
    WeeklyUpdateFactory(department=departments["marketing"], week=thursday_afternoon)
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=ConnectionRefusedError("smtp")
    ):
        assert send_weekly_update_reminders() == 0
    delivery = ReminderDelivery.objects.get()
    assert delivery.status == "failed" and "smtp" in delivery.error

    assert send_weekly_update_reminders() == 1
    assert send_weekly_update_reminders() == 0
    assert recipients() == [everyone["sales"].email]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)


def test_the_beat_schedule_runs_the_job_hourly():
    entry = django_settings.CELERY_BEAT_SCHEDULE["meetings-weekly-update-reminders"]
    assert entry["task"] == send_weekly_update_reminders.name
    assert entry["schedule"].minute == {7}
    assert len(entry["schedule"].hour) == 24


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_one_email_per_coordinator(settings, everyone):
    settings.PLANBRIDGE_REMINDER_WEEKDAY = 0
    settings.PLANBRIDGE_REMINDER_HOUR = 0
    start = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            start.wait(timeout=10)
            results.append(send_weekly_update_reminders())
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sum(results) == 3
    assert recipients() == sorted(
        [everyone["dev"].email, everyone["marketing"].email, everyone["sales"].email]
    )
    assert ReminderDelivery.objects.filter(status="sent").count() == 3
