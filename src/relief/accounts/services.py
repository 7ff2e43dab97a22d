"""Account services shared by the CLI, the web app and the API."""

from __future__ import annotations

import getpass
import os
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from relief.accounts.models import Profile
from relief.core.timeutil import is_valid_zone, local_day, zone


class AccountError(Exception):
    """An account could not be chosen or created; the message says what to do."""


def default_time_zone() -> str:
    for candidate in (settings.RELIEF_DEFAULT_TIME_ZONE, os.environ.get("TZ", "")):
        if candidate and is_valid_zone(candidate):
            return candidate
    return "UTC"


def get_profile(user: User) -> Profile:
    try:
        return user.profile
    except Profile.DoesNotExist:
        profile, _ = Profile.objects.get_or_create(user=user, defaults={"time_zone": default_time_zone()})
        return profile


def time_zone_of(user: User) -> str:
    return get_profile(user).time_zone


def today_for(user: User) -> date:
    return local_day(timezone.now(), time_zone_of(user))


def checkin_day_for(user: User, now: datetime | None = None) -> date:
    """The day a check-in made now belongs to: before the person's "my day ends at", still the day before."""
    profile = get_profile(user)
    local = (now or timezone.now()).astimezone(zone(profile.time_zone))
    ends = profile.day_ends_at
    return local.date() - timedelta(days=1) if ends is not None and local.time() < ends else local.date()


@transaction.atomic
def create_account(
    username: str, *, password: str | None = None, email: str = "", time_zone: str | None = None
) -> User:
    users = get_user_model()
    if users.objects.filter(username=username).exists():
        raise AccountError(f"an account named {username!r} exists already")
    user = users.objects.create_user(username=username, email=email, password=password)
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    profile = Profile(user=user, time_zone=time_zone or default_time_zone())
    profile.full_clean()
    profile.save()
    return user


def resolve_user(name: str | None) -> User:
    """Pick the account a CLI command works on.

    With ``--user NAME`` that account; with exactly one account, that one; with
    none, a local account named after the operating-system user is created.
    """
    users = get_user_model()
    if name:
        try:
            return users.objects.get(username=name)
        except users.DoesNotExist:
            raise AccountError(
                f"no account named {name!r}; create it with: relief user create {name}"
            ) from None
    accounts = list(users.objects.order_by("date_joined", "id")[:2])
    if len(accounts) == 1:
        return accounts[0]
    if not accounts:
        return create_account(_local_name())
    names = ", ".join(users.objects.order_by("username").values_list("username", flat=True)[:10])
    raise AccountError(f"there are several accounts ({names}); choose one with --user NAME")


def _local_name() -> str:
    try:
        return getpass.getuser() or "me"
    except (KeyError, OSError):
        return "me"
