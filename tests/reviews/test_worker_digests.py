"""The whole loop through a real Celery worker on Redis and PostgreSQL: the beat tasks sent
with apply_async flag the overdue finding, and the digest reaches a real SMTP server after a
refused first attempt (the outbox's retry goes through the broker with its countdown)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from planbridge.models import OutboxMessage
from reviews.models import Finding
from reviews.tasks import flag_unlinked_findings, send_unlinked_digests
from tests.workers import wait_for

from .factories import FindingFactory
from .factories_flags import Mailbox, SMTPServer, closed_review


@pytest.mark.requires_redis
@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_flags_the_finding_and_delivers_one_digest_per_person(
    worker_app, settings, pm, departments, dev_coordinator, marketing_coordinator
):
    settings.PLANBRIDGE_OUTBOX_RETRY_BASE_SECONDS = 0.2
    review = closed_review(facilitator=pm, days_ago=9)
    finding = FindingFactory(review=review, department=departments["dev"], title="Build slipped")
    mailbox = Mailbox(refuse_first=1)

    with SMTPServer(mailbox) as server:
        server.settings_for(settings)
        with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            flag_unlinked_findings.apply_async()
            assert wait_for(lambda: Finding.objects.filter(flagged_at__isnull=False).exists())

            send_unlinked_digests.apply_async()
            assert wait_for(lambda: len(mailbox.messages) == 2)
            assert wait_for(
                lambda: OutboxMessage.objects.filter(state=OutboxMessage.State.SENT).count() == 2
            )
            send_unlinked_digests.apply_async()  # a second beat the same day
            time.sleep(1.0)

    finding.refresh_from_db()
    assert finding.flagged_at is not None
    assert sorted(m["To"] for m in mailbox.messages) == sorted([pm.email, dev_coordinator.email])
    assert marketing_coordinator.email not in [m["To"] for m in mailbox.messages]
    assert mailbox.attempts == 3  # one refusal, then one email each
    attempts = sorted(OutboxMessage.objects.values_list("attempts", flat=True))
    assert attempts == [1, 2]
    for message in mailbox.messages:
        assert message.get_content_type() == "multipart/alternative"
        assert "Build slipped" in message.get_body(("plain",)).get_content()
