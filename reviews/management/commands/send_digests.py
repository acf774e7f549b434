import time

from django.core.management.base import BaseCommand

from planbridge import outbox
from reviews.services.digests import digests_schedule
from reviews.services.robot_posts import digest_robots_post


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
        # The same run posts each department's digest to its chat robots.
        message_pks = digests_schedule(queue=enqueue) + digest_robots_post(queue=enqueue)
        if enqueue:
            self.stdout.write(f"Queued {len(message_pks)} digest(s).")
            return
        counts = {outbox.SENT: 0, outbox.FAILED: 0, outbox.UNKNOWN: 0, outbox.SKIPPED: 0}
        for pk in message_pks:
            counts[self._send_with_retries(pk)] += 1
        self.stdout.write(
            f"Digests: {counts[outbox.SENT]} sent, {counts[outbox.FAILED]} failed, "
            f"{counts[outbox.UNKNOWN]} unknown, {counts[outbox.SKIPPED]} skipped."
        )

    def _send_with_retries(self, message_pk: int) -> str:
        retry = 0
        while True:
            # The message's attempts bound the loop: its last attempt never returns RETRY.
            outcome = outbox.outbox_message_send(message_pk=message_pk)
            if outcome != outbox.RETRY:
                return outcome
            # A robot's throttle or a platform's rate limit may ask for a longer wait.
            time.sleep(max(outbox.retry_countdown(retry), outbox.retry_wait(message_pk)))
            retry += 1
