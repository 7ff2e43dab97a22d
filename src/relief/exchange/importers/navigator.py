"""Migraine Navigator's CSV: one row per attack.

``Date,Time,Pain Level,Medication,Dosage,Sleep,Physical Activity,Triggers,Notes,Location,Latitude,Longitude,Timezone``

Rows with the same Date and Time are duplicates (as the app itself dedupes) and are
skipped with a note.  Latitude and longitude are never imported: this journal keeps
no GPS.  The row's Timezone, when it is a known zone, places the local time.
Sleep, activity, triggers and location go into the attack's notes: an attack list
says nothing about other days, so no day records are made.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from relief.core.timeutil import is_valid_zone
from relief.exchange.importers.base import (
    ImportReport,
    Planned,
    Problem,
    csv_rows,
    local_time,
    require_columns,
)
from relief.exchange.importers.common import (
    AttackSpec,
    dose_from_text,
    read_pain,
    save_attack,
    split_medications,
)
from relief.exchange.importers.generic import parse_clock, parse_date

COLUMNS = ["Date", "Time", "Pain Level", "Medication", "Dosage"]


def plan(text: str, report: ImportReport, *, tz: str, source: str, mapping: Any = None) -> None:
    header, rows = csv_rows(text)
    require_columns(header, COLUMNS, "Migraine Navigator")
    if {"Latitude", "Longitude"} & set(header):
        report.notices.append("Latitude and Longitude are not imported: the journal keeps no GPS positions.")
    seen: dict[tuple[str, str], int] = {}
    for line, row, raw in rows:
        report.rows += 1
        if "__error__" in row:
            report.problems.append(Problem(line, row["__error__"], raw))
            continue
        key = (row["Date"], row["Time"])
        if key in seen:
            report.skipped.append(Problem(line, f"same Date and Time as line {seen[key]}: a duplicate"))
            continue
        seen[key] = line
        try:
            spec = _attack(row, tz, source, line)
        except ValueError as exc:
            report.problems.append(Problem(line, str(exc), raw))
            continue
        meds = ", ".join(d.name for d in spec.doses) or "no medication"
        summary = f"attack at {row['Date']} {row['Time']}, pain {row['Pain Level'] or '?'}, {meds}"
        report.planned.append(Planned([line], summary, partial(save_attack, spec=spec)))


def _attack(row: dict[str, str], tz: str, source: str, line: int) -> AttackSpec:
    zone = row.get("Timezone", "").strip()
    zone = zone if zone and is_valid_zone(zone) else tz
    day = parse_date(row["Date"], "ymd" if row["Date"][:4].isdigit() else "mdy")
    start = local_time(day, parse_clock(row["Time"]), zone)
    nrs, four = read_pain(row["Pain Level"])
    notes = [f"Imported from {source}, line {line}; the duration was not recorded."]
    for column in ("Sleep", "Physical Activity", "Triggers", "Location"):
        if row.get(column, "").strip():
            notes.append(f"{column}: {row[column].strip()}.")
    if row.get("Notes", "").strip():
        notes.append(row["Notes"].strip())
    names = split_medications(row["Medication"])
    doses = [dose_from_text(n, row["Dosage"] if len(names) == 1 else "") for n in names]
    return AttackSpec(start, start, " ".join(notes), nrs, four, None, doses)
