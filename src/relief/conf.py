"""The one registry of environment variables that configure Relief Journal.

Every setting the app reads from the environment is declared here with its
default and help text.  ``docs/configuration.md`` is generated from this list
(``relief docs configuration``) and a test fails when the two disagree.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import platformdirs


@dataclass(frozen=True)
class EnvSetting:
    name: str
    default: str
    help: str

    def get(self) -> str:
        return os.environ.get(self.name, self.default)


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("relief-journal", appauthor=False))


REGISTRY: tuple[EnvSetting, ...] = (
    EnvSetting(
        "RELIEF_DATABASE_URL",
        "",
        "Database URL: `sqlite:///path/to/file.sqlite3` or `postgresql://user@host:5432/name`. "
        "Empty means an SQLite file `relief.sqlite3` in the data directory, created and migrated on first use.",
    ),
    EnvSetting(
        "RELIEF_DATABASE_CONN_MAX_AGE",
        "600",
        "PostgreSQL only: seconds a web or worker process keeps its database connection open for the "
        "next request (checked before reuse). `0` opens a new connection for every request, which "
        "costs about two thirds of a trivial request (docs/performance.md); lower it only behind a "
        "connection pooler that needs it.",
    ),
    EnvSetting(
        "RELIEF_TEST_DATABASE_URL",
        "",
        "Used only by the test suite: when set (to a PostgreSQL URL), the tests run on that server "
        "instead of SQLite.",
    ),
    EnvSetting(
        "RELIEF_DATA_DIR",
        "",
        "Directory for the default SQLite database, backups and cached files. "
        "Empty means the platform's user data directory (for example `~/.local/share/relief-journal`).",
    ),
    EnvSetting(
        "RELIEF_DEBUG",
        "false",
        "Django debug mode. Never turn this on for a server other people can reach.",
    ),
    EnvSetting(
        "RELIEF_SECRET_KEY",
        "",
        "Secret key for sessions and signed links. Required when debug is off and the app is served; "
        "a self-hosted install keeps a generated key in the data directory.",
    ),
    EnvSetting(
        "RELIEF_ALLOWED_HOSTS",
        "localhost,127.0.0.1,[::1]",
        "Comma-separated host names the server answers to.",
    ),
    EnvSetting(
        "RELIEF_TIME_ZONE",
        "",
        "Time zone given to a new profile (IANA name such as `Europe/Berlin`). "
        "Empty means the `TZ` environment variable, or UTC.",
    ),
    EnvSetting(
        "RELIEF_FUTURE_TOLERANCE_MINUTES",
        "5",
        "How many minutes in the future an entry's time may be (clock skew between devices); later times are refused.",
    ),
    EnvSetting(
        "RELIEF_EMAIL_BACKEND",
        "django.core.mail.backends.console.EmailBackend",
        "Django email backend used for password resets and reminders.",
    ),
    EnvSetting(
        "RELIEF_DEFAULT_FROM_EMAIL",
        "relief@localhost",
        "Sender address of the emails the app sends.",
    ),
    EnvSetting(
        "RELIEF_REDIS_URL",
        "",
        "Redis URL for the background task queue, the cache and sessions (for example "
        "`redis://127.0.0.1:6379/0`); sessions are then read from Redis and written through to the "
        "database. Empty means tasks are queued in an SQLite file in the data directory and sessions "
        "live in the database, with no extra server.",
    ),
    EnvSetting(
        "RELIEF_SECURE_COOKIES",
        "false",
        "Send cookies only over HTTPS and turn on HSTS; set to true when the app is served behind TLS.",
    ),
    EnvSetting(
        "RELIEF_HOSTED",
        "false",
        "Hosted mode, for a server that other people reach over the network: a missing or weak "
        "`RELIEF_SECRET_KEY` is refused (no generated key file), and cookies are HTTPS-only with HSTS "
        "and a redirect to HTTPS, as if `RELIEF_SECURE_COOKIES` were true.",
    ),
    EnvSetting(
        "RELIEF_PROXY_SSL_HEADER",
        "false",
        "Trust the `X-Forwarded-Proto` header from a reverse proxy that terminates TLS. Turn it on only "
        "when such a proxy sets that header on every request (and strips it from clients).",
    ),
    EnvSetting(
        "RELIEF_FORWARDED_FOR",
        "false",
        "Behind a reverse proxy: take the client's address from the last `X-Forwarded-For` entry, "
        "so that sign-in limits count each client, not the proxy. Turn it on only behind a proxy "
        "that appends that header.",
    ),
    EnvSetting(
        "RELIEF_HSTS_SECONDS",
        "31536000",
        "How long browsers must use HTTPS only (Strict-Transport-Security), when the app is served "
        "behind TLS. Includes subdomains and allows preloading.",
    ),
    EnvSetting(
        "RELIEF_CSRF_TRUSTED_ORIGINS",
        "",
        "Comma-separated extra origins allowed to send forms (for example `https://journal.example.org`) "
        "when a proxy changes the host name.",
    ),
    EnvSetting(
        "RELIEF_WEATHER_ENABLED",
        "false",
        "Fetch daily weather for the person's city from the Open-Meteo archive (besides push reminders to the "
        "push service of a browser that subscribed, the only outgoing request the app can make).",
    ),
    EnvSetting(
        "RELIEF_PUSH_ENABLED",
        "true",
        "Web Push reminders (outcome at 2 h, check-in, open attack, due plan steps, safety notes) through "
        "the browser vendor's push service, for people who allow them. Set to false to turn push off "
        "entirely: no subscriptions are offered or kept in use, and in-page reminders still work.",
    ),
    EnvSetting(
        "RELIEF_PUSH_CONTACT",
        "mailto:relief@localhost",
        "Contact the push services may use about this server (the VAPID `sub` claim): a `mailto:` or "
        "`https:` address. The VAPID key pair itself is generated on first use in the data directory.",
    ),
    EnvSetting(
        "RELIEF_LOG_LEVEL",
        "INFO",
        "Log level for the app's own messages. Logs never contain health data.",
    ),
)

BY_NAME = {s.name: s for s in REGISTRY}


def env(name: str) -> str:
    """Read a registered environment setting (a KeyError for unregistered names)."""
    return BY_NAME[name].get()


def env_bool(name: str) -> bool:
    return env(name).strip().lower() in {"1", "true", "yes", "on"}


def data_dir() -> Path:
    configured = env("RELIEF_DATA_DIR")
    return Path(configured).expanduser() if configured else default_data_dir()


SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_BITS = 192
GENERATE_SECRET_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"


def secret_key_bits(key: str) -> float:
    """A conservative estimate of a key's entropy in bits.

    The smallest of three views of the same text: its length times the Shannon entropy of its
    characters (a key of few distinct characters is weak however long), the size zlib compresses
    it to (a repeated block such as ``password`` seven times compresses well), and its length
    times the entropy of the steps between neighbouring characters (``abcdef…`` and ``012345…``
    look varied but step by one every time).
    """
    if not key:
        return 0.0

    def shannon(items: list[object]) -> float:
        counts = Counter(items)
        total = len(items)
        return -sum(n / total * math.log2(n / total) for n in counts.values())

    by_characters = len(key) * shannon(list(key))
    compressed = 8 * max(0, len(zlib.compress(key.encode(), 9)) - 8)  # less zlib's own overhead
    steps = [ord(b) - ord(a) for a, b in itertools.pairwise(key)]
    by_steps = len(key) * shannon(list(steps)) if steps else 0.0
    return min(by_characters, float(compressed), by_steps)


def secret_key_problem(key: str) -> str:
    """Why ``key`` is too weak for a server other people reach, or "" when it is fine."""
    how = f"Generate one with: {GENERATE_SECRET_KEY}"
    if not key:
        return f"RELIEF_SECRET_KEY is not set; hosted mode needs it. {how}"
    if key.startswith("django-insecure-"):
        return (
            f"RELIEF_SECRET_KEY starts with 'django-insecure-', Django's marker of a development key. {how}"
        )
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return (
            f"RELIEF_SECRET_KEY is too weak for hosted mode: it has {len(key)} characters, at least "
            f"{SECRET_KEY_MIN_LENGTH} random ones are needed. {how}"
        )
    bits = secret_key_bits(key)
    if bits < SECRET_KEY_MIN_BITS:
        return (
            f"RELIEF_SECRET_KEY is too weak for hosted mode: too predictable (about {bits:.0f} bits of "
            f"entropy, at least {SECRET_KEY_MIN_BITS} needed; it repeats or counts up). {how}"
        )
    return ""


PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_data_dir() -> Path:
    """The data directory, created (or tightened) so that only its owner can enter it."""
    path = data_dir()
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if path.stat().st_mode & 0o077:
        with contextlib.suppress(PermissionError):  # not ours: relief doctor says so
            path.chmod(PRIVATE_DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` (empty) readable and writable by its owner only, unless it exists already.

    SQLite and the task queue then open the file as it is, so a database holding health data is
    never world-readable, not even for the moment between its creation and a chmod.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    return path


def wide_permissions(root: Path | None = None) -> list[str]:
    """Lines naming the data directory and the files in it that others than the owner may read."""
    root = root or data_dir()
    found: list[str] = []
    if not root.exists():
        return found
    if root.stat().st_mode & 0o077:
        found.append(f"{root} is mode {root.stat().st_mode & 0o777:o}; run: chmod 700 {root}")
    for path in sorted(root.rglob("*")):
        if path.is_relative_to(root / "static"):  # the app's public assets
            continue
        if path.is_file() and not path.is_symlink() and path.stat().st_mode & 0o077:
            found.append(f"{path} is mode {path.stat().st_mode & 0o777:o}; run: chmod 600 {path}")
    return found


def configuration_markdown() -> str:
    """Render docs/configuration.md from the registry."""
    lines = [
        "# Configuration",
        "",
        "Relief Journal reads its settings from environment variables only. This page is generated from",
        "`src/relief/conf.py` by `relief docs configuration > docs/configuration.md`; a test fails when it",
        "is out of date.",
        "",
        "| Variable | Default | What it does |",
        "|---|---|---|",
    ]
    for s in REGISTRY:
        default = f"`{s.default}`" if s.default else "(empty)"
        lines.append(f"| `{s.name}` | {default} | {s.help} |")
    return "\n".join(lines) + "\n"
