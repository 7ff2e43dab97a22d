"""Validation helpers shared by the models: clear messages that name what to fix."""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from relief.core.display import moment_text


def is_uuid(text: str) -> bool:
    """Whether ``text`` reads as an id (so looking it up cannot fail on its form)."""
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def in_range(low: float, high: float) -> list:
    """Validators for an inclusive numeric range, with one message that names both ends."""
    message = f"must be between {low:g} and {high:g}"
    return [MinValueValidator(low, message=message), MaxValueValidator(high, message=message)]


def positive(value: float) -> None:
    if value is not None and value <= 0:
        raise ValidationError(f"must be more than 0 (got {value:g}); leave it empty if you do not know")


def not_negative(value: float) -> None:
    if value is not None and value < 0:
        raise ValidationError(f"cannot be negative (got {value:g})")


EARLIEST_YEAR = 1900


def future_tolerance() -> timedelta:
    return timedelta(minutes=settings.RELIEF_FUTURE_TOLERANCE_MINUTES)


def check_not_future(errors: dict[str, list[str]], field: str, moment: datetime | None) -> None:
    """Refuse times more than a few minutes ahead of the server clock."""
    if moment is None:
        return
    if moment.year < EARLIEST_YEAR:
        errors.setdefault(field, []).append(
            f"is in the year {moment.year}; check the year (entries start in {EARLIEST_YEAR})"
        )
        return
    now = timezone.now()
    if moment > now + future_tolerance():
        zone = timezone.get_current_timezone()  # the person's own on pages; UTC, and said so, elsewhere
        errors.setdefault(field, []).append(
            f"is in the future ({moment_text(moment)}, while it is {moment_text(now)} now in {zone}); "
            "check the date and the time zone on your profile"
        )


def raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def finite(value: Any) -> Any:
    """``value`` (JSON-like) with every non-finite float replaced by None.

    NaN and Infinity are not JSON; no model stores them any more, and an export never writes
    them even for a row saved before that rule.
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value
