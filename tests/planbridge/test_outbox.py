"""The outbox's item handler (planbridge.outbox.outbox_message_send) against a real SMTP
server: the claim, one email per message, retries with backoff, the last failure recorded,
an unknowable outcome kept apart, a lapsed lease recovered, and never two sends of one
message when two workers try at once."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from planbridge import outbox
from planbridge.models import OutboxMessage
from planbridge.tasks import send_outbox
from tests.smtp import Mailbox, SMTPServer

State = OutboxMessage.State


@pytest.fixture
def message(sales_coordinator) -> OutboxMessage:
    """A rendered reminder for Sam (Sales), stored and not yet queued."""
    return outbox.outbox_enqueue(
        recipient_id=sales_coordinator.pk,
        address=sales_coordinator.email,
        kind="weekly_reminder",
        dedupe_key=f"reminder:{sales_coordinator.pk}:2026-03-02",
        subject="Weekly update missing",
        text="Sales has not submitted its update.",
        html="<p>Sales has not submitted its update.</p>",
        headers={"Auto-Submitted": "auto-generated"},
        queue=False,
    )


@pytest.fixture
def smtp(settings):
    """smtp(mailbox) -> a started real SMTP server that Django's backend points at."""
    servers = []

    def start(mailbox: Mailbox) -> SMTPServer:
        server = SMTPServer(mailbox)
        server.settings_for(settings)
        server.__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


def _reload(message: OutboxMessage) -> OutboxMessage:
    message.refresh_from_db()
    return message


def test_a_message_is_claimed_sent_once_and_recorded(message, smtp, sales_coordinator):
    server = smtp(Mailbox())

    assert outbox.outbox_message_send(message_pk=message.pk) == outbox.SENT
    assert outbox.outbox_message_send(message_pk=message.pk) == outbox.SKIPPED

    [received] = server.mailbox.messages
    assert received["To"] == sales_coordinator.email
    assert received["Message-ID"].strip() == message.message_id
    assert received["Auto-Submitted"] == "auto-generated"
    parts = {part.get_content_type(): part.get_content() for part in received.iter_parts()}
    assert "Sales" in parts["text/plain"] and "<p>Sales" in parts["text/html"]
    sent = _reload(message)
    assert (sent.state, sent.attempts, sent.last_error) == (State.SENT, 1, "")
    assert sent.sent_at and sent.lease_until is None


def test_a_claimed_message_cannot_be_claimed_by_a_second_worker(message):
    now = timezone.now()

    first = outbox.outbox_message_claim(message_pk=message.pk, now=now)
    second = outbox.outbox_message_claim(message_pk=message.pk, now=now)

    assert first is not None and first.state == State.SENDING
    assert first.lease_until == now + outbox.lease_length()
    assert second is None
    assert outbox.outbox_message_send(message_pk=message.pk) == outbox.SKIPPED
    assert mail.outbox == []


def test_a_refusal_is_recorded_and_left_pending_for_its_retry(message, smtp):
    smtp(Mailbox(refuse_first=1))

    assert outbox.outbox_message_send(message_pk=message.pk) == outbox.RETRY
    waiting = _reload(message)
    assert (waiting.state, waiting.attempts) == (State.PENDING, 1)
    assert "451" in waiting.last_error and waiting.lease_until is None

    assert outbox.outbox_message_send(message_pk=message.pk) == outbox.SENT
    assert (_reload(message).state, message.attempts, message.last_error) == (State.SENT, 2, "")


def test_the_last_attempt_records_the_failure(message, smtp, settings):
    settings.PLANBRIDGE_OUTBOX_MAX_RETRIES = 2
    server = smtp(Mailbox(refuse_first=float("inf")))

    outcomes = [outbox.outbox_message_send(message_pk=message.pk) for _ in range(4)]

    assert outcomes == [outbox.RETRY, outbox.RETRY, outbox.FAILED, outbox.SKIPPED]
    assert server.mailbox.attempts == 3
    failed = _reload(message)
    assert (failed.state, failed.attempts) == (State.FAILED, 3)
    assert "Try again later" in failed.last_error


def test_a_permanent_refusal_fails_at_once(message, smtp):
    smtp(Mailbox(refuse_first=float("inf"), refusal="550 5.1.1 No such user"))

    assert outbox.outbox_message_send(message_pk=message.pk) == outbox.FAILED
    assert (_reload(message).state, message.attempts) == (State.FAILED, 1)


def test_a_server_that_is_down_is_retried(message, settings):
    SMTPServer(Mailbox()).settings_for(settings)  # never started: the port refuses

    assert outbox.outbox_message_send(message_pk=message.pk) == outbox.RETRY
    assert "ConnectionRefusedError" in _reload(message).last_error


def test_a_line_dropped_after_the_data_is_an_unknown_outcome_never_resent_by_itself(message, smtp):
    server = smtp(Mailbox(hang_up_first=1))

    assert outbox.outbox_message_send(message_pk=message.pk) == outbox.UNKNOWN
    assert outbox.outbox_message_send(message_pk=message.pk) == outbox.SKIPPED
    assert outbox.outbox_recover() == []

    unknown = _reload(message)
    assert unknown.state == State.UNKNOWN and unknown.attempts == 1
    assert "SMTPServerDisconnected" in unknown.last_error
    assert server.mailbox.attempts == 1 and server.mailbox.messages == []


def test_a_bug_while_sending_is_recorded_and_raised(message, settings):
    settings.EMAIL_BACKEND = "no.such.Backend"

    with pytest.raises(ImportError):
        outbox.outbox_message_send(message_pk=message.pk)

    failed = _reload(message)
    assert failed.state == State.FAILED and "No module named" in failed.last_error


def test_a_lease_left_by_a_dead_worker_is_taken_over_by_the_recovery_run(
    message, smtp, django_capture_on_commit_callbacks
):
    server = smtp(Mailbox())
    claimed_at = timezone.now() - outbox.lease_length() - datetime.timedelta(seconds=1)
    assert outbox.outbox_message_claim(message_pk=message.pk, now=claimed_at)
    # The worker holding that claim died before sending: nobody else may send while the
    # lease holds, the recovery run resends once it has lapsed.
    assert outbox.outbox_recover(now=claimed_at) == []

    with django_capture_on_commit_callbacks(execute=True):
        assert send_outbox.delay().get() == 1

    assert len(server.mailbox.messages) == 1
    recovered = _reload(message)
    assert (recovered.state, recovered.attempts) == (State.SENT, 2)


def test_a_pending_message_whose_task_was_lost_is_queued_again(
    message, smtp, django_capture_on_commit_callbacks
):
    server = smtp(Mailbox())
    later = timezone.now() + outbox.stale_after() + datetime.timedelta(seconds=1)
    assert outbox.outbox_recover() == []

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.outbox_recover(now=later) == [message.pk]

    assert len(server.mailbox.messages) == 1


def test_a_lapsed_lease_on_the_last_attempt_is_resent_with_the_same_message_id_not_failed(
    message, smtp, settings, django_capture_on_commit_callbacks
):
    # A worker killed in the middle of the last attempt is no answer of the mail server.
    settings.PLANBRIDGE_OUTBOX_MAX_RETRIES = 0
    server = smtp(Mailbox())
    claimed_at = timezone.now() - outbox.lease_length() - datetime.timedelta(seconds=1)
    assert outbox.outbox_message_claim(message_pk=message.pk, now=claimed_at)

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.outbox_recover() == [message.pk]

    resent = _reload(message)
    assert (resent.state, resent.attempts) == (State.SENT, 2)
    assert [m["Message-ID"].strip() for m in server.mailbox.messages] == [message.message_id]


def test_a_message_within_its_lease_is_left_to_its_sender(message, smtp):
    server = smtp(Mailbox())
    claimed_at = timezone.now() - outbox.lease_length() + datetime.timedelta(seconds=30)
    assert outbox.outbox_message_claim(message_pk=message.pk, now=claimed_at)

    assert outbox.outbox_recover() == []
    assert outbox.outbox_message_send(message_pk=message.pk) == outbox.SKIPPED

    held = _reload(message)
    assert (held.state, held.attempts) == (State.SENDING, 1)
    assert server.mailbox.messages == []


def test_the_lease_comes_from_the_setting(settings):
    settings.PLANBRIDGE_DELIVERY_LEASE_SECONDS = 40
    settings.EMAIL_TIMEOUT = 10

    assert outbox.lease_length() == datetime.timedelta(seconds=40)
    # The send's time limit is cut to end inside the lease.
    assert outbox.send_time_limit() == 39
    assert 0 < outbox.send_soft_time_limit() < 39


def test_a_message_whose_workers_keep_dying_is_marked_failed_in_the_end(message, settings):
    settings.PLANBRIDGE_OUTBOX_MAX_RETRIES = 0
    # Its first attempt and every crash resend ended with the worker dead, the lease lapsed.
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=State.SENDING,
        attempts=outbox.max_attempts() + outbox.CRASH_RESENDS,
        lease_until=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert outbox.outbox_message_send(message_pk=message.pk) == outbox.SKIPPED

    assert outbox.outbox_recover() == []

    failed = _reload(message)
    assert failed.state == State.FAILED and "within its attempts" in failed.last_error
    assert mail.outbox == []


def test_enqueueing_the_same_key_twice_keeps_the_first(message, sales_coordinator):
    again = outbox.outbox_enqueue(
        recipient_id=sales_coordinator.pk,
        address=sales_coordinator.email,
        kind="weekly_reminder",
        dedupe_key=message.dedupe_key,
        subject="Another",
        text="Another",
    )

    assert again is None
    assert list(OutboxMessage.objects.values_list("subject", flat=True)) == [message.subject]


def test_an_enqueued_message_is_sent_after_commit(
    sales_coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queued = outbox.outbox_enqueue(
            recipient_id=sales_coordinator.pk,
            address=sales_coordinator.email,
            kind="digest",
            dedupe_key="digest:test",
            subject="Digest",
            text="Body",
        )
        assert mail.outbox == []  # nothing leaves before the row is committed

    assert [m.to for m in mail.outbox] == [[sales_coordinator.email]]
    assert _reload(queued).state == State.SENT


def test_retry_waits_grow_with_jitter_and_fit_in_the_visibility_timeout(settings):
    settings.PLANBRIDGE_OUTBOX_RETRY_BASE_SECONDS = 30
    settings.CELERY_BROKER_VISIBILITY_TIMEOUT = 3600
    for max_retries in (3, 5, 12):
        settings.PLANBRIDGE_OUTBOX_MAX_RETRIES = max_retries
        waits = [[outbox.retry_countdown(n) for _ in range(50)] for n in range(max_retries)]
        assert sum(max(w) for w in waits) < settings.CELERY_BROKER_VISIBILITY_TIMEOUT / 2 + 1
        assert all(len(set(w)) > 1 for w in waits)  # jitter
    settings.PLANBRIDGE_OUTBOX_MAX_RETRIES = 5
    assert max(outbox.retry_countdown(0) for _ in range(50)) <= 30
    assert min(outbox.retry_countdown(3) for _ in range(50)) >= 120


def test_the_lease_outlasts_a_send_task_and_the_recovery_runs_on_the_beat(settings):
    from planbridge.tasks import send_outbox_message

    assert outbox.lease_length().total_seconds() > send_outbox_message.time_limit
    entry = settings.CELERY_BEAT_SCHEDULE["planbridge-send-outbox"]
    assert entry["task"] == send_outbox.name
    assert entry["schedule"].minute == set(range(0, 60, settings.PLANBRIDGE_OUTBOX_RECOVER_MINUTES))


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_one_message_at_once_send_it_once(smtp, sales_coordinator):
    server = smtp(Mailbox())
    message = outbox.outbox_enqueue(
        recipient_id=sales_coordinator.pk,
        address=sales_coordinator.email,
        kind="digest",
        dedupe_key="digest:race",
        subject="Digest",
        text="Body",
        queue=False,
    )
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            outcomes.append(outbox.outbox_message_send(message_pk=message.pk))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert sorted(outcomes) == [outbox.SENT, outbox.SKIPPED]
    assert len(server.mailbox.messages) == 1
    assert _reload(message).attempts == 1
