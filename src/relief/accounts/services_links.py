"""One-time sign-in links for a person alone on their own machine (printed by ``relief serve``)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from relief.accounts.models import LoginLink

LIFETIME = timedelta(minutes=15)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_login_link(user: User, lifetime: timedelta = LIFETIME) -> str:
    """Return the path of a link that signs ``user`` in once, within ``lifetime``."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    LoginLink.objects.create(user=user, token_hash=_hash(token), created_at=now, expires_at=now + lifetime)
    return reverse("accounts:login_link", args=[token])


@transaction.atomic
def consume_login_link(token: str) -> User | None:
    """The link's user if the link is valid, marking it used; None for unknown, used or expired links."""
    now = timezone.now()
    link = (
        LoginLink.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=_hash(token), used_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if link is None or not link.user.is_active:
        return None
    link.used_at = now
    link.save(update_fields=["used_at"])
    return link.user
