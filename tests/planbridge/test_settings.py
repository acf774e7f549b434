"""Settings come from the environment; the defaults need no server (docs/architecture.md
"Run modes")."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


def start_failure(env_overrides: dict, tmp_path) -> str:
    """The message with which the settings refuse to start under `env_overrides`."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env.update({"SECRET_KEY": "x", "PLANBRIDGE_VAR_DIR": str(tmp_path), **env_overrides})
    env["DJANGO_SETTINGS_MODULE"] = "planbridge.settings"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0, f"{env_overrides} was accepted"
    assert "ImproperlyConfigured" in result.stderr
    return result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "name, value",
    [
        ("DEBUG", "ture"),
        ("STATIC_MANIFEST", "maybe"),
        ("HTTPS", "2"),
        ("PLANBRIDGE_CARRY_GRACE_DAYS", "-1"),
        ("PLANBRIDGE_CARRY_GRACE_DAYS", "seven"),
        ("PLANBRIDGE_CARRY_GRACE_DAYS", "7.5"),
        ("EMAIL_TIMEOUT", "0"),
        ("CELERY_TASK_TIME_LIMIT", "lots"),
        ("PLANBRIDGE_OUTBOX_MAX_RETRIES", "-3"),
        ("PLANBRIDGE_OUTBOX_RETRY_BASE_SECONDS", "nan"),
        ("PLANBRIDGE_OUTBOX_RETRY_BASE_SECONDS", "inf"),
        ("PLANBRIDGE_FLAG_ANALYZE_MIN_ROWS", "1e4x"),
        ("PLANBRIDGE_REMINDER_WEEKDAY", "7"),
        ("PLANBRIDGE_REMINDER_HOUR", "24"),
        ("PLANBRIDGE_FLAG_AT", "25:00"),
        ("PLANBRIDGE_DIGEST_AT", "quarter past two"),
        ("TIME_ZONE", "Mars/Olympus_Mons"),
        ("LANGUAGE_CODE", "fr"),
        ("LOG_LEVEL", "LOUD"),
        ("SITE_URL", "planbridge.example.com"),
        ("DATABASE_URL", "mysql://db/planbridge"),
        ("CELERY_BROKER_URL", "redis//cache:6379"),
        ("EMAIL_URL", "smtps//mail:465"),
    ],
)
def test_a_bad_value_stops_the_start_with_a_message_naming_the_variable(name, value, tmp_path):
    message = start_failure({name: value}, tmp_path)
    assert name in message
    assert repr(value) in message or "must be" in message


def test_a_soft_time_limit_above_the_hard_one_is_refused(tmp_path):
    message = start_failure(
        {"CELERY_TASK_TIME_LIMIT": "60", "CELERY_TASK_SOFT_TIME_LIMIT": "90"}, tmp_path
    )
    assert "CELERY_TASK_SOFT_TIME_LIMIT" in message


@pytest.mark.parametrize("value, expected", [("1", True), ("yes", True), ("off", False)])
def test_yes_no_words_are_understood(value, expected, tmp_path):
    probe = "import django; from django.conf import settings; django.setup(); print(settings.DEBUG)"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"SECRET_KEY": "x", "PLANBRIDGE_VAR_DIR": str(tmp_path), "DEBUG": value})
    env["DJANGO_SETTINGS_MODULE"] = "planbridge.settings"
    output = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert output.stdout.strip() == str(expected), output.stderr


@pytest.fixture
def checkout_with_dotenv(tmp_path):
    """A copy of the project's code whose .env a test writes: the real checkout's .env is
    the developer's own and is never touched."""
    copy = tmp_path / "checkout"
    for name in ("manage.py", "planbridge", "goals", "meetings", "reviews"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            copy.mkdir(exist_ok=True)
            shutil.copy2(source, copy / name)

    def write(text: str) -> Path:
        (copy / ".env").write_text(text)
        return copy

    return write


MANAGE_PY_PROBE = (
    "import json; from django.conf import settings; print(json.dumps({'debug': settings.DEBUG,"
    " 'var_dir': str(settings.VAR_DIR), 'grace': settings.PLANBRIDGE_CARRY_GRACE_DAYS}))"
)


def manage_py(checkout: Path, env_overrides: dict) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "PLANBRIDGE_VAR_DIR"}
        and not key.startswith("PLANBRIDGE_CARRY")
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", MANAGE_PY_PROBE],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
    )


def test_dot_env_is_read_before_any_value_and_its_debug_off_holds_for_manage_py(
    checkout_with_dotenv, tmp_path
):
    var_dir = tmp_path / "var-from-dotenv"
    checkout = checkout_with_dotenv(
        f"DEBUG=0\nSECRET_KEY=from-dotenv\nPLANBRIDGE_VAR_DIR={var_dir}\n"
        "PLANBRIDGE_CARRY_GRACE_DAYS=3\n"
    )
    result = manage_py(checkout, {})
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found == {"debug": False, "var_dir": str(var_dir), "grace": 3}


def test_a_production_host_whose_dot_env_has_no_secret_key_refuses_to_run_commands(
    checkout_with_dotenv,
):
    checkout = checkout_with_dotenv("DEBUG=0\n")
    result = manage_py(checkout, {})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_secret_key_alone_means_production_mode_for_manage_py(checkout_with_dotenv, tmp_path):
    checkout = checkout_with_dotenv(f"SECRET_KEY=from-dotenv\nPLANBRIDGE_VAR_DIR={tmp_path}\n")
    result = manage_py(checkout, {})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False


def test_the_real_environment_wins_over_dot_env(checkout_with_dotenv, tmp_path):
    checkout = checkout_with_dotenv(
        f"DEBUG=0\nSECRET_KEY=from-dotenv\nPLANBRIDGE_VAR_DIR={tmp_path}\n"
        "PLANBRIDGE_CARRY_GRACE_DAYS=3\n"
    )
    result = manage_py(checkout, {"PLANBRIDGE_CARRY_GRACE_DAYS": "9", "DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert (found["debug"], found["grace"]) == (True, 9)


def test_a_bad_value_in_dot_env_stops_manage_py_naming_the_variable(checkout_with_dotenv, tmp_path):
    checkout = checkout_with_dotenv(
        f"DEBUG=ture\nSECRET_KEY=from-dotenv\nPLANBRIDGE_VAR_DIR={tmp_path}\n"
    )
    result = manage_py(checkout, {})
    assert result.returncode != 0
    assert "DEBUG must be 1 or 0" in result.stderr
