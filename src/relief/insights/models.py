"""Insights computed ahead of time, and the per-person diary version that says when they are due again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from relief.core.models import OwnedModel


class DiaryVersion(models.Model):
    """A counter per person, raised in the same transaction as every write to their diary.

    Stored insights remember the version they were computed from; comparing two numbers tells
    whether they are current, however long the diary is.  ``changed_at`` is when the last write
    happened: the background recompute waits for a quiet moment after it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"diary version {self.version}"


class StoredInsights(OwnedModel):
    """What the insights page needs for one person and period, computed from ``diary_version``.

    ``period`` is the period as asked for (``"2026-01-01..2026-06-30"``, or ``".."`` for the
    default six months up to today); ``start`` and ``end`` are the days it resolved to.  The
    result is current while the person's diary version is still ``diary_version`` and ``basis``
    (the analysis code version, and for an open-ended period the person's local today) still
    matches.  The document is kept as JSON text (not a JSON column) so that its key order, which
    the page shows, survives any database.
    """

    period = models.CharField(max_length=100, help_text="The period as asked for, 'start..end'")
    start = models.DateField()
    end = models.DateField()
    diary_version = models.PositiveBigIntegerField(
        default=0, help_text="The diary version it was computed from"
    )
    basis = models.CharField(
        max_length=100, default="", help_text="Analysis code version and, for an open period, the local day"
    )
    doc = models.TextField(help_text="The analysis document (relief.analysis.analyze) as JSON")
    charts = models.JSONField(default=dict, help_text="Chart name to the numbers the page draws")
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "stored insights"
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="one_stored_insights_per_period")
        ]

    def __str__(self) -> str:
        return f"insights {self.start}..{self.end}"
