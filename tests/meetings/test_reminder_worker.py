"""The reminder job once through a real Celery worker on Redis and PostgreSQL, the way beat
sends it: two runs queued back to back still give one email per coordinator, sent by the
outbox's own tasks."""

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core import mail

from meetings.tasks import send_weekly_update_reminders
from planbridge.models import OutboxMessage
from tests.services import SERVICES
from tests.workers import wait_for


@pytest.mark.requires_redis
@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_one_reminder_per_coordinator(worker_app, settings, everyone):
    settings.PLANBRIDGE_REMINDER_WEEKDAY = 0
    settings.PLANBRIDGE_REMINDER_HOUR = 0
    with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        send_weekly_update_reminders.apply_async()
        send_weekly_update_reminders.apply_async()
        assert wait_for(
            lambda: OutboxMessage.objects.filter(state=OutboxMessage.State.SENT).count() == 3
        )
        # Both messages taken off the queue; leaving the block is a warm shutdown, which lets
        # the second run finish. It must not send anything.
        queue = redis.Redis.from_url(SERVICES["redis"])
        assert wait_for(lambda: queue.llen("celery") == 0)
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [everyone["dev"].email, everyone["marketing"].email, everyone["sales"].email]
    )
