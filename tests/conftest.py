"""Test set-up shared by every test (the environment itself is set in tests/testenv.py)."""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.browser_session"]


@pytest.fixture(autouse=True)
def _no_outgoing_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _cheap_password_hashing(settings):
    # Production Argon2 uses 100 MB and several passes per hash, by design; tests create
    # hundreds of accounts, so they use the same algorithm at a tiny cost.
    settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]
