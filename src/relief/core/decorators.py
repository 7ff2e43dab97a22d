"""The decorator every journal page uses: signed in, and times in the person's own zone."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from relief.accounts.services import time_zone_of
from relief.core.timeutil import zone

View = Callable[..., HttpResponse]


class AuthedRequest(HttpRequest):
    """A request behind ``journal_view``: the user is signed in."""

    user: User


def journal_view(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with timezone.override(zone(time_zone_of(request.user))):  # type: ignore[arg-type]
            return view(request, *args, **kwargs)

    return wrapper
