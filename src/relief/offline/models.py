"""Which writes from a phone's offline queue the server has already applied.

Every write the phone makes carries a UUID it made itself. Sending the queue again (a lost answer,
a retry after an error, Background Sync and the page both trying) must not log the entry twice,
so the first time a write is applied its id is kept here, and a write with a known id is answered
as a success without doing anything.
"""

from __future__ import annotations

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
