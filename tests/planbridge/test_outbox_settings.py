"""The outbox's crash settings (docs/architecture.md "Jobs"): the delivery lease and the
broker's visibility timeout come from the environment, refuse bad values at start, keep the
retry window and the lease below the visibility timeout, and the send tasks are acknowledged
late and given back when their worker dies."""

import datetime
import json
import os
import subprocess
import sys

import pytest

from planbridge import outbox
from planbridge.tasks import send_outbox, send_outbox_message

from .test_settings import ROOT, start_failure

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "lease": settings.PLANBRIDGE_DELIVERY_LEASE_SECONDS,
    "visibility": settings.CELERY_BROKER_VISIBILITY_TIMEOUT,
    "options": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
}))
"""


def _settings_with(tmp_path, **variables) -> dict:
    skip = {"DEBUG", "PLANBRIDGE_DELIVERY_LEASE_SECONDS", "CELERY_BROKER_VISIBILITY_TIMEOUT"}
    env = {key: value for key, value in os.environ.items() if key not in skip}
    env.update(SECRET_KEY="x", PLANBRIDGE_VAR_DIR=str(tmp_path), **variables)
    env["DJANGO_SETTINGS_MODULE"] = "planbridge.settings"
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_lease_and_the_visibility_timeout_come_from_the_environment(tmp_path):
    found = _settings_with(
        tmp_path,
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        CELERY_BROKER_VISIBILITY_TIMEOUT="7200",
        PLANBRIDGE_DELIVERY_LEASE_SECONDS="120",
    )
    assert found == {"lease": 120, "visibility": 7200, "options": {"visibility_timeout": 7200}}


def test_the_defaults_are_a_five_minute_lease_and_a_one_hour_visibility_timeout(tmp_path):
    found = _settings_with(tmp_path, CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert found == {"lease": 300, "visibility": 3600, "options": {"visibility_timeout": 3600}}


@pytest.mark.parametrize(
    "name, value",
    [
        ("PLANBRIDGE_DELIVERY_LEASE_SECONDS", "0"),
        ("PLANBRIDGE_DELIVERY_LEASE_SECONDS", "five minutes"),
        ("PLANBRIDGE_DELIVERY_LEASE_SECONDS", "30.5"),
        ("CELERY_BROKER_VISIBILITY_TIMEOUT", "-1"),
        ("CELERY_BROKER_VISIBILITY_TIMEOUT", "an hour"),
    ],
)
def test_a_bad_value_stops_the_start_with_a_message_naming_the_variable(name, value, tmp_path):
    message = start_failure({name: value}, tmp_path)
    assert name in message


def test_a_lease_not_below_half_the_visibility_timeout_is_refused(tmp_path):
    message = start_failure(
        {"PLANBRIDGE_DELIVERY_LEASE_SECONDS": "1800", "CELERY_BROKER_VISIBILITY_TIMEOUT": "3600"},
        tmp_path,
    )
    assert "PLANBRIDGE_DELIVERY_LEASE_SECONDS" in message
    assert "CELERY_BROKER_VISIBILITY_TIMEOUT" in message


def test_the_send_tasks_are_acknowledged_late_and_given_back_when_their_worker_dies():
    for task in (send_outbox_message, send_outbox):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
    assert send_outbox_message.time_limit < outbox.lease_length().total_seconds()
    assert send_outbox_message.soft_time_limit < send_outbox_message.time_limit


def test_the_retry_window_fits_in_half_of_the_configured_visibility_timeout(settings):
    settings.CELERY_BROKER_VISIBILITY_TIMEOUT = 600
    settings.PLANBRIDGE_OUTBOX_RETRY_BASE_SECONDS = 30
    settings.PLANBRIDGE_OUTBOX_MAX_RETRIES = 5
    waits = [max(outbox.retry_countdown(n) for _ in range(50)) for n in range(5)]
    assert sum(waits) <= 300
    assert max(waits) <= 60


def test_a_pending_message_is_taken_for_lost_after_its_longest_retry_wait_and_a_lease(settings):
    settings.CELERY_BROKER_VISIBILITY_TIMEOUT = 3600
    settings.PLANBRIDGE_OUTBOX_RETRY_BASE_SECONDS = 30
    settings.PLANBRIDGE_OUTBOX_MAX_RETRIES = 5
    settings.PLANBRIDGE_DELIVERY_LEASE_SECONDS = 300
    # The fifth wait is capped at 1800 / 5 s: 360 s, not the visibility timeout.
    assert outbox.stale_after() == datetime.timedelta(seconds=360 + 300)
    settings.PLANBRIDGE_OUTBOX_MAX_RETRIES = 0
    assert outbox.stale_after() == datetime.timedelta(seconds=300)
