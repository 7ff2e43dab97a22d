"""Flaredown: the user CSV export (wide, one row per check-in) and the research data set (long).

Ratings are 0-4 (Flaredown's scale).  Symptoms or conditions named like headache or
migraine give the day's worst pain as rating x 2.5 on 0-10; every rating is kept
raw in the day's notes.  Treatments marked ``Taken`` or with a dose string become
doses at noon (Flaredown records no time); ``Not Taken`` is nothing.  Weather is
converted (inHg -> hPa, °F -> °C, fractions -> %) with the raw values in the notes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from functools import partial
from typing import Any

from relief.exchange.importers.base import (
    ImportFormatError,
    ImportReport,
    Planned,
    Problem,
    csv_rows,
    local_time,
    require_columns,
)
from relief.exchange.importers.checkins import (
    HEADACHE_NAME,
    CheckinSpec,
    fahrenheit_to_c,
    humidity_pct,
    pressure_hpa,
    save_checkin,
    tag_name,
)
from relief.exchange.importers.common import dose_from_text

WEATHER_COLUMNS = {
    "Weather summary": "summary",
    "Weather max temperature": "temperatureMax",
    "Weather min temperature": "temperatureMin",
    "Weather pressure": "pressure",
    "Weather precipitation intensity": "precipIntensity",
    "Weather humidity": "humidity",
}


def _date(text: str) -> date:
    match = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", text)
    if match:
        return date(*(int(g) for g in match.groups()))
    match = re.match(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match:
        month, day, year = (int(g) for g in match.groups())
        return date(year, month, day)
    raise ValueError(f"cannot read the check-in date {text!r}; expected YYYY-MM-DD")


def _rating(name: str, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{name}: {text!r} is not a Flaredown rating (0-4)") from None
    if not 0 <= value <= 4:
        raise ValueError(f"{name}: {value} is outside Flaredown's 0-4 scale")
    return value


def _is_rating_column(values: list[str]) -> bool:
    filled = [v for v in values if v]
    return bool(filled) and all(re.fullmatch(r"\d+", v) for v in filled)


def _build(
    spec: CheckinSpec,
    ratings: dict[str, str],
    treatments: dict[str, str],
    tags: list[str],
    foods: list[str],
    weather: dict[str, str],
) -> None:
    raw = []
    headache = []
    for name, text in ratings.items():
        value = _rating(name, text)
        raw.append(f"{name} {value}")
        if HEADACHE_NAME.search(name):
            headache.append(value)
    if raw:
        spec.notes.append("Flaredown ratings (0-4): " + ", ".join(raw) + ".")
    if headache:
        spec.fields["worst_pain"] = round(max(headache) * 2.5)
    for name, given in treatments.items():
        if given.lower() == "not taken" or not given:
            continue
        dose = dose_from_text(name, "" if given.lower() == "taken" else given)
        dose.reason = "other"
        dose.notes = "time not recorded (Flaredown keeps the day only)"
        spec.doses.append(dose)
    for name in tags:
        spec.factors[tag_name(name)] = None
    for name in foods:
        spec.factors[tag_name(f"food: {name}")] = None
    _weather(spec, weather)


def _weather(spec: CheckinSpec, weather: dict[str, str]) -> None:
    raw = {k: v for k, v in weather.items() if v}
    if not raw:
        return
    try:
        if raw.get("pressure"):
            spec.fields["pressure_hpa"] = pressure_hpa(float(raw["pressure"]))
        highs = [float(raw[k]) for k in ("temperatureMax", "temperatureMin") if raw.get(k)]
        if highs:
            spec.fields["temperature_c"] = fahrenheit_to_c(sum(highs) / len(highs))
        if raw.get("humidity"):
            spec.fields["humidity_pct"] = humidity_pct(float(raw["humidity"]))
    except ValueError:
        raise ValueError(f"cannot read the weather values {raw}") from None
    if any(k in spec.fields for k in ("pressure_hpa", "temperature_c", "humidity_pct")):
        spec.fields["weather_source"] = "flaredown"  # type: ignore[assignment]
    spec.notes.append("Flaredown weather as stored: " + ", ".join(f"{k} {v}" for k, v in raw.items()) + ".")


def _plan_checkin(report: ImportReport, spec: CheckinSpec, tz: str) -> None:
    noon = local_time(spec.day, None, tz)
    report.planned.append(
        Planned(spec.lines, spec.summary(), partial(save_checkin, spec=spec, default_time=noon))
    )


def plan_wide(text: str, report: ImportReport, *, tz: str, source: str, mapping: Any = None) -> None:
    header, row_iter = csv_rows(text)
    require_columns(header, ["Date", "Tags", "Foods"], "Flaredown")
    trackables = header[1 : header.index("Tags")]
    rows = list(row_iter)
    good = [r for _, r, _ in rows if "__error__" not in r]
    rated = {name for name in trackables if _is_rating_column([r[name] for r in good])}
    seen: set[date] = set()
    for line, row, raw in rows:
        report.rows += 1
        if "__error__" in row:
            report.problems.append(Problem(line, row["__error__"], raw))
            continue
        try:
            spec = CheckinSpec(day=_date(row["Date"]), lines=[line])
            if spec.day in seen:
                raise ValueError(f"a second check-in for {spec.day}; Flaredown has one per day")
            seen.add(spec.day)
            _build(
                spec,
                {n: row[n] for n in trackables if n in rated and row[n]},
                {n: row[n] for n in trackables if n not in rated and row[n]},
                [t for t in row["Tags"].split(";") if t.strip()],
                [f for f in row["Foods"].split(";") if f.strip()],
                {key: row.get(column, "") for column, key in WEATHER_COLUMNS.items()},
            )
        except ValueError as exc:
            report.problems.append(Problem(line, str(exc), raw))
            continue
        _plan_checkin(report, spec, tz)


RESEARCH_COLUMNS = ["user_id", "checkin_date", "trackable_type", "trackable_name", "trackable_value"]


def plan_research(text: str, report: ImportReport, *, tz: str, source: str, mapping: Any = None) -> None:
    header, row_iter = csv_rows(text)
    require_columns(header, RESEARCH_COLUMNS, "Flaredown research")
    rows = list(row_iter)
    users = sorted({r["user_id"] for _, r, _ in rows if "__error__" not in r})
    wanted = (mapping or {}).get("user_id") if isinstance(mapping, dict) else None
    if isinstance(mapping, str) and mapping.startswith("user_id="):
        wanted = mapping.partition("=")[2]
    wanted = report.person or wanted
    report.people = users
    if wanted is None:
        if len(users) > 1:
            shown = ", ".join(users[:5]) + (" ..." if len(users) > 5 else "")
            raise ImportFormatError(
                f"the file holds {len(users)} people ({shown}); choose one with --person ID"
            )
        wanted = users[0] if users else None
    report.person = wanted or ""
    by_day: dict[date, dict[str, Any]] = defaultdict(
        lambda: {
            "lines": [],
            "ratings": {},
            "treatments": {},
            "tags": [],
            "foods": [],
            "weather": {},
            "raw": [],
        }
    )
    for line, row, raw in rows:
        report.rows += 1
        if "__error__" in row:
            report.problems.append(Problem(line, row["__error__"], raw))
            continue
        if row["user_id"] != wanted:
            report.skipped.append(Problem(line, "another person in the data set"))
            continue
        try:
            day = _date(row["checkin_date"])
        except ValueError as exc:
            report.problems.append(Problem(line, str(exc), raw))
            continue
        kind, name, value = (
            row["trackable_type"],
            row["trackable_name"].strip(),
            row["trackable_value"].strip(),
        )
        entry = by_day[day]
        entry["lines"].append(line)
        entry["raw"].append((line, raw))
        if kind in ("Condition", "Symptom"):
            if value:
                entry["ratings"][name] = value
        elif kind == "Treatment":
            entry["treatments"][name] = value or "Taken"
        elif kind == "Tag":
            entry["tags"].append(name)
        elif kind == "Food":
            entry["foods"].append(name)
        elif kind == "Weather":
            entry["weather"][name] = value
        else:
            report.problems.append(Problem(line, f"unknown trackable_type {kind!r}", raw))
    for day, entry in sorted(by_day.items()):
        spec = CheckinSpec(day=day, lines=entry["lines"])
        try:
            _build(
                spec, entry["ratings"], entry["treatments"], entry["tags"], entry["foods"], entry["weather"]
            )
        except ValueError as exc:
            report.problems.append(
                Problem(entry["lines"][0], f"check-in of {day}: {exc}", entry["raw"][0][1])
            )
            continue
        _plan_checkin(report, spec, tz)
