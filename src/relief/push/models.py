"""Web Push: the browsers a person allowed to receive reminders, and what they want to receive.

A subscription is the address the browser vendor's push service gave that browser, with the keys
the payload is encrypted to: the push service carries the message but cannot read it.
"""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from relief.core.models import OwnedModel


class PushSubscription(OwnedModel):
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField("browser public key", max_length=200)
    auth = models.CharField("auth secret", max_length=100)
    device = models.CharField(max_length=120, blank=True, help_text="A label such as the browser's name")
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.device or "a browser"

    def info(self) -> dict[str, object]:
        """The shape pywebpush (and the Push API's ``toJSON()``) use."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class PushPreferences(models.Model):
    """Which reminders to push, when to stay quiet, and how much a lock screen may show."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    outcome = models.BooleanField("How it worked, two hours after an acute dose", default=True)
    checkin = models.BooleanField("The daily check-in at the time you chose", default=True)
    open_attack = models.BooleanField("An attack still open after some hours", default=True)
    open_attack_hours = models.PositiveSmallIntegerField(
        "Hours before asking whether an attack is over",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
    )
    plan_steps = models.BooleanField("A reassessment or trial step that is due", default=True)
    safety = models.BooleanField("An important safety note about an entry sent later", default=True)
    quiet_from = models.TimeField("Quiet from", null=True, blank=True)
    quiet_until = models.TimeField("Quiet until", null=True, blank=True)
    show_details = models.BooleanField(
        "Show details (substance, times) in the notification text",
        default=False,
        help_text="Off: the lock screen only says that something is waiting.",
    )

    KINDS = ("outcome", "checkin", "open_attack", "plan_steps", "safety")

    def __str__(self) -> str:
        return f"push preferences of {self.user_id}"

    def wants(self, kind: str) -> bool:
        return kind in self.KINDS and bool(getattr(self, kind))

    def is_quiet(self, local: datetime | time) -> bool:
        """Inside the quiet hours (which may run over midnight, such as 22:00 to 07:00)."""
        if self.quiet_from is None or self.quiet_until is None or self.quiet_from == self.quiet_until:
            return False
        now = local.time() if isinstance(local, datetime) else local
        if self.quiet_from < self.quiet_until:
            return self.quiet_from <= now < self.quiet_until
        return now >= self.quiet_from or now < self.quiet_until


class SentPush(models.Model):
    """One reminder that went out, so each is pushed once however often the worker looks."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="push_sent_once_per_key")]

    def __str__(self) -> str:
        return self.key
