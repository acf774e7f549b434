"""Digests against a real SMTP server (aiosmtpd on 127.0.0.1): failures are retried with
backoff and end either in one delivered email or in a `failed` outbox message with its
error."""

import pytest
from django.core import mail

from planbridge.celery import app
from planbridge.models import OutboxMessage
from reviews.tasks import send_unlinked_digests

from .factories_flags import Mailbox, SMTPServer, closed_review, flagged_finding, set_profile


@pytest.fixture
def flagged_for_dana(pm, departments, dev_coordinator):
    """One Development finding flagged; Pat opted out, so Dana is the only recipient."""
    set_profile(pm, digest_opt_out=True)
    review = closed_review(facilitator=pm)
    return flagged_finding(review=review, department=departments["dev"], title="Build slipped")


@pytest.fixture
def retrying(settings):
    """Retries run at once in eager mode; the real countdowns are covered by the worker test.
    Celery must not re-raise the Retry signal, so that apply() runs the retry itself."""
    settings.PLANBRIDGE_OUTBOX_RETRY_BASE_SECONDS = 0.01
    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield settings.PLANBRIDGE_OUTBOX_MAX_RETRIES
    app.conf.task_eager_propagates = previous


def _send(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_unlinked_digests.delay()


def test_a_digest_refused_twice_arrives_once_with_both_parts_after_retries(
    flagged_for_dana, dev_coordinator, retrying, settings, django_capture_on_commit_callbacks
):
    with SMTPServer(Mailbox(refuse_first=2)) as server:
        server.settings_for(settings)
        _send(django_capture_on_commit_callbacks)
        _send(django_capture_on_commit_callbacks)  # a second beat the same day

    assert server.mailbox.attempts == 3
    assert len(server.mailbox.messages) == 1
    message = server.mailbox.messages[0]
    assert message["To"] == dev_coordinator.email
    assert message.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part.get_content() for part in message.iter_parts()}
    assert "Build slipped" in parts["text/plain"] and "Build slipped" in parts["text/html"]
    delivery = OutboxMessage.objects.get(recipient=dev_coordinator, kind="digest")
    assert delivery.state == OutboxMessage.State.SENT
    assert delivery.attempts == 3
    assert delivery.message_id == message["Message-ID"]
    assert delivery.last_error == ""
    assert mail.outbox == []


def test_a_server_that_always_refuses_leaves_the_message_failed_with_its_error(
    flagged_for_dana, dev_coordinator, retrying, settings, django_capture_on_commit_callbacks
):
    with SMTPServer(Mailbox(refuse_first=float("inf"))) as server:
        server.settings_for(settings)
        _send(django_capture_on_commit_callbacks)

    assert server.mailbox.messages == []
    assert server.mailbox.attempts == retrying + 1
    delivery = OutboxMessage.objects.get(recipient=dev_coordinator, kind="digest")
    assert delivery.state == OutboxMessage.State.FAILED
    assert delivery.attempts == retrying + 1
    assert "451" in delivery.last_error and "Try again later" in delivery.last_error


def test_a_permanent_refusal_is_not_retried(
    flagged_for_dana, dev_coordinator, retrying, settings, django_capture_on_commit_callbacks
):
    mailbox = Mailbox(refuse_first=float("inf"), refusal="554 5.7.1 Rejected by policy")
    with SMTPServer(mailbox) as server:
        server.settings_for(settings)
        _send(django_capture_on_commit_callbacks)

    delivery = OutboxMessage.objects.get(recipient=dev_coordinator, kind="digest")
    assert mailbox.attempts == 1
    assert delivery.state == OutboxMessage.State.FAILED
    assert "554" in delivery.last_error


def test_a_server_that_is_down_counts_as_a_failure_to_retry(
    flagged_for_dana, dev_coordinator, retrying, settings, django_capture_on_commit_callbacks
):
    server = SMTPServer(Mailbox())  # never started: the port refuses connections
    server.settings_for(settings)

    _send(django_capture_on_commit_callbacks)

    delivery = OutboxMessage.objects.get(recipient=dev_coordinator, kind="digest")
    assert delivery.state == OutboxMessage.State.FAILED
    assert delivery.attempts == retrying + 1
    assert "ConnectionRefusedError" in delivery.last_error
