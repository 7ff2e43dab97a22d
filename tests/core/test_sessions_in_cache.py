"""With Redis configured, sessions are read from the cache and kept in the database too."""

import os
import subprocess
import sys


def settings_with(env: dict[str, str]) -> str:
    script = "from django.conf import settings; print(settings.SESSION_ENGINE, settings.CACHES['default']['BACKEND'])"
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "relief.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_sessions_live_in_the_database_without_redis_and_in_the_cache_with_it():
    assert settings_with({"RELIEF_REDIS_URL": ""}) == (
        "django.contrib.sessions.backends.db django.core.cache.backends.locmem.LocMemCache"
    )
    assert settings_with({"RELIEF_REDIS_URL": "redis://127.0.0.1:6379/2"}) == (
        "django.contrib.sessions.backends.cached_db django.core.cache.backends.redis.RedisCache"
    )
