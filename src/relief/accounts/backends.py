"""Signing in: Django's model backend, loading the person's profile with the person.

Every journal page reads the profile (time zone, units); fetching it with the user in one query
saves a query on every request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


class AccountBackend(ModelBackend):
    """``ModelBackend`` whose ``get_user`` also loads the profile.

    A failed sign-in stops here (``PermissionDenied``), so the plain ``ModelBackend`` listed after
    it, which only keeps sessions made before this backend existed valid, never hashes a password
    a second time.
    """

    def authenticate(
        self, request: HttpRequest | None, username: Any = None, password: Any = None, **kwargs: Any
    ) -> Any:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            raise PermissionDenied
        return user

    def get_user(self, user_id: Any) -> Any:
        from django.contrib.auth import get_user_model

        try:
            user = get_user_model()._default_manager.select_related("profile").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
