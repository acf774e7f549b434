"""PlanBridge settings: every value comes from the environment (see .env.example).

The defaults are the embedded run mode of DESIGN.md: SQLite, a filesystem Celery broker
and file email under var/, so that `make run` needs no server. Production and CI set
DATABASE_URL, CELERY_BROKER_URL and EMAIL_URL.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("PLANBRIDGE_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# A development-only key is acceptable only with DEBUG on; production must set one.
SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

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
    "planbridge",
    "goals",
    "meetings",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
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
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'planbridge.sqlite3'}")
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True
# Weeks start on Monday (DESIGN.md "Periods"); date pickers and calendars follow it.
FIRST_DAY_OF_WEEK = 1

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: file backend under var/mail by default; EMAIL_URL=smtp://user:pass@host:port for SMTP.
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
_email_url = env.str("EMAIL_URL", default="")
if _email_url:
    vars().update(env.email_url_config(_email_url))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PlanBridge <planbridge@localhost>")

# Celery. The filesystem transport keeps the embedded mode server-free.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
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
else:
    # Retry windows of tasks are kept below this (DESIGN.md "Scheduled work").
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_VISIBILITY_TIMEOUT = CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# The one beat schedule (DESIGN.md "Scheduled work"), in UTC; its entries follow below.
CELERY_BEAT_SCHEDULE = {}

PLANBRIDGE_CARRY_GRACE_DAYS = env.int("PLANBRIDGE_CARRY_GRACE_DAYS", default=7)


def _utc_clock(name: str, default: str) -> tuple[int, int]:
    """An "HH:MM" (UTC) environment value as (hour, minute); a bad value stops the start."""
    value = env.str(name, default=default)
    try:
        hour, minute = (int(part) for part in value.split(":"))
    except ValueError:
        message = f'{name} must look like "02:00", not {value!r}.'
        raise environ.ImproperlyConfigured(message) from None
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise environ.ImproperlyConfigured(f"{name} must be a time of day, not {value!r}.")
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
if env.bool("PLANBRIDGE_DEMO_SCHEDULE", default=False):
    CELERY_BEAT_SCHEDULE["reviews-flag-unlinked-findings-demo"] = {
        "task": "reviews.flag_unlinked_findings",
        "schedule": 20.0,
    }
    CELERY_BEAT_SCHEDULE["reviews-send-unlinked-digests-demo"] = {
        "task": "reviews.send_unlinked_digests",
        "schedule": 40.0,
    }
# SMTP failures of a digest are retried this many times with exponential backoff and jitter
# (the first wait is about BASE seconds); reviews.digests caps the whole retry window below
# CELERY_BROKER_VISIBILITY_TIMEOUT so that Redis never hands a waiting retry to a second worker.
# A flag run that flags at least this many findings refreshes the table's statistics at once.
PLANBRIDGE_FLAG_ANALYZE_MIN_ROWS = env.int("PLANBRIDGE_FLAG_ANALYZE_MIN_ROWS", default=10_000)
PLANBRIDGE_DIGEST_MAX_RETRIES = env.int("PLANBRIDGE_DIGEST_MAX_RETRIES", default=5)
PLANBRIDGE_DIGEST_RETRY_BASE_SECONDS = env.float("PLANBRIDGE_DIGEST_RETRY_BASE_SECONDS", default=30)

# Weekly-update reminder (meetings.tasks): coordinators whose department has not submitted
# the week's update are emailed once the week reaches this weekday (0 = Monday … 6 = Sunday)
# and hour (0–23), both in TIME_ZONE. The beat runs the job hourly (UTC, minute 7); the job
# itself checks the moment, and sends at most one reminder per coordinator and week.
PLANBRIDGE_REMINDER_WEEKDAY = env.int("PLANBRIDGE_REMINDER_WEEKDAY", default=3)
PLANBRIDGE_REMINDER_HOUR = env.int("PLANBRIDGE_REMINDER_HOUR", default=15)
if not 0 <= PLANBRIDGE_REMINDER_WEEKDAY <= 6:
    raise environ.ImproperlyConfigured("PLANBRIDGE_REMINDER_WEEKDAY must be 0 (Monday) to 6.")
if not 0 <= PLANBRIDGE_REMINDER_HOUR <= 23:
    raise environ.ImproperlyConfigured("PLANBRIDGE_REMINDER_HOUR must be 0 to 23.")
CELERY_BEAT_SCHEDULE["meetings-weekly-update-reminders"] = {
    "task": "meetings.send_weekly_update_reminders",
    "schedule": crontab(minute=7),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Behind TLS in production, set SECURE_COOKIES=1.
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
