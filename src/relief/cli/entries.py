"""`relief list | edit | delete`: read and change entries of any kind."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import Model, QuerySet

from relief.cli.common import current_user, echo_json, reports_errors


def kinds() -> dict[str, tuple[type[Model], str | None]]:
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.diary.models import (
        Attack,
        DayRecord,
        FactorTag,
        PainSample,
        QuestionnaireResponse,
        SideEffect,
    )
    from relief.products.models import Batch, LabReport, Product
    from relief.treatments.models import CustomUnit, Dose, DoseOutcome, StandingMedication, Substance

    # kind -> (model, time field used by --from/--to)
    return {
        "attacks": (Attack, "started_at"),
        "pain-samples": (PainSample, "at"),
        "days": (DayRecord, "date"),
        "doses": (Dose, "taken_at"),
        "outcomes": (DoseOutcome, "dose__taken_at"),
        "side-effects": (SideEffect, "occurred_at"),
        "medications": (StandingMedication, "started_on"),
        "questionnaires": (QuestionnaireResponse, "answered_at"),
        "products": (Product, None),
        "batches": (Batch, None),
        "lab-reports": (LabReport, None),
        "units": (CustomUnit, None),
        "tags": (FactorTag, None),
        "substances": (Substance, None),
    }


KIND_NAMES = [
    "attacks",
    "pain-samples",
    "days",
    "doses",
    "outcomes",
    "side-effects",
    "medications",
    "questionnaires",
    "products",
    "batches",
    "lab-reports",
    "units",
    "tags",
    "substances",
]


def _queryset(user: User, kind: str) -> QuerySet[Any]:
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.core.access import owned
    from relief.treatments.services import substances_for

    model, _ = kinds()[kind]
    if kind == "substances":
        return substances_for(user)
    return owned(model, user)


def _get(user: User, kind: str, entry_id: str) -> Any:
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.core.exceptions import ValidationError

    try:
        return _queryset(user, kind).get(pk=entry_id)
    except Exception as exc:  # DoesNotExist or a malformed id
        if isinstance(exc, ValidationError) or exc.__class__.__name__ in {"DoesNotExist", "ValueError"}:
            raise click.ClickException(f"no {kind[:-1]} with id {entry_id!r} in your journal") from None
        raise


@click.command("list")
@click.argument("kind", type=click.Choice(KIND_NAMES))
@click.option("--from", "start", default=None, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", default=None, help="Last day (YYYY-MM-DD).")
@click.option("--limit", type=int, default=None, help="At most this many, newest last.")
def list_entries(kind: str, start: str | None, end: str | None, limit: int | None) -> None:
    """List entries of one kind as JSON.

    \b
    Example:
      relief list doses --from 2026-11-01 --to 2026-11-20
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.accounts.services import time_zone_of
    from relief.core.timeutil import day_bounds, parse_day
    from relief.exchange.jsonformat import serialize

    user = current_user()
    tz = time_zone_of(user)
    _, time_field = kinds()[kind]
    qs = _queryset(user, kind)
    if time_field and (start or end):
        is_date = time_field in {"date", "started_on"}
        if start:
            first = parse_day(start, tz)
            qs = qs.filter(**{f"{time_field}__gte": first if is_date else day_bounds(first, tz)[0]})
        if end:
            last = parse_day(end, tz)
            qs = qs.filter(
                **{
                    f"{time_field}__lte" if is_date else f"{time_field}__lt": last
                    if is_date
                    else day_bounds(last, tz)[1]
                }
            )
    rows = list(qs)
    if limit:
        rows = rows[-limit:]
    echo_json([serialize(r) for r in rows])


@click.command("edit")
@click.argument("kind", type=click.Choice(KIND_NAMES))
@click.argument("entry_id")
@click.option(
    "--set", "changes", multiple=True, required=True, help="field=value (value in the JSON export's form)."
)
@reports_errors
def edit_entry(kind: str, entry_id: str, changes: tuple[str, ...]) -> None:
    """Change fields of an entry; everything is validated again and saved only if all is well.

    \b
    Example:
      relief edit doses 4f1c... --set amount=2.5 --set "notes=took with tea"
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.core.exceptions import FieldDoesNotExist, ValidationError

    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.core import entries
    from relief.exchange.jsonformat import SKIPPED_FIELDS, from_json_value, serialize

    user = current_user()
    obj = _get(user, kind, entry_id)
    if kind == "substances" and obj.user_id is None:
        raise click.ClickException(
            "built-in catalogue entries cannot be edited; add your own with relief substance add"
        )
    fields = {}
    for change in changes:
        name, sep, raw = change.partition("=")
        name = name.strip()
        if not sep:
            raise ValidationError({name: "write changes as field=value"})
        try:
            field = type(obj)._meta.get_field(name.removesuffix("_id"))
        except FieldDoesNotExist:
            raise ValidationError({name: f"is not a field of {kind}"}) from None
        if field.name in SKIPPED_FIELDS or field.primary_key or not field.editable:
            raise ValidationError({name: "cannot be changed"})
        value: Any = None if raw.strip().lower() in {"", "null", "none"} else raw
        if value is not None and field.get_internal_type() in {"BooleanField"}:
            value = raw.strip().lower() in {"true", "yes", "1"}
        if value is not None and field.get_internal_type() == "JSONField":
            try:
                value = json.loads(raw)
            except ValueError:
                raise ValidationError({name: f"write it as JSON, for example {name}=[1, 2, 3]"}) from None
        fields[field.attname] = from_json_value(field, value)
    saved = entries.update(user, obj, fields)
    echo_json({"entry": serialize(saved.entry), "alerts": [a.as_dict() for a in saved.alerts]})


@click.command("delete")
@click.argument("kind", type=click.Choice(KIND_NAMES))
@click.argument("entry_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete_entry(kind: str, entry_id: str, yes: bool) -> None:
    """Delete an entry (and what belongs only to it, like an attack's pain samples).

    \b
    Example:
      relief delete attacks 4f1c... --yes
    """
    user = current_user()
    obj = _get(user, kind, entry_id)
    if kind == "substances" and obj.user_id is None:
        raise click.ClickException("built-in catalogue entries cannot be deleted")
    if not yes:
        click.confirm(f"Delete {obj}?", abort=True)
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.core import entries

    entries.delete(user, obj)
    echo_json({"deleted": str(entry_id), "kind": kind})


COMMANDS = [list_entries, edit_entry, delete_entry]
