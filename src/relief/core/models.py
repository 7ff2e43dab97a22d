"""Shared model bases: UUID public ids and ownership by one person."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class UUIDModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # A plain default (not auto_now_add) so that an import can keep the original value.
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        # Times are stored in UTC. Normalising here also keeps odd but valid offsets
        # (such as -21:45) away from PostgreSQL, which refuses them.
        for field in self._meta.concrete_fields:
            if isinstance(field, models.DateTimeField):
                value = getattr(self, field.attname)
                if isinstance(value, datetime) and value.tzinfo is not None:
                    setattr(self, field.attname, value.astimezone(UTC))
        super().save(*args, **kwargs)


class OwnedModel(UUIDModel):
    """An entry that belongs to exactly one person."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True
