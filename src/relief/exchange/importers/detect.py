"""Recognise an import file from its content, so the person need not know the format's name.

JSON is told apart by its top-level keys (the project's own export, a FHIR bundle, the
PsychonautWiki Journal); CSV by its header row (each app's columns), and any other CSV with a
date or day-number column is the generic importer's.  When nothing fits, the error lists the
formats and the ``--format`` option.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from relief.exchange.importers.base import ImportFormatError, read_text
from relief.exchange.importers.generic import GUESSES
from relief.exchange.importers.migrainebuddy import is_migraine_buddy
from relief.exchange.jsonformat import FORMAT_NAME

PROJECT_JSON = "json"
FHIR = "fhir"
# Every format `relief import` knows, with the project's own first.
ALL_FORMATS: dict[str, str] = {PROJECT_JSON: "Relief Journal JSON export (relief export)"}


@dataclass(frozen=True)
class Detected:
    fmt: str
    reason: str


def _all_formats() -> dict[str, str]:
    # lazy: cycle: relief.exchange.importers imports this module
    from relief.exchange.importers import FORMATS

    return {**ALL_FORMATS, **FORMATS}


def unknown(why: str) -> ImportFormatError:
    listed = "; ".join(f"{key} ({label})" for key, label in _all_formats().items())
    return ImportFormatError(
        f"cannot tell what kind of file this is: {why}. Say it with --format FORMAT (on the web page: "
        f"'It comes from'), one of: {listed}"
    )


def detect(data: bytes | str) -> Detected:
    text = read_text(data)
    stripped = text.lstrip()
    if not stripped:
        raise ImportFormatError("the file is empty")
    if stripped[0] in "[{":
        return _json(stripped)
    return _csv(text)


def _json(text: str) -> Detected:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise unknown(f"it starts like JSON but is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if isinstance(doc, dict):
        if doc.get("format") == FORMAT_NAME:
            return Detected(PROJECT_JSON, f"a Relief Journal export (format {FORMAT_NAME!r})")
        if doc.get("resourceType") == "Bundle":
            raise ImportFormatError(
                "this is a FHIR bundle; importing FHIR is not supported (Relief Journal exports FHIR for "
                "clinicians). Import the Relief Journal JSON export (relief export) instead"
            )
        if isinstance(doc.get("experiences"), list):
            return Detected("psychonautwiki", "a PsychonautWiki Journal export (an 'experiences' list)")
    raise unknown("it is JSON, but neither a Relief Journal export nor a PsychonautWiki Journal export")


def _header(text: str) -> list[str]:
    first = text.replace("\r\n", "\n").replace("\r", "\n").split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return [h.strip() for h in next(csv.reader(io.StringIO(first), delimiter=delimiter))]
    except (csv.Error, StopIteration):
        return []


def _csv(text: str) -> Detected:
    if is_migraine_buddy(text):
        return Detected("migraine-buddy", 'a Migraine Buddy export (a table starting "#","Started","Lasted")')
    header = _header(text)
    names = set(header)
    lower = {h.lower() for h in header}
    if {"user_id", "checkin_date", "trackable_type", "trackable_name", "trackable_value"} <= names:
        return Detected("flaredown-research", "the Flaredown research data set (user_id, trackable_type ...)")
    if {"Date", "Tags", "Foods"} <= names:
        return Detected("flaredown", "a Flaredown export (Date ... Tags, Foods)")
    if {"date", "time of day", "category", "rating/amount", "detail"} <= lower:
        return Detected("bearable", "a Bearable export (date, time of day, category, rating/amount, detail)")
    if {"_id", "start_date", "end_date", "strength"} <= names:
        return Detected("headi", "a Headi export (_id, start_date, end_date, strength ...)")
    if {"Date", "Time", "Pain Level", "Medication", "Dosage"} <= names:
        return Detected("migraine-navigator", "a Migraine Navigator CSV (Date, Time, Pain Level, Dosage ...)")
    if len(header) >= 2:
        usable = GUESSES["date"] + GUESSES["day"] + GUESSES["headache"]
        found = [h for h in header if h.lower() in usable]
        if found:
            kind = "a daily diary" if lower & set(GUESSES["headache"]) else "an attack list"
            return Detected("generic", f"a CSV, read as {kind} (column(s) {', '.join(found)})")
        raise unknown(
            f"a CSV with columns {', '.join(header[:12])}, none of which is a date, a day number or a headache "
            "column; use --format generic --mapping date=COLUMN"
        )
    raise unknown("it is neither JSON nor a CSV with a header row")
