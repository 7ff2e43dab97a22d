"""CSV export: one file per table, with the header documented in ``docs/csv.md``.

Every column is a model field; a link to another row is written as ``<field>_id``
(the UUID of that row).  Times are UTC in ISO 8601 with a ``Z``; dates are
``YYYY-MM-DD``; yes/no fields are ``true``/``false`` and empty when unknown;
lists (aliases, questionnaire answers) are JSON.  The person's own account is
never written (every row is theirs).

Text that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) is written with a leading apostrophe, so opening the file never runs
anything typed into a note.  Numbers are never non-finite (the models refuse NaN and Infinity);
one that somehow is would be written empty, never as ``nan``.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q

from relief.core.access import owned
from relief.core.timeutil import to_utc_iso


@dataclass(frozen=True)
class Table:
    filename: str
    label: str
    describe: str

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)


TABLES: tuple[Table, ...] = (
    Table("profile.csv", "accounts.Profile", "The profile: time zone, country, city, units, health context."),
    Table(
        "substances.csv",
        "treatments.Substance",
        "Your own substances (the built-in catalogue is not written).",
    ),
    Table("custom_units.csv", "treatments.CustomUnit", "Your own units, e.g. 1 capsule = 0.5 g."),
    Table("attacks.csv", "diary.Attack", "One row per attack; booleans empty when unknown."),
    Table("pain_samples.csv", "diary.PainSample", "Pain at moments of an attack (0-10 and/or 4-point)."),
    Table("factor_tags.csv", "diary.FactorTag", "Free factors you watch."),
    Table("day_records.csv", "diary.DayRecord", "What each day was like, one row per day and period."),
    Table("day_factors.csv", "diary.DayFactor", "Factors present on a day, with an optional amount."),
    Table("doses.csv", "treatments.Dose", "One row per intake; amount_g is the amount in grams."),
    Table("dose_outcomes.csv", "treatments.DoseOutcome", "Pain at fixed times after an acute dose."),
    Table("standing_medications.csv", "treatments.StandingMedication", "Regular medications."),
    Table("side_effects.csv", "diary.SideEffect", "Side effects, linked to a dose when known."),
    Table("questionnaires.csv", "diary.QuestionnaireResponse", "MIDAS, HIT-6 and SOWS item answers."),
    Table("products.csv", "products.Product", "Products you use."),
    Table("batches.csv", "products.Batch", "Lots of a product as bought."),
    Table("lab_reports.csv", "products.LabReport", "Certificates of analysis of a batch."),
)


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name != "user"]


def header(table: Table) -> list[str]:
    return [f.attname for f in _fields(table.model)]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """Text a spreadsheet will show as text: a leading apostrophe before a formula's first character."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return to_utc_iso(value) or ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return neutralised(json.dumps(value, ensure_ascii=False))
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    if isinstance(value, int | Decimal):
        return str(value) if not isinstance(value, Decimal) or value.is_finite() else ""
    return neutralised(str(value))


def rows(table: Table, user: User) -> Iterable[list[str]]:
    model = table.model
    if table.label == "treatments.Substance":
        queryset = model._default_manager.filter(Q(user=user))
    elif table.label == "accounts.Profile":
        queryset = model._default_manager.filter(user=user)
    else:
        queryset = owned(model, user)
    fields = _fields(model)
    for obj in queryset.order_by(*model._meta.ordering or ["pk"]).iterator():
        yield [_cell(getattr(obj, f.attname)) for f in fields]


def export_csv(user: User, directory: str | Path) -> list[Path]:
    """Write one CSV file per table into ``directory`` (created if needed); returns the paths."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for table in TABLES:
        path = target / table.filename
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header(table))
            writer.writerows(rows(table, user))
        written.append(path)
    return written


def csv_docs() -> str:
    """The text of ``docs/csv.md``, generated from the tables (a test checks the file agrees)."""
    lines = [
        "# CSV export",
        "",
        "`relief export --format csv -o DIR` writes one CSV file per table into `DIR`.",
        "",
        "Conventions: UTF-8, comma-separated, a header row; times are UTC in ISO 8601 ending in `Z`",
        "(the profile's `time_zone` says which local day they belong to); dates are `YYYY-MM-DD`;",
        "yes/no columns are `true`/`false` and **empty when unknown** (unknown is never 'no');",
        "lists are JSON; `<name>_id` columns hold the UUID of the linked row (`substance_id` may point",
        "at a built-in catalogue entry, whose UUID is the same on every install).",
        "Text that a spreadsheet would take for a formula (a cell starting with `=`, `+`, `-`, `@`, a",
        "tab or a carriage return) is written with a leading `'`, so opening the file in a spreadsheet",
        "never runs anything typed into a note; remove that one character to get the text as typed.",
        "Numbers are always finite: there is never a `NaN` or `Infinity` in the files.",
        "This file is generated from `relief.exchange.csvexport.csv_docs()`.",
        "",
    ]
    for table in TABLES:
        lines += [f"## {table.filename}", "", table.describe, "", "```", ",".join(header(table)), "```", ""]
    return "\n".join(lines)
