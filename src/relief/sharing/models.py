"""Read-only shares with clinicians, their access log, and API tokens.

Secrets (share links and API tokens) are never stored: only their SHA-256 hash
is kept, so a copy of the database does not let anyone in.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from relief.core.models import OwnedModel, UUIDModel


class ApiToken(OwnedModel):
    """A token a script sends as ``Authorization: Bearer <token>`` to use the JSON API as its owner."""

    name = models.CharField(max_length=80, help_text="What uses it, for example 'phone shortcut'")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        max_length=12, editable=False, help_text="First characters, to tell tokens apart"
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"API token {self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def clean(self) -> None:
        self.name = " ".join(self.name.split())
        if not self.name:
            raise ValidationError({"name": "name the token after what uses it, for example 'phone shortcut'"})


class Share(OwnedModel):
    """Read-only access to one person's journal: a secret link with an expiry, or an invited account."""

    class Kind(models.TextChoices):
        LINK = "link", "Link"
        ACCOUNT = "account", "Invited account"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    label = models.CharField(max_length=100, help_text="Who it is for, for example 'Dr Weber, neurology'")
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shares_received",
        help_text="The invited account (for account shares)",
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Links always expire; accounts may")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # An invitation names a username or e-mail address as the owner typed it.  It is recorded the
    # same way whether or not an account answers to it (``reader`` is then empty), so the owner
    # never learns who has an account; it shares nothing until the invited account accepts.
    invited_as = models.CharField(max_length=254, blank=True, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["token_hash"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="link", reader__isnull=True) & ~models.Q(token_hash=""))
                | models.Q(kind="account", token_hash=""),
                name="share_is_a_link_or_an_invitation",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(kind="account", reader__isnull=False),
                name="only_an_invited_account_accepts",
            ),
        ]

    def __str__(self) -> str:
        return f"share '{self.label}' ({self.get_kind_display()})"

    def is_pending(self, now: datetime | None = None) -> bool:
        """An invitation not (yet) accepted, still open: it shares nothing."""
        now = now or timezone.now()
        return (
            self.kind == self.Kind.ACCOUNT
            and self.accepted_at is None
            and self.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
        )

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.kind == self.Kind.ACCOUNT and self.accepted_at is None:
            return False
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        self.label = " ".join(self.label.split())
        if not self.label:
            errors.setdefault("label", []).append("say who the share is for, for example 'Dr Weber'")
        if self.kind == self.Kind.LINK and self.expires_at is None:
            errors.setdefault("expires_at", []).append("a link needs an expiry, for example in 14 days")
        if self.expires_at is not None and self._state.adding and self.expires_at <= timezone.now():
            errors.setdefault("expires_at", []).append("is in the past; choose a later expiry")
        if self.reader_id is not None and self.reader_id == self.user_id:
            errors.setdefault("reader", []).append("is you; share with someone else")
        if errors:
            raise ValidationError(errors)


class ShareAccess(UUIDModel):
    """One visit through a share, shown to the person in the access log."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="accesses")
    at = models.DateTimeField(default=timezone.now)
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "id"]
        verbose_name_plural = "share accesses"

    def __str__(self) -> str:
        return f"{self.method} {self.path} at {self.at:%Y-%m-%d %H:%M}"
