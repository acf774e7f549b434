"""Scheduled work of reviews (docs/architecture.md "Jobs"): the daily flag job and the daily
digests. The beat entries are in settings.CELERY_BEAT_SCHEDULE (UTC).

Every task here is idempotent, so each uses acks_late (a worker dying mid-task leaves the
message to be delivered again): the flag job is one UPDATE guarded by "flagged_at IS NULL",
scheduling relies on the (user, date) unique constraint, and a send claims its
DigestDelivery row before any email leaves, so a second delivery of the message sends nothing.
"""

from celery import shared_task
from django.conf import settings

from . import digests


@shared_task(
    name="reviews.flag_unlinked_findings",
    acks_late=True,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
)
def flag_unlinked_findings() -> int:
    """Flags the findings not carried or dismissed within the grace period; returns how many."""
    return digests.unlinked_findings_flag()


@shared_task(
    name="reviews.send_unlinked_digests",
    acks_late=True,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
)
def send_unlinked_digests() -> int:
    """Schedules today's digests and queues one send task per delivery; returns how many."""
    return len(digests.digests_schedule(enqueue=True))


@shared_task(
    bind=True,
    name="reviews.send_digest",
    acks_late=True,
    # One SMTP conversation: connect, send, quit, each bounded by EMAIL_TIMEOUT.
    time_limit=settings.EMAIL_TIMEOUT * 6 + 30,
    soft_time_limit=settings.EMAIL_TIMEOUT * 6,
    max_retries=settings.PLANBRIDGE_DIGEST_MAX_RETRIES,
)
def send_digest(self, delivery_id: int) -> str:
    """Sends one DigestDelivery (by primary key); an SMTP failure is retried with backoff
    and jitter until max_retries, after which the delivery is `failed` with its error."""
    final = self.request.retries >= self.max_retries
    outcome = digests.digest_delivery_send(delivery_id=delivery_id, final_attempt=final)
    if outcome == digests.RETRY:
        raise self.retry(countdown=digests.retry_countdown(self.request.retries))
    return outcome
