import time

from django.conf import settings
from django.core.management.base import BaseCommand

from reviews import digests


class Command(BaseCommand):
    help = (
        "Sends today's digests of flagged findings, at most one per user per day (the daily "
        "beat task reviews.send_unlinked_digests, by hand or from cron). Without --enqueue the "
        "emails are sent from this process, with the same retries and backoff as the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue one Celery send task per digest instead of sending here.",
        )

    def handle(self, *args, enqueue=False, **options):
        delivery_ids = digests.digests_schedule(enqueue=enqueue)
        if enqueue:
            self.stdout.write(f"Queued {len(delivery_ids)} digest(s).")
            return
        counts = {digests.SENT: 0, digests.FAILED: 0, digests.SKIPPED: 0}
        for delivery_id in delivery_ids:
            outcome = self._send_with_retries(delivery_id)
            counts[outcome] += 1
        self.stdout.write(
            f"Digests: {counts[digests.SENT]} sent, {counts[digests.FAILED]} failed, "
            f"{counts[digests.SKIPPED]} skipped."
        )

    def _send_with_retries(self, delivery_id: int) -> str:
        retries = settings.PLANBRIDGE_DIGEST_MAX_RETRIES
        for attempt in range(retries + 1):
            outcome = digests.digest_delivery_send(
                delivery_id=delivery_id, final_attempt=attempt == retries
            )
            if outcome != digests.RETRY:
                return outcome
            time.sleep(digests.retry_countdown(attempt))
        raise AssertionError("the last attempt is final")
