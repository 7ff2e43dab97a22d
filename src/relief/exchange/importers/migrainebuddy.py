"""Migraine Buddy's CSV export: ongoing events, a blank line, then one row per attack.

The attack table starts at the row whose first cells are ``"#","Started","Lasted"``.
``Started`` is the local wall-clock time (``MM/DD/YY HH:MM``) and ``Start UTC Offset (min)``
says how far east of UTC that clock was, so the instant is exact across time zones and
daylight-saving changes; ``Lasted`` is the elapsed time (``01h 00m``, ``1d 02h 15m``), so the
end is the start plus that.  ``Geohash`` (where the phone was) is dropped and never stored:
this journal keeps no positions.

What the attack model has a field for is mapped (pain level, symptoms it knows, the most
bothersome symptom, the side from the pain positions, aura when the type or the symptoms
state it, migraine or not from the type); medications become doses with their rating
(helpful, somewhat helpful, unhelpful, unsure) in the dose's notes; potential triggers become
factor tags on the local day the attack started; every other column goes into the attack's
notes as ``Column: value``.  What the export leaves empty stays unknown.

Events listed above the table are still going on in the app: they have no end yet, so they
are listed in the preview and not imported.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from relief.exchange.importers.base import (
    ImportFormatError,
    ImportReport,
    Planned,
    Problem,
    csv_rows,
)
from relief.exchange.importers.common import AttackSpec, DoseSpec, dose_from_text, save_attack

HEADER_START = ["#", "Started", "Lasted"]
MEDICATION_COLUMNS = {
    "Helpful Medication": "helpful",
    "Somewhat Helpful Medication": "somewhat helpful",
    "Unhelpful Medication": "unhelpful",
    "Unsure Medication": "unsure",
}
NOTHING = {"", "no medication", "none", "no idea", "nothing", "-", "n/a"}
# Columns read into fields (or dropped); every other column goes into the notes.
MAPPED = {
    "#",
    "Started",
    "Lasted",
    "Start UTC Offset (min)",
    "End UTC Offset (min)",
    "Geohash",
    "Pain Level",
    "Potential Triggers",
    "Notes",
    *MEDICATION_COLUMNS,
}
DROPPED = {"Geohash": "a location (geohash); this journal never stores where you were"}

SYMPTOMS = {
    "nausea": "nausea",
    "vomiting": "vomiting",
    "sensitivity to light": "photophobia",
    "light sensitivity": "photophobia",
    "photophobia": "photophobia",
    "sensitivity to sound": "phonophobia",
    "sensitivity to noise": "phonophobia",
    "noise sensitivity": "phonophobia",
    "sound sensitivity": "phonophobia",
    "phonophobia": "phonophobia",
    "sensitivity to smell": "osmophobia",
    "sensitivity to smells": "osmophobia",
    "smell sensitivity": "osmophobia",
    "osmophobia": "osmophobia",
    "dizziness": "dizziness",
    "vertigo": "dizziness",
    "neck pain": "neck_pain",
    "stiff neck": "neck_pain",
    "allodynia": "allodynia",
    "skin sensitivity": "allodynia",
}
AURA = {
    "visual disturbance": "aura_visual",
    "visual disturbances": "aura_visual",
    "aura": "aura_visual",
    "visual aura": "aura_visual",
    "zigzag lines": "aura_visual",
    "blind spot": "aura_visual",
    "blind spots": "aura_visual",
    "flashing lights": "aura_visual",
    "tingling": "aura_sensory",
    "numbness": "aura_sensory",
    "pins and needles": "aura_sensory",
    "difficulty speaking": "aura_speech",
    "difficulty finding words": "aura_speech",
}
AURA_FIELDS = ("aura_visual", "aura_sensory", "aura_speech", "aura_motor", "aura_brainstem", "aura_retinal")
BOTHERSOME = {
    "nausea": "nausea",
    "vomiting": "nausea",
    "photophobia": "photophobia",
    "phonophobia": "phonophobia",
}
REGIONS = {
    "forehead": "forehead",
    "temple": "temple",
    "eye": "eye",
    "behind the eye": "eye",
    "top of head": "top",
    "top of the head": "top",
    "back of head": "back",
    "back of the head": "back",
    "neck": "neck",
    "jaw": "face",
    "face": "face",
    "cheek": "face",
    "whole head": "whole",
}
_DURATION = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$", re.IGNORECASE)


def split_list(text: str) -> list[str]:
    """'A, B (x, y), C' -> ['A', 'B (x, y)', 'C']: commas inside brackets belong to the name."""
    items, depth, current = [], 0, ""
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        if char == "," and depth == 0:
            items.append(current)
            current = ""
            continue
        current += char
    items.append(current)
    return [" ".join(i.split()) for i in items if i.strip() and i.strip().lower() not in NOTHING]


def parse_started(text: str, offset_text: str) -> datetime:
    try:
        local = datetime.strptime(text.strip(), "%m/%d/%y %H:%M")
    except ValueError:
        raise ValueError(f"Started {text!r} is not a time like 03/14/24 21:05 (month/day/year)") from None
    offset = offset_text.strip()
    if not re.fullmatch(r"[+-]?\d{1,4}", offset):
        raise ValueError(f"Start UTC Offset (min) {offset_text!r} is not a whole number of minutes")
    minutes = int(offset)
    if not -16 * 60 <= minutes <= 16 * 60:
        raise ValueError(f"Start UTC Offset (min) {minutes} is not a time zone offset (-960 to 960)")
    return (local - timedelta(minutes=minutes)).replace(tzinfo=UTC)


def parse_lasted(text: str) -> timedelta | None:
    """'01h 00m', '1d 02h 15m', '45m' -> a duration; empty -> None."""
    if not text.strip():
        return None
    match = _DURATION.match(text)
    if not match or not any(match.groups()):
        raise ValueError(f"Lasted {text!r} is not a duration like 01h 30m or 1d 02h 15m")
    days, hours, minutes = (int(g or 0) for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def _header_line(lines: list[str]) -> int | None:
    for index, line in enumerate(lines[:500]):
        if not line.strip():
            continue
        try:
            cells = next(csv.reader(io.StringIO(line)))
        except (csv.Error, StopIteration):
            continue
        if [c.strip() for c in cells[:3]] == HEADER_START:
            return index
    return None


def is_migraine_buddy(text: str) -> bool:
    return _header_line(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")) is not None


def plan(text: str, report: ImportReport, *, tz: str, source: str, mapping: Any = None) -> None:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    start = _header_line(lines)
    if start is None:
        raise ImportFormatError(
            'this does not look like a Migraine Buddy export: no row starting "#","Started","Lasted"'
        )
    ongoing = [(n, text_line) for n, text_line in enumerate(lines[:start], start=1) if text_line.strip()]
    for number, text_line in ongoing:
        report.rows += 1
        report.skipped.append(
            Problem(
                number,
                "listed before the attack table (an ongoing event or the preamble's heading): not imported, "
                "it has no end yet; end it in Migraine Buddy and export again, or log it here",
                text_line,
            )
        )
    if ongoing:
        report.notices.append(
            f"{len(ongoing)} line(s) before the attack table (ongoing events) are listed as skipped: "
            "an attack that has not ended is not imported"
        )
    header, rows = csv_rows("\n".join(lines[start:]))
    offset = start  # line numbers count from the top of the file
    missing = [c for c in ("Start UTC Offset (min)",) if c not in header]
    if missing:
        raise ImportFormatError(f"the Migraine Buddy table has no {', '.join(missing)} column")
    for column in header:
        if column in DROPPED:
            report.unused.append((column, DROPPED[column]))
    report.notices.append(
        "Geohash (where the phone was) is dropped and never stored."
        if "Geohash" in header
        else "No Geohash column: nothing about places to drop."
    )
    noted = [c for c in header if c not in MAPPED]
    if noted:
        report.notices.append("kept in each attack's notes: " + ", ".join(noted))
    seen: dict[datetime, int] = {}
    for line, row, raw in rows:
        line += offset
        report.rows += 1
        if "__error__" in row:
            report.problems.append(Problem(line, row["__error__"], raw))
            continue
        try:
            spec = _attack(row, header, tz, line)
        except ValueError as exc:
            report.problems.append(Problem(line, str(exc), raw))
            continue
        if spec.started_at in seen:
            report.skipped.append(Problem(line, f"starts at the same minute as line {seen[spec.started_at]}"))
            continue
        seen[spec.started_at] = line
        meds = ", ".join(d.name for d in spec.doses) or "no medication"
        pain = f"pain {spec.pain_nrs}/10" if spec.pain_nrs is not None else "pain not given"
        length = (
            f"{(spec.ended_at - spec.started_at).total_seconds() / 3600:.1f} h"
            if spec.ended_at and spec.ended_at > spec.started_at
            else "duration unknown"
        )
        tags = f", trigger(s): {', '.join(spec.factors)}" if spec.factors else ""
        summary = f"attack #{row['#']} at {row['Started']} local ({length}), {pain}, {meds}{tags}"
        key = f"migraine-buddy:{spec.started_at.isoformat()}"
        report.planned.append(Planned([line], summary, partial(save_attack, spec=spec), key=key))


def _attack(row: dict[str, str], header: list[str], tz: str, line: int) -> AttackSpec:
    started = parse_started(row["Started"], row.get("Start UTC Offset (min)", ""))
    lasted = parse_lasted(row.get("Lasted", ""))
    notes = [f"Imported from Migraine Buddy, attack #{row['#'] or '?'}."]
    if lasted is None:
        notes.append("The export gives no duration: the end is unknown.")
    ended = started + lasted if lasted is not None else started
    end_offset = row.get("End UTC Offset (min)", "").strip()
    if end_offset and end_offset != row.get("Start UTC Offset (min)", "").strip():
        notes.append(
            f"The clock's UTC offset changed during the attack ({row['Start UTC Offset (min)']} -> {end_offset} min)."
        )
    fields: dict[str, Any] = {}
    nrs = None
    pain = row.get("Pain Level", "").strip()
    if pain:
        if not re.fullmatch(r"\d{1,2}", pain) or int(pain) > 10:
            raise ValueError(f"Pain Level {pain!r} is not a whole number from 0 to 10")
        nrs = int(pain)
    believed = _attack_type(row.get("Attack Types", ""), fields)
    for column in ("Symptoms", "Premonitory Symptoms"):
        for name in split_list(row.get(column, "")):
            key = name.lower()
            if key in SYMPTOMS and column == "Symptoms":
                fields[SYMPTOMS[key]] = True
            elif key in AURA:
                fields[AURA[key]] = True
    bothersome = row.get("Most Bothersome Symptom", "").strip()
    if bothersome and bothersome.lower() not in NOTHING:
        model_name = SYMPTOMS.get(bothersome.lower(), "")
        fields["most_bothersome"] = BOTHERSOME.get(model_name, "other")
    _positions(row.get("Pain Positions", ""), fields)
    for column in header:
        if column in MAPPED:
            continue
        values = split_list(row.get(column, ""))
        if values:
            notes.append(f"{column}: {', '.join(values)}.")
    if row.get("Notes", "").strip():
        notes.append(row["Notes"].strip())
    doses: list[DoseSpec] = []
    for column, rating in MEDICATION_COLUMNS.items():
        for name in split_list(row.get(column, "")):
            dose = dose_from_text(name)
            dose.notes = (
                f"Migraine Buddy rating: {rating}; the export gives no time of intake, "
                "so it is set to the attack's start"
            )
            doses.append(dose)
    factors: dict[str, float | None] = {}
    for name in split_list(row.get("Potential Triggers", "")):
        factors[name[:80]] = None
    local_day = (started + timedelta(minutes=int(row["Start UTC Offset (min)"]))).date()
    return AttackSpec(
        started_at=started,
        ended_at=ended,
        notes=" ".join(notes),
        pain_nrs=nrs,
        believed_migraine=believed,
        doses=doses,
        fields=fields,
        factors=factors,
        day=local_day,
    )


def _attack_type(text: str, fields: dict[str, Any]) -> bool | None:
    """Migraine or not from the type; aura yes/no only where the type says so."""
    kinds = [k.lower() for k in split_list(text)]
    if not kinds or all("know" in k or "unsure" in k for k in kinds):
        return None
    if any("without aura" in k for k in kinds):
        for name in AURA_FIELDS:
            fields.setdefault(name, False)
    # "with aura" states an aura but not its kind: it stays in the notes (Attack Types), the
    # aura fields stay unknown unless a symptom names the kind.
    if any("migraine" in k for k in kinds):
        return True
    if any("headache" in k for k in kinds):
        return False
    return None


def _positions(text: str, fields: dict[str, Any]) -> None:
    positions = [p.lower() for p in split_list(text)]
    if not positions:
        return
    left = any("left" in p for p in positions)
    right = any("right" in p for p in positions)
    if left and right:
        fields["side"] = "both"
    elif left or right:
        fields["side"] = "left" if left else "right"
    regions = set()
    for position in positions:
        bare = re.sub(r"\b(left|right|both|side|sides)\b", "", position).strip(" -")
        if bare in REGIONS:
            regions.add(REGIONS[bare])
    if len(regions) == 1:
        fields["region"] = regions.pop()


__all__ = ["is_migraine_buddy", "parse_lasted", "parse_started", "plan", "split_list"]
