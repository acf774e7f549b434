"""PlanBridge settings: every value comes from the environment (see .env.example).

The defaults are the embedded run mode (docs/architecture.md "Run modes"): SQLite, a
filesystem Celery broker and file email under var/, so that `make run` needs no server.
Production and CI set DATABASE_URL, CELERY_BROKER_URL and EMAIL_URL.

A `.env` file beside manage.py is read first; a variable set in the real environment wins
over it. Every value goes through one of the small readers below, which stop the start with
a message naming the variable when a value is malformed or out of range: a typo such as
DEBUG=ture must not quietly mean "off", nor a negative grace period "flag at once".
"""

import datetime
import zoneinfo
from pathlib import Path
from urllib.parse import urlparse

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE_WORDS = {"1", "true", "yes", "on"}
_FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A yes/no value: 1/0, true/false, yes/no, on/off (any case); anything else stops the start."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0 (true/false, yes/no, on/off), not {raw!r}.")


def env_number(name: str, default, *, kind=int, minimum=None, maximum=None):
    """A whole (kind=int) or decimal (kind=float) number within [minimum, maximum]."""
    raw = env.str(name, default=None)
    if raw is None or raw.strip() == "":
        value = default
    else:
        try:
            value = kind(raw.strip())
        except ValueError:
            noun = "a whole number" if kind is int else "a number"
            raise ImproperlyConfigured(f"{name} must be {noun}, not {raw!r}.") from None
        if kind is float and value != value or value in (float("inf"), float("-inf")):
            raise ImproperlyConfigured(f"{name} must be a finite number, not {raw!r}.")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        bounds = f"at least {minimum}" if maximum is None else f"from {minimum} to {maximum}"
        raise ImproperlyConfigured(f"{name} must be {bounds}, not {value!r}.")
    return value


def env_choice(name: str, default: str, choices) -> str:
    value = env.str(name, default=default).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_url(name: str, default: str, schemes) -> str:
    """A URL whose scheme is one of `schemes` and that names a host (or a path, for files)."""
    value = env.str(name, default=default).strip()
    parsed = urlparse(value)
    if parsed.scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name} must start with {' or '.join(s + '://' for s in schemes)}, not {value!r}."
        )
    return value


VAR_DIR = Path(env.str("PLANBRIDGE_VAR_DIR", default="") or BASE_DIR / "var")

# DEBUG is off unless said; manage.py on a checkout that configures nothing at all is the one
# exception (see manage.py), and an explicit DEBUG or a SECRET_KEY anywhere overrides it.
_unconfigured_checkout = env_bool("PLANBRIDGE_MANAGE_PY", default=False) and not env.str(
    "SECRET_KEY", default=""
)
DEBUG = env_bool("DEBUG", default=_unconfigured_checkout)
# A development-only key is acceptable only with DEBUG on; production must set one.
SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", ("http", "https")).rstrip("/")
if not urlparse(SITE_URL).hostname:
    raise ImproperlyConfigured(f"SITE_URL must name a host, not {SITE_URL!r}.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "csp",
    "planbridge",
    "goals",
    "meetings",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the middleware that may refuse a request (CommonMiddleware's 400 for a foreign
    # host), so that its answer carries the policy too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "planbridge.middleware.UserLanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "planbridge.urls"
WSGI_APPLICATION = "planbridge.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "planbridge.context_processors.navigation",
                "meetings.context_processors.asks_to_us",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url_config(
        env_url(
            "DATABASE_URL",
            f"sqlite:///{VAR_DIR / 'planbridge.sqlite3'}",
            ("postgres", "postgresql", "pgsql", "sqlite"),
        )
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # The embedded mode runs web, worker and beat against one file: wait for locks.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes' backend comes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A "Forgot password?" link (planbridge/password_reset.py) works for a day, and only once: long
# enough for mail that arrives late, short enough that an old e-mail found later is useless.
# Django's default is three days.
PASSWORD_RESET_TIMEOUT = 24 * 3600

LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LANGUAGE_CODE = env_choice("LANGUAGE_CODE", "en", [code for code, _name in LANGUAGES])
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_choice("TIME_ZONE", "Asia/Shanghai", zoneinfo.available_timezones())
USE_I18N = True
USE_TZ = True
# Weeks start on Monday (docs/architecture.md "Periods"); date pickers and calendars follow it.
FIRST_DAY_OF_WEEK = 1

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", default=DEBUG)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: file backend under var/mail by default; EMAIL_URL=smtp://user:pass@host:port for SMTP.
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
_email_url = env.str("EMAIL_URL", default="")
if _email_url:
    env_url(
        "EMAIL_URL",
        _email_url,
        ("smtp", "smtp+tls", "smtp+ssl", "consolemail", "filemail", "memorymail", "dummymail"),
    )
    vars().update(env.email_url_config(_email_url))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_TIMEOUT = env_number("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PlanBridge <planbridge@localhost>")

# Celery. The filesystem transport keeps the embedded mode server-free.
CELERY_BROKER_URL = env_url(
    "CELERY_BROKER_URL", "filesystem://", ("filesystem", "redis", "rediss", "amqp", "memory")
)
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "broker"
    # The filesystem transport needs its folders; creating them keeps `make run` server-free.
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "broker-processed"),
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
    }
# Seconds Redis waits for the acknowledgement of a delivered task (a running task under
# acks_late, or a retry waiting for its countdown) before it hands the task to another worker.
# Leases and retry windows are kept below it (docs/architecture.md "Jobs").
CELERY_BROKER_VISIBILITY_TIMEOUT = env_number("CELERY_BROKER_VISIBILITY_TIMEOUT", 3600, minimum=1)
if not CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_TIME_LIMIT = env_number("CELERY_TASK_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = env_number("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_TASK_SOFT_TIME_LIMIT must be below CELERY_TASK_TIME_LIMIT.")
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# The one beat schedule (docs/architecture.md "Jobs"), in UTC; its entries follow below.
CELERY_BEAT_SCHEDULE = {}

PLANBRIDGE_CARRY_GRACE_DAYS = env_number("PLANBRIDGE_CARRY_GRACE_DAYS", 7, minimum=0, maximum=365)


def _utc_clock(name: str, default: str) -> tuple[int, int]:
    """An "HH:MM" (UTC) environment value as (hour, minute); a bad value stops the start."""
    value = env.str(name, default=default)
    try:
        hour, minute = (int(part) for part in value.split(":"))
    except ValueError:
        message = f'{name} must look like "02:00", not {value!r}.'
        raise ImproperlyConfigured(message) from None
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ImproperlyConfigured(f"{name} must be a time of day, not {value!r}.")
    return hour, minute


# The flag job and the digests (reviews.tasks): daily, the digest after the flag job, in UTC.
PLANBRIDGE_FLAG_AT = _utc_clock("PLANBRIDGE_FLAG_AT", "02:00")
PLANBRIDGE_DIGEST_AT = _utc_clock("PLANBRIDGE_DIGEST_AT", "02:15")
CELERY_BEAT_SCHEDULE["reviews-flag-unlinked-findings"] = {
    "task": "reviews.flag_unlinked_findings",
    "schedule": crontab(hour=PLANBRIDGE_FLAG_AT[0], minute=PLANBRIDGE_FLAG_AT[1]),
}
CELERY_BEAT_SCHEDULE["reviews-send-unlinked-digests"] = {
    "task": "reviews.send_unlinked_digests",
    "schedule": crontab(hour=PLANBRIDGE_DIGEST_AT[0], minute=PLANBRIDGE_DIGEST_AT[1]),
}
# `make run` sets this: the flag job every 20 s and the digests every 40 s (the first digest
# run comes after the first flag run), so the demo's overdue finding is flagged and a digest
# lands in var/mail/ within a minute. Digests stay at most one per user per day.
if env_bool("PLANBRIDGE_DEMO_SCHEDULE", default=False):
    CELERY_BEAT_SCHEDULE["reviews-flag-unlinked-findings-demo"] = {
        "task": "reviews.flag_unlinked_findings",
        "schedule": 20.0,
    }
    CELERY_BEAT_SCHEDULE["reviews-send-unlinked-digests-demo"] = {
        "task": "reviews.send_unlinked_digests",
        "schedule": 40.0,
    }
# A flag run that flags at least this many findings refreshes the table's statistics at once.
PLANBRIDGE_FLAG_ANALYZE_MIN_ROWS = env_number("PLANBRIDGE_FLAG_ANALYZE_MIN_ROWS", 10_000, minimum=0)

# The outbox (planbridge.outbox) sends every message: digests, reminders. A refused or
# unreachable server is retried this many times with exponential backoff and jitter (the first
# wait is about BASE seconds); the whole retry window is capped below
# half of CELERY_BROKER_VISIBILITY_TIMEOUT so that Redis never hands a waiting retry to a second
# worker.
# Every few minutes planbridge.send_outbox queues again what no worker finished (a lapsed lease).
PLANBRIDGE_OUTBOX_MAX_RETRIES = env_number(
    "PLANBRIDGE_OUTBOX_MAX_RETRIES", 5, minimum=0, maximum=20
)
PLANBRIDGE_OUTBOX_RETRY_BASE_SECONDS = env_number(
    "PLANBRIDGE_OUTBOX_RETRY_BASE_SECONDS", 30.0, kind=float, minimum=0.1
)
PLANBRIDGE_OUTBOX_RECOVER_MINUTES = env_number(
    "PLANBRIDGE_OUTBOX_RECOVER_MINUTES", 5, minimum=1, maximum=60
)
# How long a claim on a message holds (planbridge.outbox.lease_length): a message left `sending`
# longer than this (its worker died) is resent by the next recovery run, with the same
# Message-ID. The send task's time limit is kept inside it, and it must stay below half the
# visibility timeout: a retry waits at most the other half before it runs (outbox.retry_countdown).
PLANBRIDGE_DELIVERY_LEASE_SECONDS = env_number(
    "PLANBRIDGE_DELIVERY_LEASE_SECONDS", 300, minimum=2, maximum=86_400
)
if PLANBRIDGE_DELIVERY_LEASE_SECONDS * 2 >= CELERY_BROKER_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "PLANBRIDGE_DELIVERY_LEASE_SECONDS must be below half of CELERY_BROKER_VISIBILITY_TIMEOUT "
        f"({PLANBRIDGE_DELIVERY_LEASE_SECONDS} and {CELERY_BROKER_VISIBILITY_TIMEOUT} given)."
    )
# Chat robots' webhooks must be https:// on a public host; 1 lets them post to any address
# (the tests' local servers, a private deployment of a chat platform).
PLANBRIDGE_ALLOW_PRIVATE_WEBHOOKS = env_bool("PLANBRIDGE_ALLOW_PRIVATE_WEBHOOKS", default=False)
CELERY_BEAT_SCHEDULE["planbridge-send-outbox"] = {
    "task": "planbridge.send_outbox",
    "schedule": crontab(minute=f"*/{PLANBRIDGE_OUTBOX_RECOVER_MINUTES}"),
}
# The one-time tokens of submitted create forms (planbridge.once) are kept a week; the purge
# runs daily, away from the flag job and the digests.
CELERY_BEAT_SCHEDULE["planbridge-purge-submission-tokens"] = {
    "task": "planbridge.purge_submission_tokens",
    "schedule": crontab(hour=3, minute=40),
}

# Weekly-update reminder (meetings.tasks): coordinators whose department has not submitted
# the week's update are emailed once the week reaches this weekday (0 = Monday … 6 = Sunday)
# and hour (0–23), both in TIME_ZONE. The beat runs the job hourly (UTC, minute 7); the job
# itself checks the moment, and sends at most one reminder per coordinator and week.
PLANBRIDGE_REMINDER_WEEKDAY = env_number("PLANBRIDGE_REMINDER_WEEKDAY", 3, minimum=0, maximum=6)
PLANBRIDGE_REMINDER_HOUR = env_number("PLANBRIDGE_REMINDER_HOUR", 15, minimum=0, maximum=23)
CELERY_BEAT_SCHEDULE["meetings-weekly-update-reminders"] = {
    "task": "meetings.send_weekly_update_reminders",
    "schedule": crontab(minute=7),
}
# Chat robots post the agenda summary of a meeting on its morning (meetings.robot_posts).
CELERY_BEAT_SCHEDULE["meetings-post-meeting-agendas"] = {
    "task": "meetings.post_meeting_agendas",
    "schedule": crontab(minute=12),
}

# Login throttling with django-axes (docs/architecture.md "Login throttling"): after
# PER_USERNAME failed logins for one user name, or PER_ADDRESS from one address, that have not
# cooled off (a failure counts for COOLOFF_MINUTES after the latest one of its browser), further
# logins are refused, the right password too, until enough of them have; a PM or an admin can
# unlock at once. django-axes has one failure limit; the two limits are its documented way for
# this, a handler (planbridge.login_throttle), which reads the address limit.
PLANBRIDGE_LOGIN_FAILURES_PER_USERNAME = env_number(
    "PLANBRIDGE_LOGIN_FAILURES_PER_USERNAME", 10, minimum=1, maximum=1000
)
PLANBRIDGE_LOGIN_FAILURES_PER_ADDRESS = env_number(
    "PLANBRIDGE_LOGIN_FAILURES_PER_ADDRESS", 30, minimum=1, maximum=10_000
)
PLANBRIDGE_LOGIN_COOLOFF_MINUTES = env_number(
    "PLANBRIDGE_LOGIN_COOLOFF_MINUTES", 15, minimum=1, maximum=7 * 24 * 60
)
AXES_HANDLER = "planbridge.login_throttle.LoginThrottleHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = PLANBRIDGE_LOGIN_FAILURES_PER_USERNAME
AXES_COOLOFF_TIME = datetime.timedelta(minutes=PLANBRIDGE_LOGIN_COOLOFF_MINUTES)
# A refused attempt during a lockout is not counted, so the lockout ends when the page says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful login clears the failures of its user name only (the handler): clearing the
# address's too, as axes would, would let someone with an account of their own wipe the count
# of the guesses they made at other names from the same address.
AXES_RESET_ON_SUCCESS = True
# The login page again, with a message saying when to retry, status 429.
AXES_LOCKOUT_CALLABLE = "planbridge.views.login_locked_out"
# Failed attempts are what the throttle needs; a row for every successful login is not kept.
AXES_DISABLE_ACCESS_LOG = True
# The client's address. By default REMOTE_ADDR, which nobody can forge. Behind reverse proxies
# that each append the address they received from to X-Forwarded-For, set their number: the
# address is then the one the outermost proxy appended (django-ipware, as django-axes
# documents), whatever a client put in the header itself.
PLANBRIDGE_TRUSTED_PROXIES = env_number("PLANBRIDGE_TRUSTED_PROXIES", 0, minimum=0, maximum=5)
if PLANBRIDGE_TRUSTED_PROXIES:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",)
    AXES_IPWARE_PROXY_ORDER = "left-most"
    # ipware counts the proxies after the client inside the header; the last proxy's own
    # address is REMOTE_ADDR, not in it.
    AXES_IPWARE_PROXY_COUNT = PLANBRIDGE_TRUSTED_PROXIES - 1
    # Not strict: a header longer than expected (a client sent its own) still yields the entry
    # the outermost trusted proxy appended.
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Content-Security-Policy (django-csp) on every response: scripts, styles, fonts and
# requests only from this site, and nothing inline: no 'unsafe-inline', no 'unsafe-eval'.
# The pages keep their JavaScript in static files and their looks in stylesheets and classes
# (docs/architecture.md "Content-Security-Policy"); data: images are Bootstrap's SVG icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# HTTPS=1: the site is served over TLS, by a proxy that terminates it and says so in
# X-Forwarded-Proto (the proxy must set that header itself, never pass a client's on). One
# switch turns on everything `check --deploy` expects of an HTTPS site: plain-HTTP requests
# are redirected (except /healthz, which the container's health check asks over plain HTTP),
# browsers are told to use HTTPS only for a year, subdomains included (HSTS; "preload" lets
# the owner submit the domain to the browsers' list, which nothing does on its own), and
# cookies are sent over HTTPS only.
HTTPS = env_bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
