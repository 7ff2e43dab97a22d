"""Sign-in rate limits kept in the database: a few failures per account and per address per window.

The account is named by its username as Django compares it at sign-in (Unicode NFKC, so that
``ｂｏｂ`` is ``bob``) and case-folded, so no spelling of a name gets fresh tries.  A stranger who
spends an account's tries locks it only for browsers it has never signed in on: a browser where
the account signed in before carries a signed "known device" cookie and may still sign in (the
per-address limit still applies to it).
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from relief.accounts.models import LoginAttempt

WINDOW = timedelta(minutes=15)
PER_USERNAME = 5
PER_ADDRESS = 20


KNOWN_DEVICE_COOKIE = "relief_known_device"
KNOWN_DEVICE_SALT = "relief.accounts.known-device"
KNOWN_DEVICE_AGE = timedelta(days=365)


def normalized(value: str) -> str:
    """A username or address as the limits count it: NFKC (as Django signs in), case-folded."""
    return unicodedata.normalize("NFKC", value).casefold().strip()


def _key(scope: str, value: str) -> str:
    material = f"{settings.SECRET_KEY}:{scope}:{normalized(value)}"
    return hashlib.sha256(material.encode()).hexdigest()


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    return [(_key("user", username), PER_USERNAME), (_key("addr", address), PER_ADDRESS)]


def is_blocked(username: str, address: str, *, known_device: bool = False) -> bool:
    """True when the account or the address has failed too often within the window.

    On a ``known_device`` only the address counts: the account's tries spent by someone else
    do not lock its owner out of a browser they signed in on before.
    """
    since = timezone.now() - WINDOW
    keys = _keys(username, address)[1:] if known_device else _keys(username, address)
    return any(LoginAttempt.objects.filter(key=key, at__gte=since).count() >= limit for key, limit in keys)


def is_known_device(request: HttpRequest, username: str) -> bool:
    """Whether this browser carries the signed cookie of a past sign-in to ``username``'s account."""
    value = request.get_signed_cookie(
        KNOWN_DEVICE_COOKIE, default="", salt=KNOWN_DEVICE_SALT, max_age=KNOWN_DEVICE_AGE
    )
    return bool(value) and value == _key("device", username)


def remember_device(response: HttpResponse, username: str) -> None:
    """After a successful sign-in: this browser is known to the account (the cookie holds no name)."""
    response.set_signed_cookie(
        KNOWN_DEVICE_COOKIE,
        _key("device", username),
        salt=KNOWN_DEVICE_SALT,
        max_age=int(KNOWN_DEVICE_AGE.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
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
