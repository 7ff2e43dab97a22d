"""The person's profile: time zone, place (for the legal lookup), units and optional health context."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from relief.core.models import UUIDModel
from relief.core.timeutil import is_valid_zone


def validate_time_zone(value: str) -> None:
    if not is_valid_zone(value):
        raise ValidationError(
            f"{value!r} is not a known time zone; use an IANA name such as Europe/Berlin or America/New_York"
        )


class Profile(UUIDModel):
    class Units(models.TextChoices):
        METRIC = "metric", "Metric (kg, °C, hPa, litres)"
        US = "us", "US customary (lb, °F, inHg, fl oz)"

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        INTERSEX = "intersex", "Intersex"
        OTHER = "other", "Other"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code, for example US, CA, GB, DE"
    )
    region = models.CharField(
        max_length=64,
        blank=True,
        help_text="State or province code (US-LA) and optionally city, for the legal lookup",
    )
    city = models.CharField(
        max_length=100, blank=True, help_text="City only, never an address; used for weather"
    )
    units = models.CharField(max_length=10, choices=Units.choices, default=Units.METRIC)
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    track_menstruation = models.BooleanField(default=False)
    birth_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    pregnant = models.BooleanField(null=True, blank=True)
    breastfeeding = models.BooleanField(null=True, blank=True)
    drives = models.BooleanField(
        null=True, blank=True, help_text="Drives a vehicle (for the driving-after-a-dose notice)"
    )
    checkin_reminder_time = models.TimeField(null=True, blank=True)
    day_ends_at = models.TimeField(
        default=time(4, 0),
        verbose_name="My day ends at",
        help_text="A check-in before this time counts for the day before, for a late evening. Midnight for none.",
    )

    def __str__(self) -> str:
        return f"profile of {self.user}"

    def clean(self) -> None:
        if self.country:
            self.country = self.country.upper()
            if len(self.country) != 2 or not self.country.isalpha():
                raise ValidationError({"country": "use the two-letter country code, for example US or DE"})


class LoginAttempt(models.Model):
    """A failed sign-in, kept in the database so that rate limits need no extra server.

    ``key`` is a hash of the username or of the client address, never the raw value.
    """

    key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]


class LoginLink(models.Model):
    """A one-time sign-in link for a person alone on their own machine (``relief serve``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
