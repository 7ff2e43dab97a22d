"""Any CSV: an attack list (one row per attack) or a daily diary (one row per day).

The mapping names the column for each role; without it, columns are found by their usual
names (case-insensitive) *and* by what their values look like::

    date=Date,time=Time,type=Type,medication=Medication,amount=Dose,trigger=Trigger,pain=Pain,notes=Notes

**Attack list** (no ``headache`` column): one attack per row.  An attack list says nothing
about the days between attacks, so no day records are created: headache-free days are never
invented.

**Daily diary** (a ``headache`` column holding yes/no, 0/1, a 0-10 severity or
none/mild/moderate/severe): every row is a recorded day.  A "yes" day also gets an attack on
that date whose times are unknown (noon, no duration); a "no" day is a recorded
headache-free day; an empty cell leaves the day out (unknown is never "no").

Other keys: ``date_order`` (``mdy``, ``dmy`` or ``ymd``); ``types`` (``0:migraine;1:headache``);
``day`` (a column of day numbers) with ``day1`` (the date of day 1); ``person`` (the column of
person ids in a multi-person file; choose whose rows with ``--person ID``); ``factors``
(``medication;airq``: categorical columns recorded as factor tags ``column: value`` on each
day, never as doses); ``scale`` (``0-10`` or ``0-3`` for a numeric severity).

**Aura** (attack lists and the headache days of daily diaries): ``aura`` holds no/none (no aura:
every aura kind is recorded as absent), the kinds (``visual; sensory``: visual, sensory, speech,
motor, brainstem, retinal) or a bare yes (an aura of unknown kind: kept in the notes, the kinds
stay unknown); ``aura_minutes`` its duration; ``aura_spread``, ``aura_positive`` and
``aura_one_sided`` yes/no (spread gradually over 5 minutes or more, positive symptoms, on one
side).  An empty or "unknown" cell is unknown, never no.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import partial
from typing import Any

from django.utils import timezone

from relief.diary.services import Pain, log_attack, log_day
from relief.exchange.importers.base import (
    ImportContext,
    ImportFormatError,
    ImportReport,
    Planned,
    Problem,
    SubstanceMatcher,
    csv_rows,
    local_time,
)
from relief.exchange.importers.common import (
    AttackSpec,
    DoseSpec,
    dose_from_text,
    read_pain,
    save_attack,
    save_dose,
    split_medications,
)

ROLES = (
    "date",
    "time",
    "end",
    "type",
    "medication",
    "amount",
    "trigger",
    "pain",
    "notes",
    "headache",
    "day",
    "person",
    "aura",
    "aura_minutes",
    "aura_spread",
    "aura_positive",
    "aura_one_sided",
)
OPTIONS = ("date_order", "types", "day1", "factors", "scale")
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
    "headache": [
        "headache",
        "migraine",
        "headache today",
        "had headache",
        "headache day",
        "migraine day",
        "headache (yes/no)",
    ],
    "day": ["day number", "day_number", "study day", "study_day", "dos", "day of study", "day"],
    "person": [
        "person",
        "person id",
        "person_id",
        "participant",
        "participant id",
        "subject",
        "subject id",
        "patient",
        "patient id",
        "user_id",
        "user id",
        "id",
    ],
    "aura": ["aura", "aura type", "aura types", "aura kind", "aura symptoms", "with aura"],
    "aura_minutes": [
        "aura minutes",
        "aura_minutes",
        "aura duration",
        "aura duration (min)",
        "aura duration min",
        "aura_duration_min",
        "aura length",
    ],
    "aura_spread": [
        "aura spread",
        "aura_spread",
        "aura spread gradually",
        "aura spreads gradually",
        "aura_spreads_gradually",
        "gradual spread",
    ],
    "aura_positive": ["aura positive", "aura_positive", "positive aura", "aura positive symptoms"],
    "aura_one_sided": [
        "aura one-sided",
        "aura one sided",
        "aura_one_sided",
        "aura unilateral",
        "aura_unilateral",
        "one-sided aura",
    ],
}
AURA_KINDS = {
    "visual": "aura_visual",
    "sight": "aura_visual",
    "sensory": "aura_sensory",
    "tingling": "aura_sensory",
    "numbness": "aura_sensory",
    "speech": "aura_speech",
    "language": "aura_speech",
    "motor": "aura_motor",
    "weakness": "aura_motor",
    "brainstem": "aura_brainstem",
    "retinal": "aura_retinal",
}
AURA_FIELDS = ("aura_visual", "aura_sensory", "aura_speech", "aura_motor", "aura_brainstem", "aura_retinal")
AURA_FLAGS = {
    "aura_spread": "aura_spreads_gradually",
    "aura_positive": "aura_positive",
    "aura_one_sided": "aura_unilateral",
}
UNKNOWN = {"unknown", "?", "not sure", "don't know", "dont know", "n/a", "na"}
DEFAULT_TYPES = {"0": "migraine", "1": "headache", "migraine": "migraine", "headache": "headache"}
YES = {"yes", "y", "true", "t", "x", "1", "headache", "migraine", "ja", "oui", "sí", "si"}
NO = {"no", "n", "false", "f", "0", "none", "nein", "non", "no headache"}
FOUR_POINT = {"mild": 1, "moderate": 2, "severe": 3, "very severe": 3}
_INT = re.compile(r"^[+-]?\d+$")
_CLOCK = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?\s*(am|pm)?$|^\d{1,2}\s*(am|pm)$", re.IGNORECASE)


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
    if "factors" in mapping and isinstance(mapping["factors"], str):
        mapping["factors"] = [c.strip() for c in mapping["factors"].split(";") if c.strip()]
    return mapping


def _filled(rows: list[dict[str, str]], column: str) -> list[str]:
    return [r.get(column, "").strip() for r in rows if r.get(column, "").strip()]


def looks_like_day_numbers(values: list[str]) -> bool:
    return bool(values) and all(_INT.match(v) for v in values)


def looks_like_clock(values: list[str]) -> bool:
    return bool(values) and all(_CLOCK.match(v) for v in values)


def _columns(header: list[str], mapping: dict[str, Any], rows: list[dict[str, str]]) -> dict[str, str]:
    """Columns by role: the mapping first, then usual names whose values fit the role."""
    lower = {h.lower(): h for h in header}
    unknown = set(mapping) - set(ROLES) - set(OPTIONS)
    if unknown:
        raise ImportFormatError(
            f"unknown mapping key(s) {', '.join(sorted(unknown))}; "
            f"use {', '.join(ROLES)}, {', '.join(OPTIONS)}"
        )
    columns: dict[str, str] = {}
    for role in ROLES:
        if role in mapping:
            if mapping[role] not in header:
                raise ImportFormatError(
                    f"the mapping names column {mapping[role]!r} for {role}, but the file has no such column"
                )
            columns[role] = mapping[role]
    taken = set(columns.values()) | set(mapping.get("factors") or [])
    for role in ROLES:
        if role in columns:
            continue
        for guess in GUESSES[role]:
            column = lower.get(guess)
            if column is None or column in taken:
                continue
            values = _filled(rows, column)
            if role == "date" and looks_like_day_numbers(values):
                continue  # whole numbers count days; they are not dates
            if role == "day" and not looks_like_day_numbers(values):
                continue
            if role == "time" and not looks_like_clock(values):
                continue  # never a clock time without clock-like values
            if role == "person" and (len(set(values)) > len(values) / 2 or not values):
                continue  # a different value on (nearly) every row is a row number, not a person
            if role.startswith("aura") and not looks_like_aura(role, values):
                continue  # free text under an aura-like name is left alone (map it to have it read)
            columns[role] = column
            taken.add(column)
            break
    if "date" not in columns and "day" not in columns:
        numbers = [h for h in header if h not in taken and looks_like_day_numbers(_filled(rows, h))]
        hint = (
            f"; {', '.join(numbers)} hold(s) whole numbers: if one counts days, use e.g. "
            f"--mapping day={numbers[0]},day1=2024-01-01"
            if numbers
            else ""
        )
        raise ImportFormatError(
            f"no date column: name it in the mapping, e.g. --mapping date=When (found: {', '.join(header)}){hint}"
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


_AURA_YES = {"yes", "y", "true", "t", "x", "1", "with aura", "ja", "oui", "sí", "si"}
_AURA_NO = {"no", "n", "false", "f", "0", "none", "without aura", "no aura", "nein", "non"}
_MINUTES = re.compile(r"^(\d+)\s*(m|min|mins|minutes?)?$")


def _yes_no(text: str, what: str) -> bool | None:
    value = text.strip().lower()
    if not value or value in UNKNOWN:
        return None
    if value in _AURA_YES:
        return True
    if value in _AURA_NO:
        return False
    raise ValueError(f"cannot read {what} {text!r}; use yes, no or leave it empty (unknown)")


def _aura_kinds(text: str) -> dict[str, bool]:
    """'visual; sensory' -> those kinds true, the others left unknown; 'no' -> every kind false."""
    value = text.strip().lower()
    if not value or value in UNKNOWN or value in _AURA_YES:
        return {}
    if value in _AURA_NO:
        return dict.fromkeys(AURA_FIELDS, False)
    kinds: dict[str, bool] = {}
    for part in re.split(r"\s*(?:;|,|/|\+|&|\band\b)\s*", value):
        word = part.removesuffix(" aura").strip()
        if not word:
            continue
        if word not in AURA_KINDS:
            raise ValueError(
                f"unknown aura kind {part!r}; use no, yes or the kinds "
                "(visual, sensory, speech, motor, brainstem, retinal), e.g. 'visual; sensory'"
            )
        kinds[AURA_KINDS[word]] = True
    return kinds


def looks_like_aura(role: str, values: list[str]) -> bool:
    """Every value of a column found by its name reads as that aura role."""
    try:
        for value in values:
            read_aura(partial(_only, role, value))
    except ValueError:
        return False
    return True


def _only(role: str, value: str, asked: str) -> str:
    """A row holding ``value`` under ``role`` and nothing else."""
    return value if asked == role else ""


def read_aura(cell: Callable[[str], str]) -> tuple[dict[str, Any], list[str]]:
    """The aura fields one row states (empty or "unknown" cells stay unknown) and notes about them."""
    fields: dict[str, Any] = dict(_aura_kinds(cell("aura")))
    notes = []
    if cell("aura"):
        notes.append(f"Aura as recorded: {cell('aura')}.")
        if cell("aura").lower() in _AURA_YES:
            notes.append("The kind of aura was not recorded, so the aura kinds stay unknown.")
    if cell("aura_minutes"):
        match = _MINUTES.match(cell("aura_minutes").lower())
        if not match or not 1 <= int(match.group(1)) <= 10080:
            raise ValueError(
                f"aura duration {cell('aura_minutes')!r} is not a whole number of minutes from 1 to 10080"
            )
        fields["aura_duration_min"] = int(match.group(1))
    for role, name in AURA_FLAGS.items():
        value = _yes_no(cell(role), role.replace("_", " "))
        if value is not None:
            fields[name] = value
    described = [k for k in ("aura_duration_min", *AURA_FLAGS.values()) if fields.get(k)]
    if cell("aura").lower() in _AURA_NO and described:
        raise ValueError(
            f"aura is {cell('aura')!r} (no aura), but the row also describes one ({', '.join(described)}); "
            "correct one of the two"
        )
    return fields, notes


@dataclass
class Layout:
    """How this file is read: columns by role and the options that go with them."""

    columns: dict[str, str]
    order: str
    types: dict[str, str]
    day1: date | None
    factors: list[str]
    scale: str

    def cell(self, row: dict[str, str], role: str) -> str:
        return row.get(self.columns[role], "").strip() if role in self.columns else ""

    def day_of(self, row: dict[str, str]) -> date:
        if "date" in self.columns:
            return parse_date(self.cell(row, "date"), self.order)
        number = self.cell(row, "day")
        if not _INT.match(number):
            raise ValueError(f"{self.columns['day']} {number!r} is not a day number")
        assert self.day1 is not None
        return self.day1 + timedelta(days=int(number) - 1)


def _layout(header: list[str], mapping: dict[str, Any], rows: list[dict[str, str]]) -> Layout:
    columns = _columns(header, mapping, rows)
    order = mapping.get("date_order") or (
        _date_order([r.get(columns["date"], "") for r in rows]) if "date" in columns else "ymd"
    )
    if order not in ("mdy", "dmy", "ymd"):
        raise ImportFormatError(f"date_order {order!r}: use mdy, dmy or ymd")
    day1 = None
    if "date" not in columns:
        if not mapping.get("day1"):
            values = sorted(int(v) for v in _filled(rows, columns["day"]))
            raise ImportFormatError(
                f"column {columns['day']!r} holds day numbers ({values[0]} to {values[-1]}), not dates: "
                f"say which date day 1 is, e.g. --mapping day1=2024-01-01"
            )
        try:
            day1 = date.fromisoformat(str(mapping["day1"]))
        except ValueError:
            raise ImportFormatError(f"day1 {mapping['day1']!r} is not a date like 2024-01-01") from None
    factors = list(mapping.get("factors") or [])
    for column in factors:
        if column not in header:
            raise ImportFormatError(f"factors names column {column!r}, but the file has no such column")
        distinct = set(_filled(rows, column))
        if len(distinct) > 20:
            raise ImportFormatError(
                f"column {column!r} has {len(distinct)} different values: factor tags are for categories "
                "(a few values such as none/reduced/continuing or good/moderate/poor); group the values into bands first"
            )
    types = {**DEFAULT_TYPES, **{str(k).lower(): v for k, v in (mapping.get("types") or {}).items()}}
    scale = str(mapping.get("scale") or "0-10")
    if scale not in ("0-10", "0-3"):
        raise ImportFormatError(f"scale {scale!r}: use 0-10 or 0-3")
    return Layout(columns, order, types, day1, factors, scale)


def plan(
    text: str, report: ImportReport, *, tz: str, source: str, mapping: dict[str, Any] | str | None = None
) -> None:
    mapping = parse_mapping(mapping)
    header, reader = csv_rows(text)
    rows = list(reader)
    good = [r for _, r, _ in rows if "__error__" not in r]
    layout = _layout(header, mapping, good)
    rows = _one_person(rows, layout, report)
    daily = "headache" in layout.columns
    categorical = _medication_is_categorical(layout, rows)
    if categorical:
        report.unused.append((layout.columns.pop("medication"), categorical))
    how = f"dates read as {layout.order}" if "date" in layout.columns else f"day 1 is {layout.day1}"
    report.notices.append(
        f"{'daily diary (one row per day)' if daily else 'attack list (one row per attack)'}; {how}; columns: "
        + ", ".join(f"{k}={v}" for k, v in layout.columns.items())
        + (f"; factor tags from {', '.join(layout.factors)}" if layout.factors else "")
    )
    report.unused = _unused(header, layout, good, report.unused) + report.unused
    if report.unused:
        report.notices.append("columns not imported: " + ", ".join(c for c, _ in report.unused))
    if daily:
        _plan_days(rows, layout, report, tz, source)
    else:
        _plan_attacks(rows, layout, report, tz, source)


def _one_person(
    rows: list[tuple[int, dict[str, str], str]], layout: Layout, report: ImportReport
) -> list[tuple[int, dict[str, str], str]]:
    """A multi-person file: keep the chosen person's rows, skip the others with the reason."""
    if "person" not in layout.columns:
        if report.person:
            raise ImportFormatError("--person was given, but the file has no column of person ids")
        return rows
    column = layout.columns["person"]
    ids = list(dict.fromkeys(r[column].strip() for _, r, _ in rows if "__error__" not in r))
    report.people = ids
    if not report.person:
        if len(ids) == 1:
            report.person = ids[0]
        else:
            shown = ", ".join(ids[:30]) + (f" ... ({len(ids)} in all)" if len(ids) > 30 else "")
            raise ImportFormatError(
                f"the file holds rows of {len(ids)} people (column {column!r}: {shown}); "
                "import one person's rows with --person ID"
            )
    if report.person not in ids:
        raise ImportFormatError(
            f"no rows of person {report.person!r} in column {column!r}; the ids are {', '.join(ids[:30])}"
        )
    kept = []
    for line, row, raw in rows:
        if "__error__" not in row and row[column].strip() != report.person:
            report.rows += 1
            report.skipped.append(Problem(line, f"another person's row ({column} {row[column].strip()})"))
            continue
        kept.append((line, row, raw))
    return kept


def _unused(
    header: list[str], layout: Layout, rows: list[dict[str, str]], extra: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    used = set(layout.columns.values()) | set(layout.factors) | {c for c, _ in extra}
    person = layout.columns.get("person")
    out = []
    for column in header:
        if column in used:
            continue
        values = _filled(rows, column)
        distinct = sorted(set(values))
        if not values:
            why = "empty"
        elif column.lower() in GUESSES["time"] and not looks_like_clock(values):
            why = (
                f"named like a time but holds {_show(distinct)}, not clock times: not read as a time of day"
                + ("; if it counts days, map it with day=" + column if looks_like_day_numbers(values) else "")
            )
        elif person and _constant_per_person(rows, person, column):
            why = f"the same on every row of a person ({_show(distinct)}): a property of the person, not of a day"
        elif len(distinct) <= 12 and not looks_like_day_numbers(values):
            why = (
                f"categories ({_show(distinct)}): add factors={column} to record them as factor tags "
                f"'{column}: value' on each day"
            )
        elif looks_like_day_numbers(values) and "day" not in layout.columns:
            why = f"whole numbers ({_show(distinct)}): if they count days, map them with day={column},day1=YYYY-MM-DD"
        else:
            why = f"no role for it ({_show(distinct)}); name it in the mapping to use it"
        out.append((column, why))
    return out


def _show(values: list[str]) -> str:
    if len(values) > 6 and all(_INT.match(v) for v in values):
        numbers = sorted(int(v) for v in values)
        return f"{numbers[0]} to {numbers[-1]}"
    return ", ".join(values[:6]) + (f" ... {len(values)} values" if len(values) > 6 else "")


def _constant_per_person(rows: list[dict[str, str]], person: str, column: str) -> bool:
    seen: dict[str, str] = {}
    for row in rows:
        who, value = row.get(person, ""), row.get(column, "").strip()
        if seen.setdefault(who, value) != value:
            return False
    return len(seen) > 1


# ---------------------------------------------------------------- attack lists


def _plan_attacks(rows, layout: Layout, report: ImportReport, tz: str, source: str) -> None:
    seen: Counter[str] = Counter()
    for line, row, raw in rows:
        report.rows += 1
        if "__error__" in row:
            report.problems.append(Problem(line, row["__error__"], raw))
            continue
        try:
            spec = _attack(row, layout, tz, source, line)
        except ValueError as exc:
            report.problems.append(Problem(line, str(exc), raw))
            continue
        meds = ", ".join(d.name for d in spec.doses) or "no medication"
        kind = {True: "migraine", False: "headache", None: "type not given"}[spec.believed_migraine]
        summary = f"attack on {spec.started_at.date()} ({kind}), {meds}"
        # The same row twice in a file is two attacks; the key counts repeats so a second
        # import of the file skips both, and no more.
        content = "\x1f".join(row.get(h, "") for h in sorted(row))
        seen[content] += 1
        key = f"generic:{report.person}:{_digest(content)}:{seen[content]}"
        report.planned.append(Planned([line], summary, partial(save_attack, spec=spec), key=key))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _attack(row, layout: Layout, tz, source, line) -> AttackSpec:
    def cell(role: str) -> str:
        return layout.cell(row, role)

    day = layout.day_of(row)
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
        kind = layout.types.get(cell("type").lower())
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
    aura, aura_notes = read_aura(cell)
    notes += aura_notes
    if cell("notes"):
        notes.append(cell("notes"))
    names = split_medications(cell("medication"))
    if cell("medication") and not names:
        notes.append(f"Medication: {cell('medication')} (nothing taken).")
    doses = [dose_from_text(name, cell("amount") if len(names) == 1 else "") for name in names]
    factors: dict[str, float | None] = {
        f"{c}: {row[c].strip()}"[:80]: None for c in layout.factors if row.get(c, "").strip()
    }
    return AttackSpec(
        start, end, " ".join(notes), nrs, four, believed, doses, fields=aura, factors=factors, day=day
    )


# ---------------------------------------------------------------- daily diaries


@dataclass
class DaySpec:
    day: date
    headache: bool
    noon: Any
    nrs: int | None = None
    four_point: int | None = None
    believed_migraine: bool | None = None
    factors: dict[str, float | None] = field(default_factory=dict)
    doses: list[DoseSpec] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    aura: dict[str, Any] = field(default_factory=dict)
    """Aura fields of the day's attack (a headache day only)."""


def read_headache(text: str, scale: str, binary: bool) -> tuple[bool, int | None, int | None] | None:
    """(headache?, pain 0-10, pain 0-3) from yes/no, 0/1, a severity number or word; None when empty."""
    value = text.strip().lower()
    if not value:
        return None
    if value in FOUR_POINT:
        return True, None, FOUR_POINT[value]
    if binary or not re.fullmatch(r"\d+(\.\d+)?", value):
        if value in YES:
            return True, None, None
        if value in NO:
            return False, None, None
        raise ValueError(
            f"cannot read the headache value {text!r}; use yes/no, 0/1, a 0-10 severity or none/mild/moderate/severe"
        )
    number = float(value)
    top = 3 if scale == "0-3" else 10
    if number != int(number) or not 0 <= number <= top:
        raise ValueError(f"headache severity {text!r} is not a whole number from 0 to {top}")
    if number == 0:
        return False, (0 if scale == "0-10" else None), (0 if scale == "0-3" else None)
    return True, (int(number) if scale == "0-10" else None), (int(number) if scale == "0-3" else None)


def _plan_days(rows, layout: Layout, report: ImportReport, tz: str, source: str) -> None:
    column = layout.columns["headache"]
    values = {r[column].strip().lower() for _, r, _ in rows if "__error__" not in r and r[column].strip()}
    binary = values <= (YES | NO)  # yes/no words or only 0 and 1; other numbers are a severity
    if values and values <= {"0", "1"}:
        report.notices.append(f"{column}: 0/1 read as no/yes")
    seen: dict[date, int] = {}
    for line, row, raw in rows:
        report.rows += 1
        if "__error__" in row:
            report.problems.append(Problem(line, row["__error__"], raw))
            continue
        try:
            day = layout.day_of(row)
            answer = read_headache(row[column], layout.scale, binary)
            aura, aura_notes = read_aura(partial(layout.cell, row))
        except ValueError as exc:
            report.problems.append(Problem(line, str(exc), raw))
            continue
        if answer is None:
            report.skipped.append(
                Problem(
                    line, f"{column} is empty: the day is left out, so it is not counted as headache-free"
                )
            )
            continue
        if day in seen:
            report.problems.append(
                Problem(line, f"a second row for {day} (the first is line {seen[day]})", raw)
            )
            continue
        seen[day] = line
        # noon of that day, or now when today's noon is still to come (an attack is never in the future)
        noon = min(local_time(day, None, tz), timezone.now())
        spec = DaySpec(day=day, headache=answer[0], noon=noon, nrs=answer[1], four_point=answer[2])
        spec.notes.append(f"Imported from {source}, line {line}: {column} {row[column].strip()}.")
        spec.notes += aura_notes  # on a headache-free day the aura stays in the day's notes
        if spec.headache:
            spec.aura = aura
        if spec.headache and layout.cell(row, "type"):
            kind = layout.types.get(layout.cell(row, "type").lower())
            spec.believed_migraine = None if kind is None else kind == "migraine"
            spec.notes.append(f"Type as recorded: {layout.cell(row, 'type')}.")
        for factor in layout.factors:
            if row.get(factor, "").strip():
                spec.factors[f"{factor}: {row[factor].strip()}"[:80]] = None
        if layout.cell(row, "trigger") and layout.cell(row, "trigger").lower() not in {"unknown", "none"}:
            spec.factors[layout.cell(row, "trigger")[:80]] = None
        if layout.cell(row, "notes"):
            spec.notes.append(layout.cell(row, "notes"))
        names = split_medications(layout.cell(row, "medication"))
        spec.doses = [dose_from_text(n, layout.cell(row, "amount") if len(names) == 1 else "") for n in names]
        what = "headache: an attack, times unknown" if spec.headache else "no headache"
        if spec.nrs or spec.four_point:
            what += f" (severity {row[column].strip()})"
        extra = f"; {', '.join(spec.factors)}" if spec.factors else ""
        meds = f"; {', '.join(d.name for d in spec.doses)}" if spec.doses else ""
        report.planned.append(
            Planned(
                [line],
                f"day {day}: {what}{extra}{meds}",
                partial(save_day, spec=spec),
                key=f"generic-day:{report.person}:{day.isoformat()}",
            )
        )


def _medication_is_categorical(layout: Layout, rows) -> str:
    """A medication column guessed by its name whose few values name no medicine is not doses."""
    column = layout.columns.get("medication")
    if column is None:
        return ""
    values = {r[column].strip() for _, r, _ in rows if "__error__" not in r and r[column].strip()}
    if not values or len(values) > 12:
        return ""
    matcher = SubstanceMatcher(None)  # type: ignore[arg-type]  # the catalogue alone
    names = [n for v in values for n in split_medications(v)]
    if not names or any(matcher.match(dose_from_text(n).name) for n in names):
        return ""
    return (
        f"holds categories ({', '.join(sorted(values)[:6])}), not medicine names: not read as doses; "
        f"add factors={column} to record them as factor tags"
    )


def save_day(context: ImportContext, spec: DaySpec) -> list[str]:
    fields: dict[str, Any] = {}
    if spec.nrs is not None:
        fields["worst_pain"] = spec.nrs
    record = log_day(
        context.user, day=spec.day, factors=spec.factors or None, notes=" ".join(spec.notes), **fields
    ).entry
    context.created(record)
    created = ["day record"] + ["factor"] * len(spec.factors)
    attack = None
    if spec.headache:
        pain = []
        if spec.nrs is not None or spec.four_point is not None:
            pain = [Pain(at=spec.noon, nrs=spec.nrs, four_point=spec.four_point)]
        attack = log_attack(
            context.user,
            started_at=spec.noon,
            ended_at=spec.noon,
            believed_migraine=spec.believed_migraine,
            notes="A headache day from a daily diary: the start (noon), the duration and "
            + ("the other details" if spec.aura else "the details")
            + " are unknown.",
            pain=pain,
            **spec.aura,
        ).entry
        created += ["attack"] + ["pain sample"] * len(pain)
    for dose in spec.doses:
        save_dose(context, dose, attack=attack, default_time=spec.noon)
        created.append("dose")
    return created
