"""Shared model bases: UUID public ids and ownership by one person."""

from __future__ import annotations

import math
import uuid
from collections.abc import Collection
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from relief.core.security import number_problem, text_problem


class UUIDModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # A plain default (not auto_now_add) so that an import can keep the original value.
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The id this process drew for a new entry (None when it was given or loaded): uuid4 does not
        # repeat, so checking that such an id is unused would be a query for nothing.
        self._drawn_id = self.id if not args and "id" not in kwargs and "pk" not in kwargs else None

    def save(self, *args, **kwargs) -> None:
        # Times are stored in UTC. Normalising here also keeps odd but valid offsets
        # (such as -21:45) away from PostgreSQL, which refuses them.
        for field in self._meta.concrete_fields:
            if isinstance(field, models.DateTimeField):
                value = getattr(self, field.attname)
                if isinstance(value, datetime) and value.tzinfo is not None:
                    setattr(self, field.attname, value.astimezone(UTC))
        super().save(*args, **kwargs)

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """Django's checks, then what no database can store, named by field (every import, form,
        API call and command goes through here): text with a NUL character or a lone surrogate,
        numbers that are not finite."""
        errors: dict[str, list[str]] = {}
        try:
            super().clean_fields(exclude={*(exclude or ()), *self._loaded_references()})
        except ValidationError as exc:
            errors = exc.message_dict
        for field in self._meta.concrete_fields:
            if field.name in errors or (exclude and field.name in exclude):
                continue
            value = getattr(self, field.attname)
            problem = ""
            if isinstance(value, str):
                problem = text_problem(value)
            elif isinstance(value, float) and not math.isfinite(value):
                problem = number_problem(value)
            if problem:
                errors[field.name] = [problem]
        if errors:
            raise ValidationError(errors)

    def validate_unique(self, exclude: Collection[str] | None = None) -> None:
        if self._state.adding and self._drawn_id is not None and self.id == self._drawn_id:
            exclude = {*(exclude or ()), "id"}
        super().validate_unique(exclude=exclude)

    def _loaded_references(self) -> set[str]:
        """Foreign keys set to an object read from the database in this request: it exists, so
        Django's check that it does (a query each) is skipped. The database still enforces them."""
        names = set()
        for field in self._meta.concrete_fields:
            if not field.is_relation or field.remote_field is None or field.remote_field.limit_choices_to:
                continue
            related = field.get_cached_value(self, default=None)  # type: ignore[attr-defined]
            if (
                related is not None
                and not related._state.adding
                and related.pk is not None
                and related.pk == getattr(self, field.attname)
            ):
                names.add(field.name)
        return names


class OwnedModel(UUIDModel):
    """An entry that belongs to exactly one person."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True
