"""The reminder job once through a real Celery worker on Redis and PostgreSQL, the way beat
sends it: two runs queued back to back still give one email per coordinator."""

import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core import mail

from meetings.models import ReminderDelivery
from meetings.tasks import send_weekly_update_reminders
from planbridge.celery import app
from tests.services import SERVICES


def _wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def worker_app():
    """The project's Celery app on the test Redis, not eager, with an empty queue."""
    redis_url = SERVICES["redis"]
    redis.Redis.from_url(redis_url).flushdb()
    keys = ("broker_url", "task_always_eager", "broker_transport_options")
    previous = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url=redis_url,
        task_always_eager=False,
        broker_transport_options={"visibility_timeout": 3600},
    )
    _forget_connections()
    yield app
    app.conf.update(previous)
    _forget_connections()


def _forget_connections():
    # Another test may have opened the producer pool on another broker configuration.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.requires_redis
@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_one_reminder_per_coordinator(worker_app, settings, everyone):
    settings.PLANBRIDGE_REMINDER_WEEKDAY = 0
    settings.PLANBRIDGE_REMINDER_HOUR = 0
    with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        send_weekly_update_reminders.apply_async()
        send_weekly_update_reminders.apply_async()
        assert _wait_for(
            lambda: (
                ReminderDelivery.objects.filter(status=ReminderDelivery.Status.SENT).count() == 3
            )
        )
        # Both messages taken off the queue; leaving the block is a warm shutdown, which lets
        # the second run finish. It must not send anything.
        queue = redis.Redis.from_url(SERVICES["redis"])
        assert _wait_for(lambda: queue.llen("celery") == 0)
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [everyone["dev"].email, everyone["marketing"].email, everyone["sales"].email]
    )
