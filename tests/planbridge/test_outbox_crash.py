"""A real Celery worker (its own process, prefork, on the test Redis and PostgreSQL) killed
with SIGKILL in the middle of a batch of 200 digests against a real SMTP server: after a
restart and one recovery run past the lease, every recipient has their digest, a rare
double carries the same Message-ID (a mail client shows it once), and no row is left
`sending` or `failed` (docs/architecture.md "Jobs", crash recovery)."""

import asyncio
import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.functions import Now

from planbridge.models import Membership, OutboxMessage
from planbridge.tasks import send_outbox
from reviews.services.digests import digests_schedule
from tests.reviews.factories_flags import closed_review, flagged_finding
from tests.services import SERVICES
from tests.smtp import Mailbox, SMTPServer
from tests.workers import wait_for

ROOT = Path(__file__).resolve().parents[2]
State = OutboxMessage.State
RECIPIENTS = 200
LEASE = 3
RETRY_BASE = 2.0
MAX_RETRIES = 2


class CrashMailbox(Mailbox):
    """Takes a moment per message, and never answers the data of the message after the 50th,
    so that the kill lands in the middle of the batch with one send surely under way."""

    hang_after = 50

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hanging = False

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.03)
        if len(self.messages) >= self.hang_after and not self.hanging:
            self.hanging = True
            await asyncio.sleep(3600)  # cancelled when the connection or the server goes
        return await super().handle_DATA(server, session, envelope)


def _worker_env(smtp_port: int, var_dir: Path) -> dict[str, str]:
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    # The worker runs on the real clock and its own settings, read from the environment as
    # in production; only the test database, Redis and SMTP server are the test's.
    skip = {"PLANBRIDGE_TEST_NOW", "DEBUG", "EMAIL_URL", "DATABASE_URL"}
    env = {key: value for key, value in os.environ.items() if key not in skip}
    env.update(
        DJANGO_SETTINGS_MODULE="planbridge.settings",
        SECRET_KEY="x" * 50,
        PLANBRIDGE_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=SERVICES["redis"],
        CELERY_TASK_ALWAYS_EAGER="0",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        EMAIL_TIMEOUT="2",
        PLANBRIDGE_DELIVERY_LEASE_SECONDS=str(LEASE),
        PLANBRIDGE_OUTBOX_RETRY_BASE_SECONDS=str(RETRY_BASE),
        PLANBRIDGE_OUTBOX_MAX_RETRIES=str(MAX_RETRIES),
    )
    return env


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "planbridge", "worker"]
    command += ["--pool=prefork", "--concurrency=2", "--loglevel=WARNING"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    # A session of its own: the kill takes the main process and its pool at once, as a
    # killed container does.
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )


def _stop(worker: subprocess.Popen, sig: int) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
    worker.wait(timeout=30)


def _batch_of_digests(pm, departments) -> list[int]:
    """One flagged finding in Dev with 199 coordinators there, plus its facilitator: 200
    digests, each with a distinct recipient."""
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"crash.{n}", email=f"crash.{n}@example.test") for n in range(RECIPIENTS - 1)
    )
    Membership.objects.bulk_create(
        Membership(user=user, department=departments["dev"], role=Membership.Role.COORDINATOR)
        for user in users
    )
    review = closed_review(facilitator=pm, days_ago=9)
    flagged_finding(review=review, department=departments["dev"], title="Build slipped")
    return digests_schedule(queue=True)


@pytest.mark.requires_redis
@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_no_digest_after_a_restart(
    worker_app, pm, departments, tmp_path
):
    # Queued on commit to the test Redis; no worker runs yet.
    pks = _batch_of_digests(pm, departments)
    assert len(pks) == RECIPIENTS
    # The worker compares leases and ages with the real clock; this session may run at
    # another moment (tests/clock.py): the rows' times come from the database's clock.
    OutboxMessage.objects.update(created_at=Now(), updated_at=Now())
    # The first refusals put messages in the broker as retries waiting for their countdown.
    mailbox = CrashMailbox(refuse_first=20)
    log = tmp_path / "worker.log"

    with SMTPServer(mailbox) as server:
        env = _worker_env(server.port, tmp_path)
        worker = _start_worker(env, log)
        try:
            half = wait_for(lambda: mailbox.hanging, timeout=120)
            assert half, log.read_text()
        finally:
            _stop(worker, signal.SIGKILL)
        killed_at = time.monotonic()
        unsent = OutboxMessage.objects.exclude(state=State.SENT)
        left = collections.Counter(unsent.values_list("state", flat=True))
        waiting_retry = unsent.filter(state=State.PENDING, attempts__gte=1).count()
        # At least the send the server never answered is left `sending` by the dead worker.
        assert left[State.SENDING] >= 1, left

        worker = _start_worker(env, log)
        try:
            # One recovery run (the beat's planbridge.send_outbox) once the lapsed leases and
            # the waiting retries are past recovery's wait: lease, plus the longest retry wait.
            longest_wait = min(RETRY_BASE * 2 ** (MAX_RETRIES - 1), 3600 / 2 / MAX_RETRIES)
            time.sleep(max(0.0, killed_at + LEASE + longest_wait + 1 - time.monotonic()))
            send_outbox.apply_async()
            done = wait_for(
                lambda: OutboxMessage.objects.filter(state=State.SENT).count() == RECIPIENTS,
                timeout=60,
            )
            delivered_after = time.monotonic() - killed_at
            assert done, (
                collections.Counter(OutboxMessage.objects.values_list("state", flat=True)),
                log.read_text()[-3000:],
            )
        finally:
            _stop(worker, signal.SIGTERM)

    rows = {row.address: row.message_id for row in OutboxMessage.objects.all()}
    received = collections.defaultdict(set)
    for message in mailbox.messages:
        received[str(message["To"]).strip()].add(str(message["Message-ID"]).strip())
    # Everyone has their digest; a double (the worker died between the server's answer and
    # the row's update) is the same message, with the row's Message-ID.
    assert set(received) == set(rows)
    assert all(received[address] == {rows[address]} for address in rows)
    assert len(mailbox.messages) - RECIPIENTS <= left[State.SENDING]
    # Within the lease, the longest retry wait, one run and the sends themselves.
    assert delivered_after < LEASE + longest_wait + 60
    assert not OutboxMessage.objects.exclude(state=State.SENT).exists()
    print(
        f"left after the kill: {dict(left)} ({waiting_retry} pending for a retry);"
        f" {len(mailbox.messages)} emails, all delivered {delivered_after:.1f} s after the kill"
    )
