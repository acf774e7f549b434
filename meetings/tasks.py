"""Scheduled work of weekly coordination (docs/architecture.md "Jobs")."""

import logging

from celery import shared_task
from django.utils import timezone

from planbridge.periods import week_start

from .selectors import reminder_recipient_ids
from .services import reminder_deadline, reminder_deliver

logger = logging.getLogger(__name__)


@shared_task(name="meetings.send_weekly_update_reminders")
def send_weekly_update_reminders() -> int:
    """Hourly: once the week's reminder moment (PLANBRIDGE_REMINDER_WEEKDAY / _HOUR, local
    time) has passed, email each coordinator whose department has not submitted the week's
    update; at most one email per coordinator and week however often this runs."""
    now = timezone.now()
    week = week_start(timezone.localtime(now).date())
    if now < reminder_deadline(week):
        return 0
    sent = 0
    for user_id in reminder_recipient_ids(week=week):
        if reminder_deliver(user_id=user_id, week=week):
            sent += 1
    if sent:
        logger.info("Weekly update reminders sent: %s (week of %s)", sent, week)
    return sent
