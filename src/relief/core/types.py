"""Types for views: a request whose user is known to be signed in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_htmx.middleware import HtmxDetails

    class AuthedRequest(HttpRequest):
        """What a view behind ``login_required`` receives (for type checkers only)."""

        user: User
        htmx: HtmxDetails

else:
    AuthedRequest = HttpRequest

__all__ = ["AuthedRequest"]
