"""Models of the safety app: the record that a person has seen a dangerous alert."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AlertAcknowledgement(models.Model):
    """A person confirmed that they read an alert about these entries. Alerts never block saving."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    alert_key = models.CharField(max_length=200)
    level = models.CharField(max_length=12)
    entry_ids = models.JSONField(default=list, help_text="Ids of the diary entries the alert was about")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at", "id"]
        indexes = [models.Index(fields=["user", "alert_key"])]

    def __str__(self) -> str:
        return f"{self.alert_key} acknowledged {self.acknowledged_at:%Y-%m-%d %H:%M}"

    def covers(self, entry_ids: list[str]) -> bool:
        return set(entry_ids) <= set(self.entry_ids)
