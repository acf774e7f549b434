"""The Celery app. Tasks are autodiscovered in each app's tasks.py; the beat schedule
lives in settings.CELERY_BEAT_SCHEDULE (one place, no database scheduler)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planbridge.settings")

app = Celery("planbridge")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
