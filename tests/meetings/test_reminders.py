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

from meetings.services import reminder_enqueue, reminder_key
from meetings.tasks import send_weekly_update_reminders
from planbridge.models import Membership, OutboxMessage, Profile
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


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """remind() -> the hourly job's result, with the outbox sends it queued run."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return send_weekly_update_reminders()

    return run


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_run_twice_it_sends_one_email_per_coordinator_missing_an_update(
    thursday_afternoon, everyone, departments, remind
):
    WeeklyUpdateFactory(department=departments["dev"], week=thursday_afternoon)

    assert remind() == 2
    assert remind() == 0

    assert recipients() == [everyone["marketing"].email, everyone["sales"].email]
    assert OutboxMessage.objects.filter(kind="weekly_reminder", state="sent").count() == 2


def test_nothing_is_sent_before_the_configured_moment(settings, everyone, remind):
    settings.PLANBRIDGE_REMINDER_WEEKDAY = 3
    settings.PLANBRIDGE_REMINDER_HOUR = 15
    monday = week_start(timezone.localdate())
    before = local_moment(monday + datetime.timedelta(days=3), 14)
    with mock.patch.object(timezone, "now", return_value=before):
        assert remind() == 0
    assert mail.outbox == []
    assert not OutboxMessage.objects.exists()


def test_the_moment_is_read_in_the_configured_time_zone(settings, everyone, remind):
    settings.PLANBRIDGE_REMINDER_WEEKDAY = 3
    settings.PLANBRIDGE_REMINDER_HOUR = 15
    settings.TIME_ZONE = "Asia/Shanghai"
    # 08:30 UTC on a Thursday is 16:30 in Shanghai: due there, though not yet 15:00 UTC.
    thursday = week_start(datetime.date(2026, 3, 12)) + datetime.timedelta(days=3)
    moment = datetime.datetime.combine(thursday, datetime.time(8, 30), tzinfo=datetime.UTC)
    with mock.patch.object(timezone, "now", return_value=moment):
        assert remind() == 3


def test_the_email_has_text_and_html_in_the_coordinator_language(
    thursday_afternoon, everyone, departments, remind
):
    Profile.objects.filter(user=everyone["sales"]).update(language="zh-hans")
    WeeklyUpdateFactory(department=departments["dev"], week=thursday_afternoon)
    WeeklyUpdateFactory(department=departments["marketing"], week=thursday_afternoon)

    remind()

    (message,) = mail.outbox
    assert message.to == [everyone["sales"].email]
    assert "周报" in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Sales" in message.body and "Sales" in html
    assert f"{django_settings.SITE_URL}/weekly/" in message.body


def test_a_coordinator_of_two_missing_departments_gets_one_email(
    thursday_afternoon, everyone, departments, remind
):
    MembershipFactory(
        user=everyone["sales"], department=departments["dev"], role=Membership.Role.COORDINATOR
    )
    WeeklyUpdateFactory(department=departments["marketing"], week=thursday_afternoon)

    remind()

    assert recipients() == [everyone["dev"].email, everyone["sales"].email]
    (to_sales,) = [m for m in mail.outbox if m.to == [everyone["sales"].email]]
    assert "Product Development" in to_sales.body and "Sales" in to_sales.body


def test_members_and_pms_are_not_reminded(thursday_afternoon, everyone, remind):
    remind()
    assert everyone["sales_member"].email not in recipients()
    assert everyone["pm"].email not in recipients()


def test_a_coordinator_whose_update_came_in_meanwhile_is_not_reminded(
    thursday_afternoon, everyone, departments
):
    WeeklyUpdateFactory(department=departments["sales"], week=thursday_afternoon)

    assert reminder_enqueue(user_id=everyone["sales"].pk, week=thursday_afternoon) is None

    assert not OutboxMessage.objects.exists()


def test_the_reminder_is_an_outbox_message_keyed_by_coordinator_and_week(
    thursday_afternoon, everyone
):
    message = reminder_enqueue(user_id=everyone["sales"].pk, week=thursday_afternoon)

    assert message.kind == "weekly_reminder" and message.state == OutboxMessage.State.PENDING
    assert message.dedupe_key == reminder_key(everyone["sales"].pk, thursday_afternoon)
    assert message.address == everyone["sales"].email and "Sales" in message.text
    assert reminder_enqueue(user_id=everyone["sales"].pk, week=thursday_afternoon) is None


def test_a_refused_send_stays_in_the_outbox_and_the_next_run_adds_no_second_reminder(
    thursday_afternoon, everyone, departments, remind
):
    WeeklyUpdateFactory(department=departments["dev"], week=thursday_afternoon)
    WeeklyUpdateFactory(department=departments["marketing"], week=thursday_afternoon)
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.open",
        side_effect=ConnectionRefusedError("smtp down"),
    ):
        assert remind() == 1
    message = OutboxMessage.objects.get()
    assert message.state == OutboxMessage.State.PENDING  # its retry is the outbox's
    assert message.attempts == 1 and "smtp down" in message.last_error

    assert remind() == 0
    assert OutboxMessage.objects.count() == 1 and mail.outbox == []


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
    assert OutboxMessage.objects.filter(state="sent").count() == 3
