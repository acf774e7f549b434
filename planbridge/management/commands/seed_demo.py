from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from planbridge.demo import DEMO_PASSWORD, PEOPLE, build_context, existing_demo_language

# Each app that adds to the demo has a demo.py with seed(ctx); order follows dependencies.
DEMO_STEPS = ["planbridge.demo", "goals.demo", "meetings.demo", "reviews.demo"]


class Command(BaseCommand):
    help = "Loads the seed write-up's scenario as demo data. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--lang",
            choices=["en", "zh-hans"],
            default=None,
            help="Language of a new demo (default en). An existing demo keeps its language.",
        )

    def handle(self, *args, lang, **options):
        existing = existing_demo_language()
        # A second run tops up the demo already there; mixing languages would give one plan
        # in English and its findings in Chinese.
        if existing and lang and lang != existing:
            self.stdout.write(
                self.style.WARNING(
                    f"The demo is already loaded in {existing}; keeping it. "
                    "Remove var/ (make clean) to load it in another language."
                )
            )
        lang = existing or lang or "en"
        ctx = build_context(lang)
        with translation.override(lang), transaction.atomic():
            for module_name in DEMO_STEPS:
                try:
                    module = import_module(module_name)
                except ModuleNotFoundError as exc:
                    if exc.name != module_name:
                        raise
                    continue
                module.seed(ctx)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({lang})."))
        self.stdout.write(f"Logins (password: {DEMO_PASSWORD}):")
        for username, *_rest in PEOPLE:
            self.stdout.write(f"  {username}")
