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


class DiarySummary(models.Model):
    """A running summary of one person's recent diary, kept by the write path (relief.safety.summary).

    It holds what the safety rules, the today page and the calendar read on every request: the
    doses since ``horizon`` (and the latest few hundred, for the usual doses) with their substance
    and product, the attacks still open or ended since ``horizon``, the days with a record, and
    how many standing medications, side effects and alcohol days there are at all (so that empty
    tables are not asked).  ``diary_version`` is the person's diary version it reflects: a write
    that did not update the summary (an import, the admin, a bulk change) leaves it behind, and the
    next reader rebuilds it from the rows.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    diary_version = models.PositiveBigIntegerField(default=0)
    horizon = models.DateTimeField()
    data = models.JSONField(default=dict)
    built_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"diary summary at version {self.diary_version}"
