from django.core.management.base import BaseCommand

from reviews.services.flagging import unlinked_findings_flag


class Command(BaseCommand):
    help = (
        "Flags findings of closed reviews that were neither carried nor dismissed within the "
        "grace period (the daily beat task reviews.flag_unlinked_findings, by hand or from cron)."
    )

    def handle(self, *args, **options):
        count = unlinked_findings_flag()
        self.stdout.write(f"Flagged {count} finding(s).")
