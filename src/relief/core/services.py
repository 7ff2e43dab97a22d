"""What every save goes through: validate everything, save all or nothing, then run the safety checks.

This module belongs to the entry-services layer (see CONTRIBUTING.md): it sits above the safety
engine and below plans, insights, exchange and the interfaces.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from relief.core.access import owner_path
from relief.diary.models import Attack, DayRecord, SideEffect
from relief.products.models import Batch, Product
from relief.safety import summary
from relief.safety.engine import check_entry
from relief.safety.kb import load_knowledge
from relief.treatments.models import Dose, DoseOutcome, StandingMedication, Substance

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


def assign(obj: models.Model, fields: Mapping[str, Any]) -> None:
    """Set the given fields on an entry; a name the entry does not have is an error naming it."""
    for name, value in fields.items():
        if not hasattr(obj, name) and not hasattr(type(obj), name):
            raise ValidationError({name: f"is not a field of {type(obj).__name__.lower()}"})
        setattr(obj, name, value)


def owner_of(entry: models.Model) -> Any:
    """The person an entry belongs to, following the same path the access helpers use."""
    obj: Any = entry
    for step in owner_path(type(entry)).split("__"):
        obj = getattr(obj, step)
    return obj


def check_owner(user: Any, entry: models.Model, field: str = "__all__") -> None:
    """Refuse to change someone else's entry (callers fetch through the access helpers already)."""
    owner = owner_of(entry)
    if owner is None or owner.pk != user.pk:
        raise ValidationError({field: f"this {type(entry).__name__.lower()} belongs to another person"})


def save_all(objects: list[models.Model]) -> None:
    """Validate every object first, then save them all in one transaction."""
    with transaction.atomic():
        for obj in objects:
            obj.full_clean()
            obj.save()


def safety_alerts(entry: Any, *, known: Any = None) -> list[Any]:
    """Run the safety engine on a freshly saved entry; an engine failure never loses the entry.

    ``known`` is the running summary the write has just stored (saves reading it again).
    """
    try:
        return list(check_entry(entry, known=known))
    except Exception:  # the entry is saved already; a broken rule must not hide that
        log.exception("safety check failed for a %s", type(entry).__name__)
        return []


# What the running summary (relief.safety.summary) holds: changing or deleting one of these rebuilds it.
SUMMARISED = (Dose, DoseOutcome, Attack, DayRecord, SideEffect, StandingMedication, Substance, Product, Batch)


P = ParamSpec("P")
R = TypeVar("R")


def write_service(func: Callable[P, R]) -> Callable[P, R]:
    """A write: all or nothing in one transaction, with the safety knowledge read before it opens.

    The first read of the knowledge base in a process takes about a second (YAML, validated). On
    SQLite a write transaction holds the database's only write lock from its first statement, so a
    second process writing at the same time would wait all that while, and under load past its
    busy timeout ("database is locked").  Once read, the knowledge base is kept for the process.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        load_knowledge()
        with transaction.atomic():
            return func(*args, **kwargs)

    return wrapper


def begin_write(user: Any) -> summary.Pending:
    """Before the first save of a write (inside its transaction): hold the person's running summary."""
    return summary.begin(user)


def finish_write(pending: summary.Pending, **changes: Any) -> summary.DiarySummary:
    """After the last save of a write: bring the running summary up to date (see summary.finish)."""
    return summary.finish(pending, **changes)


@write_service
def update_entry(
    user: Any, entry: models.Model, fields: Mapping[str, Any], *, also_check: Iterable[models.Model] = ()
) -> Saved:
    """Change an entry all or nothing (with anything whose validity depends on it), then check it.

    The kind-specific ``update_*`` services call this; they add what belongs to their kind.
    """
    check_owner(user, entry)
    pending = begin_write(user)
    assign(entry, fields)
    save_all([entry, *also_check])
    known = finish_write(pending, changed_past=isinstance(entry, SUMMARISED))
    return Saved(entry, safety_alerts(entry, known=known), created=False)


@write_service
def delete_entry(user: Any, entry: models.Model) -> None:
    """Delete an entry and what belongs only to it (an attack's pain samples, a dose's outcome)."""
    check_owner(user, entry)
    pending = begin_write(user)
    entry.delete()
    finish_write(pending, changed_past=isinstance(entry, SUMMARISED))
