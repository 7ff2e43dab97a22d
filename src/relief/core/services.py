"""What every save goes through: validate everything, save all or nothing, then run the safety checks.

This module belongs to the entry-services layer (see CONTRIBUTING.md): it sits above the safety
engine and below plans, insights, exchange and the interfaces.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from relief.safety.engine import check_entry

log = logging.getLogger("relief.entries")


@dataclass
class Saved:
    """An entry that was saved, with the safety alerts it raised (alerts never block a save)."""

    entry: Any
    alerts: list[Any] = field(default_factory=list)
    created: bool = True


def validate(obj: models.Model, *, exclude: Iterable[str] = ()) -> None:
    obj.full_clean(exclude=list(exclude) or None)


def error_lines(exc: ValidationError, prefix: str = "") -> list[str]:
    """Turn a ValidationError into lines that name the field and say how to fix it."""
    if hasattr(exc, "error_dict"):
        lines: list[str] = []
        for name, errors in exc.message_dict.items():
            label = "" if name == "__all__" else f"{prefix}{name}: "
            lines.extend(f"{label}{message}" for message in errors)
        return lines
    return [f"{prefix.rstrip('.') + ': ' if prefix else ''}{m}" for m in exc.messages]


def save_all(objects: list[models.Model]) -> None:
    """Validate every object first, then save them all in one transaction."""
    with transaction.atomic():
        for obj in objects:
            obj.full_clean()
            obj.save()


def safety_alerts(entry: Any) -> list[Any]:
    """Run the safety engine on a freshly saved entry; an engine failure never loses the entry."""
    try:
        return list(check_entry(entry))
    except Exception:  # the entry is saved already; a broken rule must not hide that
        log.exception("safety check failed for a %s", type(entry).__name__)
        return []
