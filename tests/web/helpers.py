"""Clients for page tests: a signed-in person, and one whose posts must carry a CSRF token."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.test import Client


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def strict(user: User | None = None) -> Client:
    """A client that enforces CSRF, as a browser would."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def post_form(client: Client, page: str, data: dict[str, Any], to: str | None = None) -> Any:
    """Open ``page`` (which sets the CSRF cookie), then post ``data`` with the token to ``to`` or the page."""
    client.get(page)
    token = client.cookies["csrftoken"].value
    return client.post(to or page, {**data, "csrfmiddlewaretoken": token})
