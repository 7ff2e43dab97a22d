"""Re-authentication before account-level changes ("sudo mode", as healthchecks does it).

A person counts as recently authenticated for ``WINDOW`` after any sign-in in
this browser session: a password, a one-time link, or signing up. Otherwise
they confirm again in the way their account allows: the password if it has
one, or a fresh one-time link (e-mailed when the account has an address, else
printed where the server runs, as ``relief serve`` prints its sign-in link).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.core.mail import send_mail
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from relief.accounts.services_links import create_login_link

WINDOW = timedelta(minutes=5)
LINK_LIFETIME = timedelta(minutes=15)
SESSION_KEY = "relief_authenticated_at"

log = logging.getLogger(__name__)


def mark_authenticated(request: HttpRequest) -> None:
    request.session[SESSION_KEY] = timezone.now().timestamp()


@receiver(user_logged_in)
def _remember_sign_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        mark_authenticated(request)


def is_recent(request: HttpRequest) -> bool:
    at = request.session.get(SESSION_KEY)
    if not isinstance(at, int | float):
        return False
    return timezone.now().timestamp() - at <= WINDOW.total_seconds()


def require_recent_authentication(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send the person to the confirmation page unless they signed in within ``WINDOW``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_recent(request):
            return view(request, *args, **kwargs)
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('accounts:confirm')}?{query}")

    return wrapper


def send_confirmation_link(request: HttpRequest, user: User, next_path: str) -> str:
    """Make a one-time link that signs in again and goes on to ``next_path``; say where it went.

    Returns "email" when it was mailed to the account's address, "printed" when
    it was written to the server's console (an account without an address).
    """
    path = create_login_link(user, lifetime=LINK_LIFETIME)
    url = request.build_absolute_uri(f"{path}?{urlencode({'next': next_path})}")
    if user.email:
        send_mail(
            "Confirm it is you: Relief Journal",
            f"Open this link within 15 minutes to confirm it is you ({user.get_username()}):\n\n{url}\n\n"
            "If you did not ask for it, ignore this message; nothing changes.",
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
        return "email"
    print(f"One-time confirmation link for {user.get_username()}: {url}", file=sys.stderr, flush=True)
    return "printed"
