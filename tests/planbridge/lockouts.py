"""Helpers of the login throttling tests: failed logins through the login page, and attempt
rows made directly for the tests that need many lockouts."""

import datetime

from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

LOGIN = reverse("login")
# An address of the documentation range (RFC 5737), not the test client's 127.0.0.1.
ADDRESS = "203.0.113.7"


def log_in(client: Client, username: str, password: str = PASSWORD, address: str = ADDRESS):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client: Client, username: str, times: int, address: str = ADDRESS) -> None:
    for _ in range(times):
        response = log_in(client, username, "wrong password", address)
        assert response.status_code in (200, 429)


def attempt_rows(
    pairs: list[tuple[str, str]], *, failures: int = 1, at: datetime.datetime | None = None
) -> list[AccessAttempt]:
    """Attempt rows as axes records them, one per (user name, address) pair, each with
    `failures` failed logins, at `at` (default now)."""
    rows = AccessAttempt.objects.bulk_create(
        AccessAttempt(
            username=username,
            ip_address=address,
            user_agent="a browser",
            http_accept="*/*",
            path_info=LOGIN,
            get_data="",
            post_data="",
            failures_since_start=failures,
        )
        for username, address in pairs
    )
    if at is not None:  # attempt_time is auto_now_add: set afterwards
        AccessAttempt.objects.filter(pk__in=[row.pk for row in rows]).update(attempt_time=at)
    return rows
