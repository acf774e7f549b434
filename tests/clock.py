"""pytest plugin (loaded with -p from pyproject): runs the whole session at a chosen moment.

PLANBRIDGE_TEST_NOW="2026-12-31T23:30" moves the process's clock there for the whole run with
time-machine (ticking on from there): a time without an offset is read in settings.TIME_ZONE,
one with an offset ("2026-12-31T15:30Z", "…+01:00") as given, a bare date as its midnight.
time-machine patches the clock for every thread of this process, so the live server of the
browser tests and the in-process Celery worker see the same moment; PostgreSQL, Redis and
Chromium keep the real clock, which is why application code never reads theirs.
"""

import datetime
import os
import zoneinfo

import pytest

ENV = "PLANBRIDGE_TEST_NOW"

# The moment the session travelled to (aware), or None on the real clock.
DESTINATION: datetime.datetime | None = None


def moment(value: str, zone: str) -> datetime.datetime:
    """The aware moment meant by `value` (ISO 8601); naive values are in `zone`."""
    try:
        parsed = datetime.datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise pytest.UsageError(
            f'{ENV}={value!r} is not an ISO 8601 moment (e.g. "2026-12-31T23:30")'
        ) from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zoneinfo.ZoneInfo(zone))
    return parsed


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    # pytest-django has set Django up by now (pytest_load_initial_conftests), so the zone is
    # the one the application uses, .env included; no test has been collected yet.
    global DESTINATION
    value = os.environ.get(ENV, "").strip()
    if not value:
        return
    from django.conf import settings

    DESTINATION = moment(value, settings.TIME_ZONE)
    import time_machine

    traveller = time_machine.travel(DESTINATION, tick=True)
    traveller.start()
    config.add_cleanup(traveller.stop)


def pytest_report_header(config):
    if DESTINATION is None:
        return f"clock: real ({ENV} unset)"
    return f"clock: {DESTINATION.isoformat()} and ticking ({ENV})"
