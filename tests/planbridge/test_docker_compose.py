"""docker-compose.yml cannot run here (no Docker engine), so it is read and checked: each
command points at real modules and settings, and the environment matches .env.example."""

import importlib
import re
import shlex
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def env_example_keys() -> set[str]:
    return {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if re.match(r"^[A-Z_]+=", line)
    }


def test_the_stack_has_web_worker_beat_postgres_redis_and_a_mail_catcher():
    assert {"web", "worker", "beat", "postgres", "redis", "mailpit"} <= set(SERVICES)


def test_gunicorn_serves_the_real_wsgi_application():
    command = SERVICES["web"]["command"]
    target = re.search(r"gunicorn (\S+)", command).group(1)
    module_name, attribute = target.split(":")
    assert callable(getattr(importlib.import_module(module_name), attribute))
    assert module_name == settings.WSGI_APPLICATION.rsplit(".", 1)[0]


def test_worker_and_beat_use_the_real_celery_app():
    for name in ("worker", "beat"):
        words = shlex.split(SERVICES[name]["command"])
        app_module = words[words.index("-A") + 1]
        module = importlib.import_module(app_module)
        assert module.celery_app.main == "planbridge"
    assert "beat" in SERVICES["beat"]["command"] and "worker" in SERVICES["worker"]["command"]


def test_every_app_service_gets_the_same_environment_and_it_is_documented():
    environments = [SERVICES[name]["environment"] for name in ("web", "worker", "beat")]
    assert environments[0] == environments[1] == environments[2]
    documented = env_example_keys()
    assert set(environments[0]) <= documented
    assert {"DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "SECRET_KEY", "SITE_URL"} <= set(
        environments[0]
    )


def test_the_urls_point_at_the_compose_services():
    env = SERVICES["web"]["environment"]
    assert "@postgres:5432/" in env["DATABASE_URL"]
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379")
    assert env["EMAIL_URL"].startswith("smtp://mailpit:1025")
    assert env["DEBUG"] == "0"


def test_the_image_installs_the_pinned_requirements():
    dockerfile = COMPOSE["x-planbridge"]["build"]["dockerfile_inline"]
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile
    assert "python:3.11" in dockerfile


def test_the_env_example_documents_every_variable_the_settings_read():
    source = (ROOT / "planbridge" / "settings.py").read_text()
    read = set(re.findall(r'env[._]\w+\(\s*"([A-Z_]+)"', source))
    # manage.py sets this one itself to mark a developer's command line; nobody configures it.
    read -= {"PLANBRIDGE_MANAGE_PY"}
    assert {"DEBUG", "PLANBRIDGE_CARRY_GRACE_DAYS", "TIME_ZONE"} <= read
    assert read <= env_example_keys(), read - env_example_keys()
