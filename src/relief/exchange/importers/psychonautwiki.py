"""PsychonautWiki Journal's JSON export: ``{experiences[], substanceCompanions[], customSubstances[], customUnits[]}``.

Each experience embeds its ``ingestions``; times are epoch milliseconds.  Every
ingestion of the person (``consumerName`` empty) becomes a dose; ingestions logged
for someone else are skipped.  Substance names go through the same matcher as
the other importers (kratom and its misspellings land on the catalogue entry);
names it does not know become the person's own substances.  Custom units
("1 capsule = 0.5 g") become the person's units.  For a JSON file the "line"
numbers in the report count ingestions in file order, starting at 1.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import partial
from typing import Any

from relief.exchange.importers.base import ImportContext, ImportFormatError, ImportReport, Planned, Problem
from relief.exchange.importers.common import DoseSpec, save_dose
from relief.treatments.models import MASS_UNITS, CustomUnit

ROUTES = {
    "ORAL": "oral",
    "SUBLINGUAL": "sublingual",
    "BUCCAL": "buccal",
    "INSUFFLATED": "nasal",
    "RECTAL": "rectal",
    "TRANSDERMAL": "topical",
    "SUBCUTANEOUS": "injection",
    "INTRAMUSCULAR": "injection",
    "INTRAVENOUS": "injection",
    "SMOKED": "inhaled",
    "INHALED": "inhaled",
}
STOMACH = {
    "EMPTY": "empty",
    "QUARTER_FULL": "light",
    "HALF_FULL": "light",
    "FULL": "full",
    "VERY_FULL": "full",
}
UNIT_ALIASES = {"g": "g", "mg": "mg", "µg": "mcg", "ug": "mcg", "mcg": "mcg", "ml": "ml"}


def _instant(value: Any, what: str) -> datetime:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError(f"{what} {value!r} is not epoch milliseconds")
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):  # 1e300, NaN: no moment any calendar holds
        raise ValueError(f"{what} {value!r} is not a moment between the years 1 and 9999") from None


def _unit_spec(
    item: dict[str, Any], units: dict[Any, dict[str, Any]]
) -> tuple[float | None, str, str, dict | None]:
    """Amount, unit, raw text and the custom unit (if any) of an ingestion."""
    dose = item.get("dose")
    if dose is not None and (not isinstance(dose, int | float) or isinstance(dose, bool) or dose <= 0):
        raise ValueError(f"dose {dose!r} is not a positive number")
    custom = units.get(item.get("customUnitId")) if item.get("customUnitId") is not None else None
    if item.get("customUnitId") is not None and custom is None:
        raise ValueError(f"customUnitId {item['customUnitId']} is not in customUnits")
    if dose is None:
        return None, "", "unknown dose", None
    if custom is not None:
        original = UNIT_ALIASES.get(str(custom.get("originalUnit", "")).lower())
        if original in MASS_UNITS and isinstance(custom.get("dose"), int | float):
            return float(dose), str(custom["unit"] or custom["name"]), "", custom
        return None, "", f"{dose:g} {custom.get('unitPlural') or custom.get('name')}", None
    unit = UNIT_ALIASES.get(str(item.get("units") or "").lower())
    if unit is None:
        return None, "", f"{dose:g} {item.get('units') or '(no unit)'}", None
    return float(dose), unit, "", None


def _ensure_unit(context: ImportContext, custom: dict[str, Any]) -> bool:
    """Create the person's unit unless they have one of that name; True when created."""
    name = " ".join(str(custom.get("unit") or custom["name"]).split())
    if CustomUnit.objects.filter(user=context.user, name__iexact=name).exists():
        return False
    grams = float(custom["dose"]) * MASS_UNITS[UNIT_ALIASES[str(custom["originalUnit"]).lower()]]
    unit = CustomUnit(
        user=context.user, name=name, grams=grams, substance=context.substance(custom["substanceName"])
    )
    unit.full_clean()
    unit.save()
    return True


def plan(text: str, report: ImportReport, *, tz: str, source: str, mapping: Any = None) -> None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("experiences"), list):
        raise ImportFormatError(
            "this does not look like a PsychonautWiki Journal export: no 'experiences' list"
        )
    units = {u.get("id"): u for u in data.get("customUnits") or [] if isinstance(u, dict)}
    number = 0
    for experience in data["experiences"]:
        title = str(experience.get("title") or "untitled") if isinstance(experience, dict) else "?"
        ingestions = experience.get("ingestions") if isinstance(experience, dict) else None
        if not isinstance(ingestions, list):
            number += 1
            report.rows += 1
            report.problems.append(Problem(number, f"experience {title!r} has no ingestions list"))
            continue
        for index, item in enumerate(ingestions, start=1):
            number += 1
            report.rows += 1
            where = f"experience {title!r}, ingestion {index}"
            if not isinstance(item, dict):
                report.problems.append(Problem(number, f"{where}: not an object"))
                continue
            if item.get("consumerName"):
                report.skipped.append(
                    Problem(number, f"{where}: logged for {item['consumerName']}, not for you")
                )
                continue
            try:
                spec, custom = _dose(item, units, title)
            except (ValueError, KeyError) as exc:
                report.problems.append(Problem(number, f"{where}: {exc}", json.dumps(item)[:200]))
                continue
            amount = f"{spec.amount:g} {spec.unit}" if spec.amount is not None else spec.raw_amount
            summary = f"{spec.name} {amount} at {spec.taken_at:%Y-%m-%d %H:%M} UTC ({title})"
            report.planned.append(Planned([number], summary, partial(_save, spec=spec, custom=custom)))


def _dose(item: dict[str, Any], units: dict[Any, dict[str, Any]], title: str) -> tuple[DoseSpec, dict | None]:
    name = str(item.get("substanceName") or "").strip()
    if not name:
        raise ValueError("substanceName is empty")
    taken_at = _instant(item.get("time"), "time")
    amount, unit, raw, custom = _unit_spec(item, units)
    notes = [f"experience: {title}"]
    if item.get("endTime"):
        notes.append(f"taken over a period until {_instant(item['endTime'], 'endTime'):%Y-%m-%d %H:%M} UTC")
    if item.get("estimatedDoseStandardDeviation"):
        notes.append(f"estimate ± {item['estimatedDoseStandardDeviation']:g}")
    if item.get("notes"):
        notes.append(str(item["notes"]))
    route = ROUTES.get(str(item.get("administrationRoute") or "ORAL").upper())
    if route is None:
        raise ValueError(f"unknown administrationRoute {item.get('administrationRoute')!r}")
    spec = DoseSpec(
        name=name,
        amount=amount,
        unit=unit,
        raw_amount=raw,
        taken_at=taken_at,
        route=route,
        reason="other",
        notes="; ".join(notes),
        stomach=STOMACH.get(str(item.get("stomachFullness") or ""), ""),
        is_estimate=bool(item.get("isDoseAnEstimate")),
    )
    return spec, custom


def _save(context: ImportContext, spec: DoseSpec, custom: dict[str, Any] | None) -> list[str]:
    created = []
    if custom is not None and _ensure_unit(context, custom):
        created.append("custom unit")
    save_dose(context, spec)
    return [*created, "dose"]
