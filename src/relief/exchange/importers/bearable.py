"""Bearable's CSV export: long, one row per reading, grouped here into one day record per date.

Bearable never states its scales, so every mapped value keeps its raw reading in the
day's notes.  Headache or migraine symptoms set the day's worst pain from the
severity word (None 0, Mild 2, Moderate 5, Severe 8, Extreme 10 on 0-10).  Mood
ratings up to 10 become mood; sleep ``H:MM`` becomes hours; factors become tags;
``Meds/Supplements`` become doses at their clock time (buckets: pre 06:00, am
09:00, mid 13:00, pm 19:00, all day noon).
"""

from __future__ import annotations

import re
from datetime import date, time
from functools import partial
from typing import Any

from relief.exchange.importers.base import (
    ImportReport,
    Planned,
    Problem,
    csv_rows,
    local_time,
    require_columns,
)
from relief.exchange.importers.checkins import HEADACHE_NAME, CheckinSpec, save_checkin, tag_name
from relief.exchange.importers.common import DoseSpec, parse_amount

SEVERITY = {"none": 0, "mild": 2, "moderate": 5, "severe": 8, "extreme": 10, "unbearable": 10}
BUCKETS = {"pre": time(6), "am": time(9), "mid": time(13), "pm": time(19), "all day": None, "": None}
MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def parse_bearable_date(text: str, formatted: str = "") -> date:
    if formatted:
        return date.fromisoformat(formatted.strip())
    match = re.match(r"^\s*(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3})[a-z]*\s+(\d{4})\s*$", text)
    if not match or match.group(2).lower() not in MONTHS:
        raise ValueError(f"cannot read the date {text!r}; Bearable writes dates like '22nd Sep 2020'")
    return date(int(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1)))


def _clock(text: str) -> time | None:
    value = text.strip().lower()
    if value in BUCKETS:
        return BUCKETS[value]
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
    if not match or int(match.group(1)) > 23:
        raise ValueError(f"cannot read the time of day {text!r}; expected pre, am, mid, pm, all day or H:MM")
    return time(int(match.group(1)), int(match.group(2)))


def _number(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{what}: {text!r} is not a number") from None


def _reading(spec: CheckinSpec, row: dict[str, str], tz: str) -> None:
    category = row["category"].strip()
    key = category.lower()
    detail, amount, note = row["detail"], row["rating/amount"], row.get("notes", "")
    if key == "symptom":
        match = re.match(r"^(.*?)\s*\(([^)]*)\)\s*$", detail)
        name, severity = (match.group(1), match.group(2)) if match else (detail, "")
        spec.notes.append(f"Bearable symptom: {detail} (rating {amount or 'none'}).")
        if HEADACHE_NAME.search(name):
            if severity.lower() not in SEVERITY:
                raise ValueError(f"unknown severity {severity!r} in {detail!r}")
            current = spec.fields.get("worst_pain")
            spec.fields["worst_pain"] = max(current or 0, SEVERITY[severity.lower()])
    elif key == "mood":
        value = _number(amount, "mood")
        spec.notes.append(
            f"Bearable mood {amount} (scale not stated)" + (f": {detail}" if detail else "") + "."
        )
        if 0 <= value <= 10:
            spec.fields["mood"] = round(value)
    elif key == "sleep":
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", amount.strip())
        if not match:
            raise ValueError(f"sleep {amount!r} is not a duration like 7:30")
        spec.fields["sleep_hours"] = round(int(match.group(1)) + int(match.group(2)) / 60, 2)
    elif key == "sleep quality":
        value = _number(amount, "sleep quality")
        spec.notes.append(f"Bearable sleep quality {amount} (scale not stated).")
        if 1 <= value <= 5 and value == int(value):
            spec.fields["sleep_quality"] = int(value)
    elif key in ("factors", "food diary factors"):
        prefix = "food: " if key.startswith("food") else ""
        for name in detail.split("|"):
            if name.strip():
                spec.factors[tag_name(prefix + name)] = None
    elif key == "meds/supplements":
        match = re.match(r"^(.*?)\s*\(([^)]*)\)\s*$", detail)
        name, unit = (match.group(1), match.group(2)) if match else (detail, "")
        parsed = parse_amount(f"{amount} {unit}") if amount else None
        clock = _clock(row["time of day"])
        dose = DoseSpec(
            name=name.strip(),
            amount=parsed[0] if parsed else None,
            unit=parsed[1] if parsed else "",
            raw_amount=f"{amount} {unit}".strip() if amount else "",
            taken_at=local_time(spec.day, clock, tz),
            reason="other",
            notes=f"time of day as recorded: {row['time of day'] or 'not given'}",
        )
        spec.doses.append(dose)
    else:
        text = " ".join(x for x in (detail, amount) if x)
        spec.notes.append(f"Bearable {category}: {text}." if text else f"Bearable {category}.")
    if note.strip():
        spec.notes.append(note.strip())


def plan(text: str, report: ImportReport, *, tz: str, source: str, mapping: Any = None) -> None:
    header, rows = csv_rows(text)
    require_columns(header, ["date", "time of day", "category", "rating/amount", "detail"], "Bearable")
    days: dict[date, CheckinSpec] = {}
    for line, row, raw in rows:
        report.rows += 1
        if "__error__" in row:
            report.problems.append(Problem(line, row["__error__"], raw))
            continue
        try:
            day = parse_bearable_date(row["date"], row.get("date formatted", ""))
            spec = days.setdefault(day, CheckinSpec(day=day))
            spec.lines.append(line)
            _reading(spec, row, tz)
        except ValueError as exc:
            report.problems.append(Problem(line, str(exc), raw))
            continue
    for day, spec in sorted(days.items()):
        noon = local_time(day, None, tz)
        report.planned.append(
            Planned(spec.lines, spec.summary(), partial(save_checkin, spec=spec, default_time=noon))
        )


__all__ = ["parse_bearable_date", "plan"]
