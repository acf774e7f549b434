"""The production path, run rather than read: the commands of docker-compose.yml's `web`
service (migrate, collectstatic, gunicorn), with DEBUG=0, on PostgreSQL, in a fresh copy of
the checkout's files. No Docker engine is needed: the same commands run on this machine.

The first start skips collectstatic, to show that /healthz then refuses (503) instead of
answering 200 while every page fails for want of the static manifest.
"""

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg2
import pytest
import yaml

from tests.services import SERVICES

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())

pytestmark = [pytest.mark.requires_postgres, pytest.mark.requires_redis]


def _substitute(value: str, variables: dict) -> str:
    """Compose's `${NAME:-default}` and `${NAME:?message}`, with `variables` as the shell."""

    def replace(match):
        name, operator, rest = match.group(1), match.group(2), match.group(3)
        if variables.get(name):
            return variables[name]
        if operator == ":?":
            raise AssertionError(f"compose would refuse to start: {rest}")
        return rest or ""

    return re.sub(r"\$\{([A-Z_]+)(:-|:\?)?([^}]*)\}", replace, str(value))


def _web_commands() -> list[list[str]]:
    """The `web` service's `sh -c "a && b && c"`, as argument lists."""
    words = shlex.split(COMPOSE["services"]["web"]["command"])
    assert words[:2] == ["sh", "-c"], words
    return [shlex.split(part) for part in words[2].split("&&")]


def _copy_checkout(target: Path) -> None:
    """The files a clean clone has: git's tracked files (as they are now), nothing else."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, (item.decode() for item in listed)):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)
# What the TLS proxy in front of the web service adds to every request it passes on.
BEHIND_TLS = {"X-Forwarded-Proto": "https"}


def _fetch(url: str, headers: dict | None = None) -> tuple[int, str, bytes]:
    return _fetch_with_headers(url, headers)[:3]


def _fetch_with_headers(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=10) as response:
            return (
                response.status,
                response.headers.get("Content-Type", ""),
                response.read(),
                response.headers,
            )
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read(), error.headers


@pytest.fixture
def fresh_database():
    admin_url = urlparse(SERVICES["postgres"])
    name = f"planbridge_production_path_{uuid.uuid4().hex[:8]}"

    def execute(statement):
        connection = psycopg2.connect(
            host=admin_url.hostname,
            port=admin_url.port or 5432,
            user=admin_url.username or "postgres",
            password=admin_url.password or None,
            dbname="postgres",
        )
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(statement)
        connection.close()

    execute(f'CREATE DATABASE "{name}"')
    yield urlunparse(admin_url._replace(path=f"/{name}"))
    execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def production_environment(tmp_path, fresh_database):
    """The web service's environment, its service hosts replaced by this machine's."""
    checkout = tmp_path / "checkout"
    _copy_checkout(checkout)
    var = tmp_path / "var"
    shell = {"SECRET_KEY": "production-path-test-" + uuid.uuid4().hex}
    environment = {
        name: _substitute(value, shell)
        for name, value in COMPOSE["services"]["web"]["environment"].items()
    }
    assert environment["DEBUG"] == "0"
    assert environment["HTTPS"] == "1"
    environment.update(
        DATABASE_URL=fresh_database,
        CELERY_BROKER_URL=SERVICES["redis"],
        EMAIL_URL="smtp://127.0.0.1:1",
        PLANBRIDGE_VAR_DIR=str(var),
        STATIC_ROOT=str(var / "staticfiles"),
        ALLOWED_HOSTS="127.0.0.1",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        HOME=str(tmp_path),
        LANG="C.UTF-8",
    )
    return checkout, environment


def _run(command, checkout, environment):
    command = [sys.executable, *command[1:]] if command[0] == "python" else command
    result = subprocess.run(
        command, cwd=checkout, env=environment, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{shlex.join(command)} failed:\n{result.stderr[-3000:]}"


class Gunicorn:
    """The compose file's gunicorn command, bound to a free port on 127.0.0.1."""

    def __init__(self, command, checkout, environment):
        self.port = _free_port()
        command = [self.port_bound(word) for word in command]
        if "--workers" in command:
            command[command.index("--workers") + 1] = "2"
        self.process = subprocess.Popen(
            command,
            cwd=checkout,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.stderr.read()[-3000:]
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.5).close()
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start listening within 60 s")

    def port_bound(self, word: str) -> str:
        return f"127.0.0.1:{self.port}" if re.fullmatch(r"0\.0\.0\.0:\d+", word) else word

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def test_the_compose_web_commands_serve_pages_with_debug_off(production_environment):
    checkout, environment = production_environment
    migrate, collectstatic, gunicorn = _web_commands()
    assert migrate[1:3] == ["manage.py", "migrate"]
    assert collectstatic[1:3] == ["manage.py", "collectstatic"]
    assert gunicorn[0] == "gunicorn"

    _run(migrate, checkout, environment)

    # Without collectstatic every page fails; /healthz must say so, not answer 200.
    server = Gunicorn(gunicorn, checkout, environment)
    try:
        status, _type, body = _fetch(f"{server.url}/healthz")
        assert status == 503, body
        assert b"collectstatic" in body
        assert _fetch(f"{server.url}/login/", BEHIND_TLS)[0] == 500
    finally:
        server.stop()

    _run(collectstatic, checkout, environment)
    server = Gunicorn(gunicorn, checkout, environment)
    try:
        # HTTPS=1: plain HTTP is sent to HTTPS; through the TLS proxy the page is served
        # with HSTS and Secure cookies.
        status, _type, _body, headers = _fetch_with_headers(f"{server.url}/login/")
        assert status == 301 and headers["Location"].startswith("https://"), headers
        status, _type, body, headers = _fetch_with_headers(f"{server.url}/login/", BEHIND_TLS)
        assert status == 200, body[-2000:]
        assert headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
        cookies = headers.get_all("Set-Cookie")
        assert cookies and all("Secure" in cookie for cookie in cookies), cookies
        page = body.decode()
        stylesheet = re.search(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', page).group(1)
        script = re.search(r'<script[^>]+src="([^"]+)"', page).group(1)
        # Hashed names: the manifest storage is in force, as in production.
        assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet), stylesheet
        status, content_type, _body = _fetch(server.url + stylesheet, BEHIND_TLS)
        assert (status, content_type.split(";")[0]) == (200, "text/css")
        status, content_type, _body = _fetch(server.url + script, BEHIND_TLS)
        assert status == 200 and "javascript" in content_type
        # django-csp does not keep the directives in a fixed order.
        directives = {part.strip() for part in headers["Content-Security-Policy"].split(";")}
        assert "script-src 'self'" in directives
        # The 400 and 500 pages link their stylesheet by its unhashed name (no manifest).
        status, content_type, _body = _fetch(server.url + "/static/css/error.css", BEHIND_TLS)
        assert (status, content_type.split(";")[0]) == (200, "text/css")

        status, _type, body = _fetch(f"{server.url}/healthz")
        assert status == 200, body
        assert b'"static": "ok"' in body
    finally:
        server.stop()


def test_the_deploy_checks_pass_in_the_production_environment(production_environment):
    """`check --deploy` with compose's environment (DEBUG=0, HTTPS=1), a 50-character
    SECRET_KEY and a real host name prints no warning at all."""
    checkout, environment = production_environment
    environment.update(
        SECRET_KEY="k" * 10 + uuid.uuid4().hex + "x" * 8, ALLOWED_HOSTS="planbridge.example.com"
    )
    assert len(environment["SECRET_KEY"]) == 50
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=checkout,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout


def test_compose_refuses_to_start_without_a_secret_key():
    value = COMPOSE["services"]["web"]["environment"]["SECRET_KEY"]
    with pytest.raises(AssertionError, match="SECRET_KEY"):
        _substitute(value, {})
