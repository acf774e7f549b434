"""pytest plugin (loaded with -p from pyproject): finds the real services the suite talks to.

It runs before pytest-django imports the settings, so it can point DATABASE_URL at
PostgreSQL when PostgreSQL answers. Without PostgreSQL, Redis or Chromium the tests that
need them are skipped with a notice, unless PLANBRIDGE_REQUIRE_SERVICES=1, where a missing
service fails the run instead (that is what CI sets).
"""

import os
import shutil
import socket
import sys
from urllib.parse import urlparse

import pytest

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/planbridge"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
CHROMIUM_PATH = os.environ.get("PLANBRIDGE_CHROMIUM", "/usr/bin/chromium")

SERVICES: dict[str, str | None] = {"postgres": None, "redis": None, "chromium": None}


def _require() -> bool:
    return os.environ.get("PLANBRIDGE_REQUIRE_SERVICES", "") in ("1", "true", "yes")


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 1
        ):
            return True
    except OSError:
        return False


def _postgres_answers(url: str) -> bool:
    if not _reachable(url, 5432):
        return False
    try:
        import psycopg2

        parsed = urlparse(url)
        psycopg2.connect(
            host=parsed.hostname,
            port=parsed.port or 5432,
            user=parsed.username or "postgres",
            password=parsed.password or None,
            dbname="postgres",
            connect_timeout=2,
        ).close()
        return True
    except Exception:
        return False


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "1")
    # Tests never write into the developer's var/: mail, broker files and SQLite go to a temp dir.
    if "PLANBRIDGE_VAR_DIR" not in os.environ:
        import tempfile

        os.environ["PLANBRIDGE_VAR_DIR"] = tempfile.mkdtemp(prefix="planbridge-test-")
        os.makedirs(os.path.join(os.environ["PLANBRIDGE_VAR_DIR"], "staticfiles"))
    os.environ.setdefault("STATIC_MANIFEST", "0")
    os.environ.setdefault("WHITENOISE_USE_FINDERS", "1")

    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if database_url.startswith("postgres") and _postgres_answers(database_url):
        os.environ["DATABASE_URL"] = database_url
        SERVICES["postgres"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)

    redis_url = os.environ.get("PLANBRIDGE_TEST_REDIS_URL", DEFAULT_REDIS_URL)
    if _reachable(redis_url, 6379):
        SERVICES["redis"] = redis_url

    if os.path.exists(CHROMIUM_PATH) and shutil.which(CHROMIUM_PATH):
        SERVICES["chromium"] = CHROMIUM_PATH

    missing = [name for name, found in SERVICES.items() if not found]
    if missing and _require():
        raise pytest.UsageError(
            "PLANBRIDGE_REQUIRE_SERVICES=1 but these services are missing: " + ", ".join(missing)
        )
    if missing:
        print(
            "NOTICE: not reachable: "
            + ", ".join(missing)
            + (" (running on SQLite instead of PostgreSQL)" if "postgres" in missing else "")
            + "; tests that need them are skipped.",
            file=sys.stderr,
        )


def pytest_report_header(config):
    return "services: " + ", ".join(
        f"{name}={'yes' if found else 'MISSING'}" for name, found in SERVICES.items()
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        for name in SERVICES:
            if item.get_closest_marker(f"requires_{name}") and not SERVICES[name]:
                item.add_marker(pytest.mark.skip(reason=f"{name} is not reachable here"))
