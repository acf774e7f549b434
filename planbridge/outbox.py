"""The delivery outbox (docs/architecture.md "Jobs"): every message that leaves the system is an
OutboxMessage, and this module is its one send path.

An app renders its message and hands it over with outbox_enqueue(); the row's dedupe key makes
a second enqueue of the same message a no-op. Sending one message (outbox_message_send) first
claims the row with a conditional UPDATE that takes a lease, so two workers, a duplicate task
or a recovery run never both send it; the outcome is recorded on the row. A refused or
unreachable server is retried with exponential backoff and jitter (planbridge.tasks), the
whole window inside the broker's visibility timeout; a worker that died holding a lease leaves
a row that outbox_recover() hands to a new task once the lease
(PLANBRIDGE_DELIVERY_LEASE_SECONDS) has lapsed, and that task resends it with the Message-ID
fixed when the row was stored, so a receiver collapses the rare double.
"""

import datetime
import logging
import random
import smtplib
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import make_msgid
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# Outcomes of one send attempt (outbox_message_send).
SENT = "sent"
RETRY = "retry"
FAILED = "failed"
UNKNOWN = "unknown"
SKIPPED = "skipped"

State = OutboxMessage.State


def outbox_enqueue(
    *,
    recipient_id: int | None,
    address: str,
    kind: str,
    dedupe_key: str,
    subject: str,
    text: str,
    html: str = "",
    headers: dict[str, str] | None = None,
    channel: str = OutboxMessage.Channel.EMAIL,
    robot_id: int | None = None,
    queue: bool = True,
) -> OutboxMessage | None:
    """Stores a rendered message for `recipient_id` and (with `queue`) queues its send after
    commit; None, and nothing stored or queued, when a message with this dedupe key already
    exists. Without `queue` the caller sends it (outbox_message_send), e.g. from a command."""
    if not address:
        raise ValueError("An outbox message needs an address.")
    try:
        # A savepoint of its own: a concurrent enqueue of the same key loses on the unique
        # index without spoiling the caller's transaction.
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                channel=channel,
                recipient_id=recipient_id,
                robot_id=robot_id,
                address=address,
                kind=kind,
                dedupe_key=dedupe_key,
                subject=subject,
                text=text,
                html=html,
                headers=headers or {},
                # One Message-ID for every attempt, so a receiver can spot a resend.
                message_id=make_msgid(kind.replace("_", "-"), domain=_mail_domain()),
            )
    except IntegrityError:
        if not OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
            raise
        return None
    if queue:
        enqueue_send_after_commit([message.pk])
    return message


def enqueue_send_after_commit(message_pks: list[int]) -> None:
    """Queues one send task per message once the current transaction has committed."""
    from .tasks import send_outbox_message  # the tasks call this module

    # Only committed rows can be claimed; ids travel, not objects. A broker that is down now
    # leaves the row pending, and outbox_recover() queues it again later.
    for pk in message_pks:
        transaction.on_commit(_queue_send(send_outbox_message, pk), robust=True)


def _queue_send(task: Any, pk: int) -> Callable[[], None]:
    def queue_send() -> None:
        task.delay(pk)

    return queue_send


# A message whose sender died holding its lease this many times beyond its attempts is
# marked failed rather than resent again: it is more likely to kill workers than to be unlucky.
CRASH_RESENDS = 3


def lease_length() -> datetime.timedelta:
    """How long a claim holds (PLANBRIDGE_DELIVERY_LEASE_SECONDS): longer than a send task may
    run (its hard time limit), so a live task never loses its lease."""
    return datetime.timedelta(seconds=settings.PLANBRIDGE_DELIVERY_LEASE_SECONDS)


def send_time_limit() -> int:
    """The send task's hard time limit: one SMTP conversation (connect, greet, send, quit, each
    bounded by EMAIL_TIMEOUT), cut to end a second before the lease does."""
    return min(settings.EMAIL_TIMEOUT * 6 + 30, settings.PLANBRIDGE_DELIVERY_LEASE_SECONDS - 1)


def send_soft_time_limit() -> float:
    limit = send_time_limit()
    return max(limit - 10, limit / 2)


def stale_after() -> datetime.timedelta:
    """A pending message untouched this long has no live task: a live one is claimed again at
    the latest when its longest retry wait is over, and sent within a lease. (A task that is
    merely late in a long queue gets a second one, which its claim turns into a no-op.)"""
    return datetime.timedelta(seconds=_longest_retry_wait()) + lease_length()


def _visibility_timeout() -> float:
    # Read from the broker's transport options, a dict of mixed values.
    return cast(float, settings.CELERY_BROKER_VISIBILITY_TIMEOUT)


def max_attempts() -> int:
    return settings.PLANBRIDGE_OUTBOX_MAX_RETRIES + 1


def retry_wait(message_pk: int) -> float:
    """Seconds until the moment a message was asked to wait for (0 when none)."""
    retry_after = (
        OutboxMessage.objects.filter(pk=message_pk).values_list("retry_after", flat=True).first()
    )
    if retry_after is None:
        return 0.0
    return max((retry_after - timezone.now()).total_seconds(), 0.0)


def retry_countdown(retries: int) -> float:
    """Seconds to wait before retry number `retries + 1`: exponential with jitter, each wait
    capped so that all retries together stay within half the broker's visibility timeout."""
    # Redis hands an unacknowledged message (a retry waiting for its ETA) to another worker
    # after visibility_timeout; half of it leaves room for the attempts themselves.
    upper = min(settings.PLANBRIDGE_OUTBOX_RETRY_BASE_SECONDS * 2**retries, _retry_wait_cap())
    return random.uniform(upper / 2, upper)


def _retry_wait_cap() -> float:
    # Half the visibility timeout shared by the retries; the lease (below the other half,
    # settings) bounds the attempt that follows each wait.
    window = _visibility_timeout() / 2
    return window / max(settings.PLANBRIDGE_OUTBOX_MAX_RETRIES, 1)


def _longest_retry_wait() -> float:
    if settings.PLANBRIDGE_OUTBOX_MAX_RETRIES == 0:
        return 0.0
    longest = settings.PLANBRIDGE_OUTBOX_RETRY_BASE_SECONDS * 2 ** (
        settings.PLANBRIDGE_OUTBOX_MAX_RETRIES - 1
    )
    return min(longest, _retry_wait_cap())


def outbox_message_claim(*, message_pk: int, now: datetime.datetime) -> OutboxMessage | None:
    """Takes the lease on a pending message, or on one whose sender died (lease lapsed); the
    claimed row, or None when another worker holds it, it is finished, or out of attempts.
    A lapsed lease is taken over even after the last attempt: a dead worker is not an answer
    of the mail server (up to CRASH_RESENDS times)."""
    claimed = OutboxMessage.objects.filter(
        _claimable(now),
        pk=message_pk,
    ).update(
        state=State.SENDING,
        lease_until=now + lease_length(),
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    # Exactly one row changed, or someone else has it: no lock is held past this statement,
    # so the SMTP conversation below runs without one.
    if claimed != 1:
        return None
    return OutboxMessage.objects.get(pk=message_pk)


def _claimable(now: datetime.datetime) -> Q:
    # A message that was asked to wait (a platform's rate limit, the robot's throttle) is not
    # claimed before its moment, also by a duplicate task or a recovery run.
    pending = Q(state=State.PENDING, attempts__lt=max_attempts()) & (
        Q(retry_after__isnull=True) | Q(retry_after__lte=now)
    )
    lapsed = (
        Q(state=State.SENDING, lease_until__lt=now, attempts__lt=max_attempts() + CRASH_RESENDS)
        & ~_robot_part_in_flight()
    )
    return pending | lapsed


def _robot_part_in_flight() -> Q:
    # A robot message whose worker died while a part was out with the platform: no platform
    # takes an idempotency key, so it is not resent blindly (outbox_recover records unknown).
    return Q(channel=OutboxMessage.Channel.ROBOT, headers__has_key="posting")


def outbox_message_send(*, message_pk: int) -> str:
    """Sends one message at most once per claim and records the outcome on the row: SENT,
    RETRY (error recorded, back to pending), FAILED (error recorded), UNKNOWN (the connection
    broke while the server had the message) or SKIPPED (not claimed: someone else's, or
    finished)."""
    now = timezone.now()
    message = outbox_message_claim(message_pk=message_pk, now=now)
    if message is None:
        return SKIPPED
    # Outcomes are written only while this claim is still the row's (same attempt, still
    # sending): a recovery that took the row over after a lapsed lease is not overwritten.
    mine = OutboxMessage.objects.filter(
        pk=message.pk, state=State.SENDING, attempts=message.attempts
    )
    final = message.attempts >= max_attempts()
    try:
        outcome = _deliver(message)
    except Exception as exc:
        # A bug, not the mail server: recorded where the admin shows it, then raised.
        _record(mine, State.FAILED, exc)
        raise
    if isinstance(outcome, Throttled):
        # Not posted, not the platform's answer: the attempt is given back.
        mine.update(
            state=State.PENDING,
            attempts=F("attempts") - 1,
            retry_after=now + datetime.timedelta(seconds=outcome.wait),
            lease_until=None,
            updated_at=timezone.now(),
        )
        return RETRY
    if isinstance(outcome, _Refused):
        state = State.FAILED if final or outcome.permanent else State.PENDING
        _record(mine, state, outcome.error)
        if state == State.PENDING and outcome.wait:
            mine_pending = OutboxMessage.objects.filter(pk=message.pk, state=State.PENDING)
            mine_pending.update(
                retry_after=timezone.now() + datetime.timedelta(seconds=outcome.wait)
            )
        logger.warning(
            "Outbox message %s attempt %s: %s (%s)", message.pk, message.attempts, outcome, state
        )
        return FAILED if state == State.FAILED else RETRY
    if isinstance(outcome, _Broken):
        _record(mine, State.UNKNOWN, outcome.error)
        logger.warning("Outbox message %s: outcome unknown: %s", message.pk, outcome.error)
        return UNKNOWN
    mine.update(
        state=State.SENT,
        retry_after=None,
        sent_at=timezone.now(),
        lease_until=None,
        last_error="",
        updated_at=timezone.now(),
    )
    return SENT


class _Refused:
    """The server refused or could not be reached: the message was not taken."""

    def __init__(self, error: Exception, permanent: bool, wait: float = 0.0):
        self.error = error
        self.permanent = permanent
        # Seconds the receiver asked us to wait before trying again (a rate-limit answer).
        self.wait = wait

    def __str__(self):
        return describe(self.error)


class _Broken:
    """The conversation broke after the message went out: it may or may not have arrived."""

    def __init__(self, error: Exception):
        self.error = error


class Throttled:
    """The robot's own throttle is full: nothing was posted; try again in `wait` seconds."""

    def __init__(self, wait: float):
        self.wait = wait


# The names the robot channel (planbridge.robots.delivery) answers with.
Refused = _Refused
Broken = _Broken


def _deliver(message: OutboxMessage) -> "_Refused | _Broken | Throttled | None":
    if message.channel == OutboxMessage.Channel.ROBOT:
        from .robots.delivery import robot_deliver  # the robot channel calls back here

        return robot_deliver(message)
    email = email_of(message)
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        # Nothing was sent before the connection stood.
        return _Refused(exc, permanent=_permanent(exc))
    try:
        connection.send_messages([email])
    except smtplib.SMTPRecipientsRefused as exc:
        return _Refused(exc, permanent=_permanent(exc))
    except smtplib.SMTPResponseException as exc:
        # An answer of the server (to MAIL, RCPT or the end of DATA): not taken.
        return _Refused(exc, permanent=_permanent(exc))
    except (smtplib.SMTPException, OSError) as exc:
        # Disconnected or timed out mid-conversation: the server may have the message.
        return _Broken(exc)
    finally:
        _close(connection, message.pk)
    return None


def _close(connection: BaseEmailBackend, message_pk: int) -> None:
    try:
        connection.close()
    except (smtplib.SMTPException, OSError) as exc:
        # The message's outcome is already known; a failing QUIT does not change it.
        logger.info("Outbox message %s: closing the connection failed: %s", message_pk, exc)


def email_of(message: OutboxMessage) -> EmailMultiAlternatives:
    """The email of an outbox message: its text, its HTML alternative and its headers."""
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.address],
        headers={**message.headers, "Message-ID": message.message_id},
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    return email


def _record(mine: QuerySet[OutboxMessage], state: str, exc: Exception) -> None:
    mine.update(state=state, last_error=describe(exc), lease_until=None, updated_at=timezone.now())


def outbox_recover(*, now: datetime.datetime | None = None) -> list[int]:
    """Queues a new send for every message without a live task — pending and untouched for
    stale_after() (its task or retry was lost), or sending with a lapsed lease (its worker
    died; resent, with its Message-ID, except a robot message that was out with its platform,
    recorded unknown) — and marks failed only those out of attempts (for a lapsed lease: its
    workers died CRASH_RESENDS times past them); returns the ids queued."""
    now = now or timezone.now()
    lapsed = Q(state=State.SENDING, lease_until__lt=now)
    lost = Q(state=State.PENDING, updated_at__lt=now - stale_after())
    in_flight = OutboxMessage.objects.filter(lapsed & _robot_part_in_flight()).update(
        state=State.UNKNOWN,
        last_error="The worker stopped while the platform had this message; it may have "
        "been posted. Retry it from the admin if it was not.",
        lease_until=None,
        updated_at=now,
    )
    if in_flight:
        logger.warning("Outbox: %d robot message(s) of a dead worker marked unknown.", in_flight)
    exhausted = OutboxMessage.objects.filter(
        (lapsed & Q(attempts__gte=max_attempts() + CRASH_RESENDS))
        | (lost & Q(attempts__gte=max_attempts()))
    ).update(
        state=State.FAILED,
        last_error="No worker finished this message within its attempts; retry it from the admin.",
        lease_until=None,
        updated_at=now,
    )
    if exhausted:
        logger.warning("Outbox: %d message(s) out of attempts marked failed.", exhausted)
    pks = list(OutboxMessage.objects.filter(lapsed | lost).values_list("pk", flat=True))
    enqueue_send_after_commit(pks)
    if pks:
        logger.warning("Outbox: %d message(s) without a live task queued again.", len(pks))
    return pks


@transaction.atomic
def outbox_messages_retry(*, message_pks: list[int]) -> int:
    """Puts failed and unknown-outcome messages back to pending with fresh attempts and
    queues their send after commit; sent, pending and sending ones are left alone (never
    doubled). Returns how many."""
    retryable = [State.FAILED, State.UNKNOWN]
    pks = list(
        OutboxMessage.objects.select_for_update()
        .filter(pk__in=message_pks, state__in=retryable)
        .values_list("pk", flat=True)
    )
    OutboxMessage.objects.filter(pk__in=pks).update(
        state=State.PENDING, attempts=0, updated_at=timezone.now()
    )
    enqueue_send_after_commit(pks)
    return len(pks)


def _mail_domain() -> str:
    return urlparse(settings.SITE_URL).hostname or "planbridge.local"


def _permanent(exc: Exception) -> bool:
    """A 5xx answer will not change on retry; connection errors and 4xx answers may."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]
