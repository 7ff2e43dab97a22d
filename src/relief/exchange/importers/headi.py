"""Headi's CSV export: one row per attack (``_id,pain,start_date,end_date,duration,strength,...``).

Times are stored integers: epoch milliseconds (seconds are accepted too, and ISO
text).  ``strength`` has no stated scale: whole numbers 0-10 become the 0-10 pain
and the raw value stays in the notes.  An attack list: no day records are made.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from relief.exchange.importers.base import ImportReport, Planned, Problem, csv_rows, require_columns
from relief.exchange.importers.common import AttackSpec, dose_from_text, save_attack, split_medications

COLUMNS = [
    "_id",
    "pain",
    "start_date",
    "end_date",
    "duration",
    "strength",
    "medication",
    "medication_amount",
    "description",
]


def parse_instant(text: str, what: str) -> datetime | None:
    value = text.strip()
    if not value or value in {"0", "-1", "null"}:
        return None
    if re.fullmatch(r"\d{9,13}", value):
        number = int(value)
        seconds = number / 1000 if number > 10**11 else number
        return datetime.fromtimestamp(seconds, tz=UTC)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"cannot read {what} {text!r}; Headi stores epoch milliseconds") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{what} {text!r} has no time zone; expected epoch milliseconds")
    return parsed.astimezone(UTC)


def _attack(row: dict[str, str], source: str, line: int) -> AttackSpec:
    start = parse_instant(row["start_date"], "start_date")
    if start is None:
        raise ValueError("start_date is empty")
    end = parse_instant(row["end_date"], "end_date")
    notes = [f"Imported from {source}, line {line} (Headi id {row['_id']})."]
    if end is None and row["duration"].strip().isdigit() and int(row["duration"]) > 0:
        end = start + timedelta(milliseconds=int(row["duration"]))
    if end is None:
        notes.append("No end was recorded.")
        end = start
    if end < start:
        raise ValueError(f"end_date {row['end_date']} is before start_date {row['start_date']}")
    nrs = None
    strength = row["strength"].strip()
    if strength:
        notes.append(f"Headi strength: {strength} (scale not stated).")
        if re.fullmatch(r"\d+", strength) and int(strength) <= 10:
            nrs = int(strength)
        else:
            raise ValueError(f"strength {strength!r} is not a whole number from 0 to 10")
    if row["pain"].strip():
        notes.append(f"Headi pain: {row['pain'].strip()}.")
    if row["description"].strip():
        notes.append(row["description"].strip())
    names = split_medications(row["medication"])
    doses = [dose_from_text(n, row["medication_amount"] if len(names) == 1 else "") for n in names]
    return AttackSpec(start, end, " ".join(notes), nrs, None, None, doses)


def plan(text: str, report: ImportReport, *, tz: str, source: str, mapping: Any = None) -> None:
    header, rows = csv_rows(text)
    require_columns(header, [*COLUMNS[:4], "strength", "medication"], "Headi")
    for line, row, raw in rows:
        report.rows += 1
        if "__error__" in row:
            report.problems.append(Problem(line, row["__error__"], raw))
            continue
        row = {c: row.get(c, "") for c in COLUMNS}
        try:
            spec = _attack(row, source, line)
        except ValueError as exc:
            report.problems.append(Problem(line, str(exc), raw))
            continue
        meds = ", ".join(d.name for d in spec.doses) or "no medication"
        summary = f"attack at {spec.started_at:%Y-%m-%d %H:%M} UTC, {meds}"
        report.planned.append(Planned([line], summary, partial(save_attack, spec=spec)))
