"""Scheduled work of weekly coordination (docs/architecture.md "Jobs"); the reminders are sent
by the core's outbox (planbridge.tasks.send_outbox_message)."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from planbridge.periods import week_start

from .selectors import reminder_recipient_ids
from .services import reminder_deadline, reminder_enqueue

logger = logging.getLogger(__name__)


# Idempotent (one reminder per coordinator and week, by the outbox's dedupe key), so a run cut
# short by a dying worker, its pool process killed included, is simply delivered again.
@shared_task(
    name="meetings.send_weekly_update_reminders", acks_late=True, reject_on_worker_lost=True
)
def send_weekly_update_reminders() -> int:
    """Hourly: once the week's reminder moment (PLANBRIDGE_REMINDER_WEEKDAY / _HOUR, local
    time) has passed, hands the outbox one reminder for each coordinator whose department has
    not submitted the week's update; at most one per coordinator and week however often this
    runs. Returns how many were handed over."""
    now = timezone.now()
    week = week_start(timezone.localtime(now).date())
    if now < reminder_deadline(week):
        return 0
    queued = 0
    # One transaction: the sends are queued once every reminder of the run is committed.
    with transaction.atomic():
        for user_id in reminder_recipient_ids(week=week):
            if reminder_enqueue(user_id=user_id, week=week) is not None:
                queued += 1
    if queued:
        logger.info("Weekly update reminders queued: %s (week of %s)", queued, week)
    return queued


# Idempotent (one post per robot and meeting, by the outbox's dedupe key).
@shared_task(name="meetings.post_meeting_agendas", acks_late=True, reject_on_worker_lost=True)
def post_meeting_agendas() -> int:
    """Hourly: on a meeting's morning, hands its agenda summary to the chat robots posting
    agendas (docs/architecture.md "Chat robots"); returns how many messages."""
    from .robot_posts import agenda_robots_post

    with transaction.atomic():
        return len(agenda_robots_post())
