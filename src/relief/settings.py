"""Django settings for Relief Journal.

Everything configurable comes from environment variables declared in
:mod:`relief.conf`; nothing here reads ``os.environ`` directly.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from relief.conf import env, env_bool, private_data_dir, private_file, secret_key_problem

BASE_DIR = Path(__file__).resolve().parent

DEBUG = env_bool("RELIEF_DEBUG")
# Hosted mode: other people reach this server, so nothing may be guessed or generated.
HOSTED = env_bool("RELIEF_HOSTED")


def _secret_key() -> str:
    configured = env("RELIEF_SECRET_KEY")
    if HOSTED and not DEBUG:
        problem = secret_key_problem(configured)
        if problem:
            raise ImproperlyConfigured(problem)
    if configured:
        return configured
    # A self-hosted install keeps a generated key next to its data, readable by
    # its owner only (created with mode 0600, never world-readable even briefly).
    key_file = private_data_dir() / "secret_key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process won the race; use its key
            return key_file.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in env("RELIEF_ALLOWED_HOSTS").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "relief.core",
    "relief.accounts",
    "relief.diary",
    "relief.treatments",
    "relief.products",
    "relief.safety",
    "relief.exchange",
    "relief.insights",
    "relief.plans",
    "relief.sharing",
    "relief.offline",
    "relief.push",
]

MIDDLEWARE = [
    "relief.core.security.StaticHeadersMiddleware",  # outermost: see its docstring
    "relief.core.security.ForwardedForMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "relief.core.security.SecurityHeadersMiddleware",
    "relief.core.security.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages gzipped (with Django's BREACH mitigation); below WhiteNoise, whose static files come precompressed.
    "django.middleware.gzip.GZipMiddleware",
    "relief.core.security.InputGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# The first signs people in and loads their profile with them; the second only keeps sessions made
# before it valid (relief/accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "relief.accounts.backends.AccountBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "relief.urls"
WSGI_APPLICATION = "relief.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database(url: str) -> dict[str, object]:
    if not url:
        url = f"sqlite:///{private_data_dir() / 'relief.sqlite3'}"
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Health data: the file is created readable by its owner only (its -wal and -shm files
        # take the same mode from SQLite).  Deleted rows are overwritten, not left in free pages.
        if str(config["NAME"]) not in {"", ":memory:"}:
            private_file(Path(str(config["NAME"])))
        # WAL lets readers work while one writer writes; IMMEDIATE takes the
        # write lock at BEGIN so two writers queue instead of failing midway.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=20000;PRAGMA foreign_keys=ON;PRAGMA secure_delete=ON;"
            ),
        }
    else:
        # Keep the connection between requests: a new PostgreSQL backend for each request cost
        # more than everything else /healthz does (docs/performance.md).  The health check
        # replaces a connection the server dropped before it is used.
        config["CONN_MAX_AGE"] = int(env("RELIEF_DATABASE_CONN_MAX_AGE"))
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": _database(env("RELIEF_DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = private_data_dir() / "static"
# WhiteNoise serves collected files from here (and from the finders); it warns when the folder is missing.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names, gzip and brotli copies; see relief.core.staticfiles (collected by `relief serve`).
    "staticfiles": {"BACKEND": "relief.core.staticfiles.HashedCompressedStorage"},
}
WHITENOISE_USE_FINDERS = True
# Static files are only ever asked for by this site's own pages: no Access-Control-Allow-Origin: *.
WHITENOISE_ALLOW_ALL_ORIGINS = False

# Bodies beyond these sizes are refused with 413 before a view runs (relief.core.security).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

EMAIL_BACKEND = env("RELIEF_EMAIL_BACKEND")
if HOSTED and not DEBUG and EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
    # The console backend prints every mail, password-reset links included, into the server log.
    raise ImproperlyConfigured(
        "RELIEF_EMAIL_BACKEND is the console backend, which writes password-reset links into the "
        "server log; hosted mode needs a real one, for example "
        "django.core.mail.backends.smtp.EmailBackend (with EMAIL_HOST settings) "
    )
DEFAULT_FROM_EMAIL = env("RELIEF_DEFAULT_FROM_EMAIL")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# With Redis (hosted mode, several processes): a shared cache, and sessions read from it and
# written through to the database, so a Redis restart signs no one out.
if env("RELIEF_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("RELIEF_REDIS_URL"),
            "KEY_PREFIX": "relief-cache",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Behind TLS (always in hosted mode): HTTPS-only cookies, HSTS and a redirect to HTTPS.
SERVED_OVER_TLS = env_bool("RELIEF_SECURE_COOKIES") or HOSTED
SESSION_COOKIE_SECURE = SERVED_OVER_TLS
CSRF_COOKIE_SECURE = SERVED_OVER_TLS
SECURE_SSL_REDIRECT = SERVED_OVER_TLS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = int(env("RELIEF_HSTS_SECONDS")) if SERVED_OVER_TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SERVED_OVER_TLS
SECURE_HSTS_PRELOAD = SERVED_OVER_TLS
if env_bool("RELIEF_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
RELIEF_FORWARDED_FOR = env_bool("RELIEF_FORWARDED_FOR")
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("RELIEF_CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

RELIEF_FUTURE_TOLERANCE_MINUTES = int(env("RELIEF_FUTURE_TOLERANCE_MINUTES"))
RELIEF_DEFAULT_TIME_ZONE = env("RELIEF_TIME_ZONE")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Health data never reaches a log: exception messages are withheld, query strings dropped.
    "filters": {"no_health_data": {"()": "relief.core.logging.RedactHealthData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_health_data"]}},
    "loggers": {
        "relief": {"handlers": ["console"], "level": env("RELIEF_LOG_LEVEL")},
        "django": {"handlers": ["console"], "level": "WARNING"},
    },
}
