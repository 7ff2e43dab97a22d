"""Models of the exchange app: uploads waiting for confirmation, what was imported, and cached weather."""

from __future__ import annotations

from django.db import models

from relief.core.models import OwnedModel, UUIDModel
from relief.core.validation import in_range


class PendingImport(OwnedModel):
    """An uploaded file whose preview the person has seen but not yet confirmed."""

    format = models.CharField(max_length=30)
    filename = models.CharField(max_length=200, blank=True)
    content = models.TextField(help_text="The uploaded file as text (UTF-8)")
    mapping = models.JSONField(default=dict, blank=True)
    person = models.CharField(max_length=100, blank=True, help_text="Whose rows of a multi-person file")
    # A big file is saved by the background worker; the page polls these.
    status = models.CharField(
        max_length=10, default="waiting", help_text="waiting, queued, running, done, failed"
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True, help_text="The import report once finished")

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.format} import of {self.filename or 'an upload'}"


class ImportedEntry(OwnedModel):
    """One entry an import created, by a key that is stable across exports of the same source entry.

    Importing the same file again (or a later export that repeats older entries) skips entries
    whose key is here and whose object still exists; delete the entry and it can be imported again.
    """

    key = models.CharField(max_length=200, help_text="Format and the source's own identity of the entry")
    model = models.CharField(max_length=60, help_text="app_label.Model of what was created")
    object_id = models.UUIDField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="File name it came from")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_imported_entry_per_key")]

    def __str__(self) -> str:
        return f"imported {self.key}"


class WeatherDay(UUIDModel):
    """Daily weather of a coarse place (city and country, never GPS), as the weather service gave it.

    Shared between people in the same city: it holds no personal data.
    """

    place = models.CharField(max_length=120, help_text="'city, CC' as geocoded, lower case")
    latitude = models.FloatField(help_text="Of the city centre from the geocoder, not of the person")
    longitude = models.FloatField()
    date = models.DateField()
    pressure_hpa = models.FloatField(null=True, blank=True, validators=in_range(870, 1090))
    temperature_c = models.FloatField(null=True, blank=True, validators=in_range(-60, 60))
    humidity_pct = models.FloatField(null=True, blank=True, validators=in_range(0, 100))
    source = models.CharField(max_length=40, default="open-meteo")

    class Meta:
        ordering = ["place", "date"]
        constraints = [models.UniqueConstraint(fields=["place", "date"], name="one_weather_day_per_place")]

    def __str__(self) -> str:
        return f"weather of {self.place} on {self.date}"


class StoredReport(OwnedModel):
    """The clinician report's PDF for one person and period, built on the worker.

    Like the stored insights (relief.insights.models.StoredInsights) it remembers the diary version
    and the basis it was built from; the page offers it while both still match, and otherwise
    queues a new one and says it is being prepared.
    """

    period = models.CharField(max_length=100, help_text="The period as asked for, 'start..end'")
    start = models.DateField()
    end = models.DateField()
    diary_version = models.PositiveBigIntegerField(default=0, help_text="The diary version it was built from")
    basis = models.CharField(
        max_length=100, default="", help_text="Analysis code version and, for an open period, the local day"
    )
    pdf = models.BinaryField(help_text="The PDF file")
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="one_stored_report_per_period")
        ]

    def __str__(self) -> str:
        return f"report {self.start}..{self.end}"
