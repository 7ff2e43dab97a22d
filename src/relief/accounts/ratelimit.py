"""Sign-in rate limits kept in the database: a few failures per account and per address per window."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from relief.accounts.models import LoginAttempt

WINDOW = timedelta(minutes=15)
PER_USERNAME = 5
PER_ADDRESS = 20


def _key(scope: str, value: str) -> str:
    material = f"{settings.SECRET_KEY}:{scope}:{value.strip().lower()}"
    return hashlib.sha256(material.encode()).hexdigest()


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    return [(_key("user", username), PER_USERNAME), (_key("addr", address), PER_ADDRESS)]


def is_blocked(username: str, address: str) -> bool:
    """True when the account or the address has failed too often within the window."""
    since = timezone.now() - WINDOW
    return any(
        LoginAttempt.objects.filter(key=key, at__gte=since).count() >= limit
        for key, limit in _keys(username, address)
    )


def record_failure(username: str, address: str) -> None:
    now = timezone.now()
    LoginAttempt.objects.filter(at__lt=now - WINDOW).delete()
    LoginAttempt.objects.bulk_create(LoginAttempt(key=key, at=now) for key, _ in _keys(username, address))


def clear(username: str) -> None:
    """A successful sign-in forgets that account's failures (not the address's)."""
    LoginAttempt.objects.filter(key=_key("user", username)).delete()


def spend(scope: str, value: str, limit: int) -> bool:
    """Count one use of ``scope`` by ``value``; False when the window's allowance is used up."""
    key = _key(scope, value)
    now = timezone.now()
    if LoginAttempt.objects.filter(key=key, at__gte=now - WINDOW).count() >= limit:
        return False
    LoginAttempt.objects.create(key=key, at=now)
    return True
