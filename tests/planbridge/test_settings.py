"""Settings come from the environment; the defaults need no server (DESIGN.md "Run modes")."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "host": settings.DATABASES["default"].get("HOST", ""),
    "broker": settings.CELERY_BROKER_URL,
    "email_backend": settings.EMAIL_BACKEND,
    "email_host": getattr(settings, "EMAIL_HOST", ""),
    "grace": settings.PLANBRIDGE_CARRY_GRACE_DAYS,
    "use_tz": settings.USE_TZ,
    "celery_app_broker": __import__("planbridge").celery_app.conf.broker_url,
}))
"""


def settings_under(env_overrides: dict, tmp_path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "DEBUG"}
    }
    env.update({"SECRET_KEY": "x", "PLANBRIDGE_VAR_DIR": str(tmp_path), **env_overrides})
    env["DJANGO_SETTINGS_MODULE"] = "planbridge.settings"
    output = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(output.stdout)


def test_database_and_broker_urls_from_the_environment_are_used(tmp_path):
    found = settings_under(
        {
            "DATABASE_URL": "postgres://planner:secret@db.internal:6543/planbridge_prod",
            "CELERY_BROKER_URL": "redis://cache.internal:6380/3",
            "EMAIL_URL": "smtp://mail.internal:2525",
            "PLANBRIDGE_CARRY_GRACE_DAYS": "10",
        },
        tmp_path,
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["name"] == "planbridge_prod"
    assert found["host"] == "db.internal"
    assert found["broker"] == "redis://cache.internal:6380/3"
    assert found["celery_app_broker"] == "redis://cache.internal:6380/3"
    assert found["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert found["email_host"] == "mail.internal"
    assert found["grace"] == 10


def test_the_defaults_need_no_server(tmp_path):
    found = settings_under({}, tmp_path)
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"] == str(tmp_path / "planbridge.sqlite3")
    assert found["broker"] == "filesystem://"
    assert found["email_backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert found["grace"] == 7
    assert found["use_tz"] is True


def test_a_missing_secret_key_fails_loudly_outside_debug(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(
        {"PLANBRIDGE_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "planbridge.settings"}
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_manage_py_runs_in_development_mode_without_any_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    env["PLANBRIDGE_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
