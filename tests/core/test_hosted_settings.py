"""Hosted mode refuses insecure configuration, and production settings pass Django's deploy check.

Settings are read once at import, so each case starts a fresh Python process
with its own environment.
"""

from __future__ import annotations

import os
import secrets
import stat
import subprocess
import sys

import pytest

from relief.conf import secret_key_problem

STRONG_KEY = "k7#Qx9!pL2@vN8$wR4%tY6^zB1&cM3*dF5(gH0)jS" + "a1b2c3d4e5"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def run_django(tmp_path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_python(tmp_path, env, "-m", "django", *args)


def settings_value(tmp_path, env: dict[str, str], expression: str) -> subprocess.CompletedProcess[str]:
    code = f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    return run_python(tmp_path, env, "-c", code)


def run_python(tmp_path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("RELIEF_", "DJANGO_"))}
    clean.update(
        {
            "DJANGO_SETTINGS_MODULE": "relief.settings",
            "RELIEF_DATA_DIR": str(tmp_path),
            "RELIEF_DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_hosted_mode_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_django(tmp_path, {"RELIEF_HOSTED": "true"}, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "RELIEF_SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "secret_key").exists(), "hosted mode must not generate a key file"


def test_hosted_mode_refuses_a_short_secret_key(tmp_path):
    result = run_django(tmp_path, {"RELIEF_HOSTED": "true", "RELIEF_SECRET_KEY": "changeme"}, "check")
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_a_self_hosted_install_generates_a_private_key_file_once(tmp_path):
    first = settings_value(tmp_path, {}, "s.SECRET_KEY")
    second = settings_value(tmp_path, {}, "s.SECRET_KEY")
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert first.stdout.strip() == second.stdout.strip() == key_file.read_text().strip()
    assert len(first.stdout.strip()) >= 50


def test_debug_is_off_unless_asked_for(tmp_path):
    result = settings_value(tmp_path, {}, "s.DEBUG")
    assert result.stdout.strip() == "False", result.stderr


def test_the_deploy_check_is_clean_in_hosted_mode(tmp_path):
    result = run_django(
        tmp_path,
        {
            "RELIEF_HOSTED": "true",
            "RELIEF_SECRET_KEY": STRONG_KEY,
            "RELIEF_EMAIL_BACKEND": SMTP,
            "RELIEF_ALLOWED_HOSTS": "journal.example.org",
            "RELIEF_PROXY_SSL_HEADER": "true",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_hosted_mode_turns_on_https_only_cookies_and_hsts(tmp_path):
    result = settings_value(
        tmp_path,
        {"RELIEF_HOSTED": "true", "RELIEF_SECRET_KEY": STRONG_KEY, "RELIEF_EMAIL_BACKEND": SMTP},
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS",
    )
    assert result.stdout.split() == ["True", "True", "True", "31536000"], result.stderr


WEAK_KEYS = {
    "password" * 7: "too predictable",
    "0123456789" * 5: "too predictable",
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ": "too predictable",
    "django-insecure-" + "q8#Lz!2rT$w9@xK4%vN7^bM1&cJ6*fH3(gD5)sP0": "django-insecure-",
}


@pytest.mark.parametrize(("key", "reason"), list(WEAK_KEYS.items()))
def test_hosted_mode_refuses_long_but_weak_secret_keys_and_says_how_to_make_one(tmp_path, key, reason):
    result = run_django(
        tmp_path, {"RELIEF_HOSTED": "true", "RELIEF_SECRET_KEY": key, "RELIEF_EMAIL_BACKEND": SMTP}, "check"
    )
    assert result.returncode != 0
    assert reason in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr


def test_keys_made_the_recommended_ways_are_strong_enough():
    from django.core.management.utils import get_random_secret_key

    for _ in range(200):
        assert secret_key_problem(secrets.token_urlsafe(50)) == ""
        assert secret_key_problem(secrets.token_hex(32)) == ""
        assert secret_key_problem(get_random_secret_key()) == ""
    assert secret_key_problem(STRONG_KEY) == ""


def test_hosted_mode_refuses_the_console_mail_backend_that_would_log_reset_links(tmp_path):
    result = run_django(tmp_path, {"RELIEF_HOSTED": "true", "RELIEF_SECRET_KEY": STRONG_KEY}, "check")
    assert result.returncode != 0
    assert "RELIEF_EMAIL_BACKEND is the console backend" in result.stderr


def test_the_data_directory_and_its_databases_are_private_from_the_start(tmp_path):
    data = tmp_path / "fresh" / "data"
    result = run_python(
        tmp_path,
        {"RELIEF_DATA_DIR": str(data), "RELIEF_DATABASE_URL": ""},
        "-c",
        "import django; django.setup(); from django.db import connection; connection.ensure_connection(); "
        "import relief.core.tasks",
    )
    assert result.returncode == 0, result.stderr

    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for name in ("relief.sqlite3", "tasks.sqlite3", "secret_key"):
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
