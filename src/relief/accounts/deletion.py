"""Deleting an account with everything in it.

Doses and products point at substances with PROTECT (a catalogue entry must not
vanish under a dose), so a person's own substances can only go after the
entries that use them.  The person's entries are deleted first, then the user.

On SQLite the connection runs with ``secure_delete`` on (see relief.settings), so freed pages are
overwritten with zeros, and after the deletion commits the write-ahead log is checkpointed and
truncated: no copy of the person's entries stays in the database files.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connection, transaction
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


def forget_deleted_pages() -> None:
    """SQLite: overwrite freed pages and empty the write-ahead log (other databases: nothing to do)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@transaction.atomic
def delete_account(user: User) -> None:
    """Delete the person, everything they logged, and their sessions on every device."""
    transaction.on_commit(forget_deleted_pages)
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
