"""The wiring CI relies on: a real Celery worker consuming from Redis runs a task."""

import pytest
from celery.contrib.testing.worker import start_worker

from planbridge.tasks import ping
from tests.services import SERVICES


@pytest.mark.requires_redis
def test_a_real_worker_on_redis_executes_a_trivial_task(worker_app):
    worker_app.conf.result_backend = SERVICES["redis"]
    with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = ping.apply_async(args=["hello from redis"], ignore_result=False)
        assert result.get(timeout=20) == "hello from redis"
