"""The wiring CI relies on: a real Celery worker consuming from Redis runs a task."""

import pytest
from celery.contrib.testing.worker import start_worker

from planbridge.celery import app
from planbridge.tasks import ping
from tests.services import SERVICES


@pytest.mark.requires_redis
def test_a_real_worker_on_redis_executes_a_trivial_task():
    redis_url = SERVICES["redis"]
    previous = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = ping.apply_async(args=["hello from redis"], ignore_result=False)
            assert result.get(timeout=20) == "hello from redis"
    finally:
        app.conf.update(previous)
