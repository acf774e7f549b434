"""A real Celery worker for the tests that are about the queue (each job's item handler is
tested directly, the whole job once through a real worker; docs/architecture.md "Tests"):
the project's app on the test Redis, not eager."""

import time

import pytest
import redis

from planbridge.celery import app
from tests.services import SERVICES


def wait_for(condition, timeout: float = 30.0) -> bool:
    """Polls `condition` until it is true or `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _forget_connections():
    # An earlier test may have opened the producer pool on the embedded filesystem broker, or
    # cached the result backend of another configuration: drop both, so that what follows
    # (this test, or the next one) uses the configuration in force.
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def worker_app():
    """The project's Celery app pointed at the test Redis, not eager, with an empty queue;
    start a worker with celery.contrib.testing.worker.start_worker(worker_app, ...)."""
    redis_url = SERVICES["redis"]
    redis.Redis.from_url(redis_url).flushdb()
    keys = ("broker_url", "result_backend", "task_always_eager", "broker_transport_options")
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
