"""Hosted mode refuses insecure configuration, and production settings pass Django's deploy check.

Settings are read once at import, so each case starts a fresh Python process
with its own environment.
"""

from __future__ import annotations

import os
import subprocess
import sys

STRONG_KEY = "k7#Qx9!pL2@vN8$wR4%tY6^zB1&cM3*dF5(gH0)jS" + "a1b2c3d4e5"


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
        {"RELIEF_HOSTED": "true", "RELIEF_SECRET_KEY": STRONG_KEY},
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS",
    )
    assert result.stdout.split() == ["True", "True", "True", "31536000"], result.stderr
