"""Models of the exchange app: uploads waiting for confirmation, and cached weather."""

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

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.format} import of {self.filename or 'an upload'}"


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
