"""Insights computed ahead of time: the analysis document and charts of one person's period."""

from __future__ import annotations

from django.db import models

from relief.core.models import OwnedModel


class StoredInsights(OwnedModel):
    """What the insights page needs for one person and period, valid while ``fingerprint`` matches.

    ``period`` is the period as asked for (``"2026-01-01..2026-06-30"``, or ``".."`` for the
    default six months up to today); ``start`` and ``end`` are the days it resolved to.  The
    document is kept as JSON text (not a JSON column) so that its key order, which the page
    shows, survives any database.
    """

    period = models.CharField(max_length=32, help_text="The period as asked for, 'start..end'")
    start = models.DateField()
    end = models.DateField()
    fingerprint = models.CharField(max_length=64, help_text="Hash of everything the analysis read")
    doc = models.TextField(help_text="The analysis document (relief.analysis.analyze) as JSON")
    charts = models.JSONField(default=dict, help_text="Chart name to SVG text")
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "stored insights"
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="one_stored_insights_per_period")
        ]

    def __str__(self) -> str:
        return f"insights {self.start}..{self.end}"
