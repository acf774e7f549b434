"""Scheduled work of reviews (docs/architecture.md "Jobs"): the daily flag job and the daily
digests. The beat entries are in settings.CELERY_BEAT_SCHEDULE (UTC); the digests themselves
are sent by the core's outbox (planbridge.tasks.send_outbox_message).

Both tasks are idempotent, so each uses acks_late and reject_on_worker_lost (a worker dying
mid-task, its pool process killed included, leaves the message to be delivered again): the
flag job is one UPDATE guarded by "flagged_at IS NULL", and scheduling relies on the
outbox's unique dedupe key (one digest per user and day).
"""

from celery import shared_task
from django.conf import settings

from .services.digests import digests_schedule
from .services.flagging import unlinked_findings_flag
from .services.robot_posts import digest_robots_post


@shared_task(
    name="reviews.flag_unlinked_findings",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
)
def flag_unlinked_findings() -> int:
    """Flags the findings not carried or dismissed within the grace period; returns how many."""
    return unlinked_findings_flag()


@shared_task(
    name="reviews.send_unlinked_digests",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
)
def send_unlinked_digests() -> int:
    """Hands today's digests, to people and to chat robots, to the outbox (sent by its own
    tasks); returns how many."""
    return len(digests_schedule()) + len(digest_robots_post())
