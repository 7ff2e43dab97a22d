"""Deleting an account with everything in it.

Doses and products point at substances with PROTECT (a catalogue entry must not
vanish under a dose), so a person's own substances can only go after the
entries that use them.  The person's entries are deleted first, then the user.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.deletion import ProtectedError

from relief.products.models import Product
from relief.treatments.models import Dose, StandingMedication


def _sessions_of(user: User) -> list[str]:
    """Keys of the sessions (on any device) signed in as ``user``."""
    wanted = str(user.pk)
    return [
        session.pk
        for session in Session.objects.iterator()
        if str(session.get_decoded().get("_auth_user_id", "")) == wanted
    ]


@transaction.atomic
def delete_account(user: User) -> None:
    """Delete the person, everything they logged, and their sessions on every device."""
    Session.objects.filter(pk__in=_sessions_of(user)).delete()
    for model in (Dose, StandingMedication, Product):
        model.objects.filter(user=user).delete()
    for _ in range(5):
        try:
            user.delete()
            return
        except ProtectedError as exc:
            blocking = list(exc.protected_objects)
            if any(getattr(obj, "user_id", None) != user.pk for obj in blocking):
                raise
            for obj in blocking:
                obj.delete()
    user.delete()
