"""A generic attack list: one row per attack, columns named by a mapping.

The mapping names the column for each role (``date`` is required)::

    date=Date,time=Time,type=Type,medication=Medication,amount=Dose,trigger=Trigger,pain=Pain,notes=Notes

Without a mapping, columns are found by their usual names (case-insensitive).
``date_order`` (``mdy``, ``dmy`` or ``ymd``) says how to read dates like 3-4-2020;
without it ISO dates are read as such and others as month-day-year unless a first
part above 12 shows day-month-year.  ``types`` maps type values to migraine or
headache (default ``0=migraine,1=headache``).

An attack list says nothing about the days between attacks, so no day records are
created: headache-free days are never invented.
"""

from __future__ import annotations

import re
from datetime import date, time
from functools import partial
from typing import Any

from relief.exchange.importers.base import (
    ImportFormatError,
    ImportReport,
    Planned,
    Problem,
    csv_rows,
    local_time,
)
from relief.exchange.importers.common import (
    AttackSpec,
    dose_from_text,
    read_pain,
    save_attack,
    split_medications,
)

ROLES = ("date", "time", "end", "type", "medication", "amount", "trigger", "pain", "notes")
GUESSES = {
    "date": ["date", "day", "start date", "start"],
    "time": ["time", "start time"],
    "end": ["end", "end time", "ended"],
    "type": ["type", "kind", "headache type"],
    "medication": ["medication", "medications", "medicine", "meds", "drug", "treatment"],
    "amount": ["dose", "dosage", "amount"],
    "trigger": ["trigger", "triggers", "cause"],
    "pain": ["pain", "pain level", "severity", "intensity"],
    "notes": ["notes", "note", "comment", "comments"],
}
DEFAULT_TYPES = {"0": "migraine", "1": "headache", "migraine": "migraine", "headache": "headache"}


def parse_mapping(text: str | dict[str, Any] | None) -> dict[str, Any]:
    """'date=Date,medication=Meds' -> dict; a dict passes through."""
    if text is None or isinstance(text, dict):
        return dict(text or {})
    mapping: dict[str, Any] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, _, value = part.partition("=")
        mapping[key.strip()] = value.strip()
    if "types" in mapping and isinstance(mapping["types"], str):
        mapping["types"] = dict(p.split(":", 1) for p in mapping["types"].split(";") if ":" in p)
    return mapping


def _columns(header: list[str], mapping: dict[str, Any]) -> dict[str, str]:
    lower = {h.lower(): h for h in header}
    columns: dict[str, str] = {}
    for role in ROLES:
        if role in mapping:
            if mapping[role] not in header:
                raise ImportFormatError(
                    f"the mapping names column {mapping[role]!r} for {role}, but the file has no such column"
                )
            columns[role] = mapping[role]
            continue
        for guess in GUESSES[role]:
            if guess in lower:
                columns[role] = lower[guess]
                break
    unknown = set(mapping) - set(ROLES) - {"date_order", "types"}
    if unknown:
        raise ImportFormatError(
            f"unknown mapping key(s) {', '.join(sorted(unknown))}; use {', '.join(ROLES)}, date_order, types"
        )
    if "date" not in columns:
        raise ImportFormatError(
            f"no date column: name it in the mapping, e.g. --mapping date=When (found: {', '.join(header)})"
        )
    return columns


_PARTS = re.compile(r"^\s*(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})\s*$")


def _date_order(values: list[str]) -> str:
    parts = [m.groups() for m in map(_PARTS.match, values) if m]
    if parts and all(len(p[0]) == 4 for p in parts):
        return "ymd"
    if any(int(p[0]) > 12 for p in parts if len(p[0]) <= 2):
        return "dmy"
    return "mdy"


def parse_date(text: str, order: str) -> date:
    match = _PARTS.match(text)
    if not match:
        raise ValueError(f"cannot read the date {text!r}; expected something like 11-17-2018 or 2018-11-17")
    a, b, c = (int(x) for x in match.groups())
    year, month, day = {"ymd": (a, b, c), "mdy": (c, a, b), "dmy": (c, b, a)}[order]
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date ({exc})") from None


def parse_clock(text: str) -> time | None:
    value = text.strip().lower()
    if not value:
        return None
    match = re.match(r"^(\d{1,2})(?::(\d{2}))?(?::\d{2})?\s*(am|pm)?$", value)
    if not match:
        raise ValueError(f"cannot read the time {text!r}; use HH:MM or 3:15 pm")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3) == "pm" and hour < 12:
        hour += 12
    if match.group(3) == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise ValueError(f"{text!r} is not a time of day")
    return time(hour, minute)


def plan(
    text: str, report: ImportReport, *, tz: str, source: str, mapping: dict[str, Any] | None = None
) -> None:
    mapping = parse_mapping(mapping)
    header, reader = csv_rows(text)
    columns = _columns(header, mapping)
    rows = list(reader)
    order = mapping.get("date_order") or _date_order([r.get(columns["date"], "") for _, r, _ in rows])
    types = {**DEFAULT_TYPES, **{str(k).lower(): v for k, v in (mapping.get("types") or {}).items()}}
    report.notices.append(
        f"dates read as {order}; columns: " + ", ".join(f"{k}={v}" for k, v in columns.items())
    )
    unused = [h for h in header if h not in columns.values()]
    if unused:
        report.notices.append(f"columns not imported: {', '.join(unused)}")
    for line, row, raw in rows:
        report.rows += 1
        if "__error__" in row:
            report.problems.append(Problem(line, row["__error__"], raw))
            continue
        try:
            spec = _attack(row, columns, order, types, tz, source, line)
        except ValueError as exc:
            report.problems.append(Problem(line, str(exc), raw))
            continue
        meds = ", ".join(d.name for d in spec.doses) or "no medication"
        summary = f"attack on {spec.started_at.date()} ({'migraine' if spec.believed_migraine else 'headache' if spec.believed_migraine is False else 'type not given'}), {meds}"
        report.planned.append(Planned([line], summary, partial(save_attack, spec=spec)))


def _attack(row, columns, order, types, tz, source, line) -> AttackSpec:
    def cell(role: str) -> str:
        return row.get(columns[role], "") if role in columns else ""

    day = parse_date(cell("date"), order)
    clock = parse_clock(cell("time"))
    start = local_time(day, clock, tz)
    end = start
    if cell("end"):
        end_clock = parse_clock(cell("end"))
        end = local_time(day, end_clock, tz)
        if end < start:
            end = local_time(date.fromordinal(day.toordinal() + 1), end_clock, tz)
    notes = [f"Imported from {source}, line {line}."]
    if clock is None and not cell("end"):
        notes.append("Only the date was recorded: the start time (noon) and the duration are unknown.")
    believed = None
    if cell("type"):
        kind = types.get(cell("type").lower())
        if kind is None:
            raise ValueError(
                f"unknown type {cell('type')!r}; say what it means with --mapping types='{cell('type')}:migraine'"
            )
        believed = kind == "migraine"
        notes.append(f"Type as recorded: {cell('type')} ({kind}).")
    if cell("trigger") and cell("trigger").lower() not in {"unknown", "none", ""}:
        notes.append(f"Suspected trigger: {cell('trigger')}.")
    nrs, four = read_pain(cell("pain"))
    if cell("pain"):
        notes.append(f"Pain as recorded: {cell('pain')}.")
    if cell("notes"):
        notes.append(cell("notes"))
    names = split_medications(cell("medication"))
    if cell("medication") and not names:
        notes.append(f"Medication: {cell('medication')} (nothing taken).")
    doses = [dose_from_text(name, cell("amount") if len(names) == 1 else "") for name in names]
    return AttackSpec(start, end, " ".join(notes), nrs, four, believed, doses)
