"""Which writes from a phone's offline queue the server has already applied.

Every write the phone makes carries a UUID it made itself. Sending the queue again (a lost answer,
a retry after an error, Background Sync and the page both trying) must not log the entry twice,
so the first time a write is applied its id is kept here, and a write with a known id is answered
as a success without doing anything.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class SyncedWrite(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client_id = models.UUIDField()
    kind = models.CharField(max_length=32)
    entry_id = models.CharField(max_length=64, blank=True)
    next_url = models.CharField(max_length=300, blank=True)
    applied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "client_id"], name="synced_write_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.client_id}"


KEEP_APPLIED = timedelta(days=365)
"""How long the id of an applied write is kept. A phone resends a write only when it never got the
answer, at its next connection; a year covers a phone left unused for months in between."""


def forget_old_writes(now: datetime | None = None) -> int:
    """Forget the ids of writes applied more than :data:`KEEP_APPLIED` ago; returns how many."""
    cutoff = (now or timezone.now()) - KEEP_APPLIED
    deleted, _ = SyncedWrite.objects.filter(applied_at__lt=cutoff).delete()
    return deleted
