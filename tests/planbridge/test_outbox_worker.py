"""The outbox's recovery once through a real Celery worker on Redis and PostgreSQL: a message
whose worker died holding the lease is sent by the beat's planbridge.send_outbox, once."""

import datetime
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from planbridge import outbox
from planbridge.models import OutboxMessage
from planbridge.tasks import send_outbox
from tests.smtp import Mailbox, SMTPServer
from tests.workers import wait_for


@pytest.mark.requires_redis
@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_resends_a_message_left_sending_by_a_dead_worker(
    worker_app, settings, sales_coordinator
):
    message = outbox.outbox_enqueue(
        recipient_id=sales_coordinator.pk,
        address=sales_coordinator.email,
        kind="weekly_reminder",
        dedupe_key="reminder:worker-test",
        subject="Weekly update missing",
        text="Sales has not submitted its update.",
        queue=False,
    )
    lapsed = timezone.now() - outbox.lease_length() - datetime.timedelta(seconds=1)
    assert outbox.outbox_message_claim(message_pk=message.pk, now=lapsed)
    mailbox = Mailbox()

    with SMTPServer(mailbox) as server:
        server.settings_for(settings)
        with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            send_outbox.apply_async()
            assert wait_for(
                lambda: OutboxMessage.objects.filter(state=OutboxMessage.State.SENT).exists()
            )
            send_outbox.apply_async()  # the next beat finds nothing left to do
            time.sleep(1.0)

    assert [m["To"] for m in mailbox.messages] == [sales_coordinator.email]
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxMessage.State.SENT, 2)
