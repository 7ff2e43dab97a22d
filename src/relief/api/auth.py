"""Two ways in: an API token for scripts, the login session (with CSRF) for the web app's own htmx calls."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from relief.sharing.services import user_for_api_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer rj_…``; a token acts as its owner and never as a share."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_api_token(token)
        if user is not None:
            request.user = user  # the access helpers read request.user, as in the pages
        return user


token_auth = TokenAuth()
session_auth = SessionAuth()  # checks the CSRF token on every write
