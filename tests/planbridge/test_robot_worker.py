"""A real Celery worker (its own process, prefork, on the test Redis and PostgreSQL) posts
robot messages to a local Feishu contract server end to end, and is killed with SIGKILL while
the server holds one message it took and never answered: after a restart and one recovery run
every message has reached the server exactly once — the one in flight is recorded unknown,
not posted again — and nothing is left pending or sending (docs/architecture.md "Chat
robots", "Jobs")."""

import collections
import signal
import time

import pytest
from django.db.models.functions import Now

from planbridge.models import ChatRobot, OutboxMessage
from planbridge.robots.formats import Line
from planbridge.robots.services import robot_message_enqueue
from planbridge.tasks import send_outbox
from tests.planbridge.test_outbox_crash import _start_worker, _stop, _worker_env
from tests.robot_servers import RobotServer
from tests.workers import wait_for

State = OutboxMessage.State
MESSAGES = 30
HANG_AFTER = 12
LEASE = 10


def _env(tmp_path):
    env = _worker_env(1, tmp_path)  # no mail in this test
    env.update(
        PLANBRIDGE_ALLOW_PRIVATE_WEBHOOKS="1",
        PLANBRIDGE_DELIVERY_LEASE_SECONDS=str(LEASE),
    )
    return env


def _queue(robot, count, prefix):
    from django.db import transaction

    with transaction.atomic():
        for n in range(count):
            robot_message_enqueue(
                robot=robot,
                kind="robot_digest",
                dedupe_key=f"{prefix}:{n}",
                title=f"{prefix} {n}",
                lines=[Line(f"{prefix} line {n}")],
            )
    # The worker compares leases and ages with the real clock (tests/clock.py may move ours).
    OutboxMessage.objects.update(created_at=Now(), updated_at=Now())


def _titles(server):
    return collections.Counter(
        body["content"]["post"]["en_us"]["title"] for body in server.received
    )


@pytest.mark.requires_redis
@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_loses_nothing_and_posts_nothing_twice(
    worker_app, departments, dev_coordinator, tmp_path
):
    log = tmp_path / "worker.log"
    env = _env(tmp_path)
    # Unsigned: the worker runs on the real clock while this session may run at another
    # moment (tests/clock.py), which the server here would take for a stale timestamp. The
    # signatures are checked in tests/planbridge/test_robot_delivery.py.
    with RobotServer("feishu", hang_after=MESSAGES + HANG_AFTER) as server:
        robot = ChatRobot.objects.create(
            department=departments["dev"], kind="feishu", url=server.url,
            language="en", posts=["digest"], created_by=dev_coordinator,
        )  # fmt: skip
        # End to end: queued on commit, posted by the worker, signed and throttled there.
        _queue(robot, MESSAGES, "first")
        worker = _start_worker(env, log)
        try:
            delivered = wait_for(
                lambda: OutboxMessage.objects.filter(state=State.SENT).count() == MESSAGES,
                timeout=90,
            )
            assert delivered, log.read_text()[-3000:]
            assert _titles(server) == {f"first {n}": 1 for n in range(MESSAGES)}

            # The crash: the server takes one message and never answers it.
            _queue(robot, MESSAGES, "second")
            assert wait_for(server.hung.is_set, timeout=90), log.read_text()[-3000:]
        finally:
            _stop(worker, signal.SIGKILL)
        killed_at = time.monotonic()
        second = OutboxMessage.objects.filter(dedupe_key__startswith="second:")
        left = collections.Counter(second.values_list("state", flat=True))
        assert left[State.SENDING] >= 1, left

        worker = _start_worker(env, log)
        try:
            # One recovery run once the dead worker's leases have lapsed.
            time.sleep(max(0.0, killed_at + LEASE + 1 - time.monotonic()))
            send_outbox.apply_async()
            settled = wait_for(
                lambda: not second.filter(state__in=[State.PENDING, State.SENDING]).exists(),
                timeout=90,
            )
            assert settled, (
                collections.Counter(second.values_list("state", flat=True)),
                log.read_text()[-3000:],
            )
        finally:
            _stop(worker, signal.SIGTERM)

    titles = _titles(server)
    # Nothing lost, nothing twice: every message reached the platform once, the one it held
    # unanswered included, and that one is recorded unknown rather than posted again.
    assert titles == {**{f"first {n}": 1 for n in range(MESSAGES)},
                      **{f"second {n}": 1 for n in range(MESSAGES)}}  # fmt: skip
    states = collections.Counter(second.values_list("state", flat=True))
    assert states[State.UNKNOWN] >= 1 and states[State.UNKNOWN] <= left[State.SENDING], states
    assert states[State.SENT] + states[State.UNKNOWN] == MESSAGES, states
    unknown = second.filter(state=State.UNKNOWN)
    assert all("may have been posted" in row.last_error for row in unknown)
    print(f"left after the kill: {dict(left)}; then {dict(states)}; {len(server.received)} posts")
