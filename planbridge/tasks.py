"""Scheduled and queued work of the core (docs/architecture.md "Jobs"): the outbox's sends and
its recovery run, both idempotent (a send claims its row first), hence acks_late, and
reject_on_worker_lost: a task whose worker process died goes back to the queue instead of
being acknowledged as done (the row's lease keeps the resend to one sender); and the daily
purge of one-time submission tokens, idempotent too."""

from celery import shared_task
from django.conf import settings

from . import once, outbox


@shared_task(name="planbridge.ping")
def ping(payload: str = "pong") -> str:
    """A trivial task that proves the broker and a worker are wired (healthz and smoke tests)."""
    return payload


@shared_task(
    bind=True,
    name="planbridge.send_outbox_message",
    acks_late=True,
    reject_on_worker_lost=True,
    # Inside the lease, so that a live task never loses its claim.
    time_limit=outbox.send_time_limit(),
    soft_time_limit=outbox.send_soft_time_limit(),
    # The row's attempts bound the retries (planbridge.outbox.max_attempts), also across
    # recoveries; Celery's own count only sets the countdown.
    max_retries=None,
)
def send_outbox_message(self, message_pk: int) -> str:
    """Sends one outbox message (by primary key); a refused or unreachable server is retried
    with backoff and jitter until its attempts are used up, then the message is `failed`."""
    outcome = outbox.outbox_message_send(message_pk=message_pk)
    if outcome == outbox.RETRY:
        # A platform's rate limit or a robot's throttle may ask for a longer wait.
        countdown = max(outbox.retry_countdown(self.request.retries), outbox.retry_wait(message_pk))
        raise self.retry(countdown=countdown)
    return outcome


@shared_task(
    name="planbridge.send_outbox",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
)
def send_outbox() -> int:
    """Every few minutes: queues again each message no worker finished (lost task, lapsed
    lease); returns how many."""
    return len(outbox.outbox_recover())


@shared_task(
    name="planbridge.purge_submission_tokens",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
)
def purge_submission_tokens() -> int:
    """Daily: deletes the one-time tokens of forms submitted more than a week ago
    (docs/architecture.md "Idempotent writes"); returns how many."""
    return once.submission_tokens_purge()
