"""Helpers that several importers use to turn a source row into an attack with doses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from relief.diary.services import Pain, log_attack, log_day
from relief.exchange.importers.base import ImportContext, parse_amount
from relief.treatments.services import log_dose

NO_MEDICATION = {"", "none", "no", "nothing", "-", "n/a", "na", "0", "not taken"}
FOUR_POINT_WORDS = {
    "none": 0,
    "no pain": 0,
    "mild": 1,
    "moderate": 2,
    "severe": 3,
    "very severe": 3,
    "extreme": 3,
}


@dataclass
class DoseSpec:
    name: str
    amount: float | None = None
    unit: str = ""
    raw_amount: str = ""
    taken_at: datetime | None = None
    route: str = "oral"
    reason: str = "acute"
    notes: str = ""
    stomach: str = ""
    is_estimate: bool = False


@dataclass
class AttackSpec:
    started_at: datetime
    ended_at: datetime | None
    notes: str
    pain_nrs: int | None = None
    pain_four_point: int | None = None
    believed_migraine: bool | None = None
    doses: list[DoseSpec] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)  # other Attack fields (side, symptoms, aura ...)
    factors: dict[str, float | None] = field(default_factory=dict)  # tags on the local day of the start
    day: date | None = None  # that local day (needed with factors)


def split_medications(text: str) -> list[str]:
    """'Sumatriptan; Ibuprofen 400mg' -> two names; 'None' -> none."""
    if text.strip().lower() in NO_MEDICATION:
        return []
    parts = re.split(r"\s*(?:;|,|\+|&|\band\b)\s*", text)
    return [p.strip() for p in parts if p.strip() and p.strip().lower() not in NO_MEDICATION]


def read_pain(text: str) -> tuple[int | None, int | None]:
    """0-10 numbers become NRS; none/mild/moderate/severe become the 4-point scale."""
    value = text.strip().lower()
    if not value:
        return None, None
    if value in FOUR_POINT_WORDS:
        return None, FOUR_POINT_WORDS[value]
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"cannot read the pain {text!r}; use 0-10 or none/mild/moderate/severe") from None
    if not 0 <= number <= 10 or number != int(number):
        raise ValueError(f"pain {text!r} is not a whole number from 0 to 10")
    return int(number), None


def dose_from_text(name_text: str, amount_text: str = "") -> DoseSpec:
    """A medication name with an optional amount in the name ('Ibuprofen 400mg') or its own column."""
    name, amount, unit, raw = name_text.strip(), None, "", amount_text.strip()
    inline = re.search(r"\s(\d+(?:[.,]\d+)?\s*(?:mcg|µg|ug|mg|g|ml))\b", " " + name, re.IGNORECASE)
    if inline and not raw:
        raw = inline.group(1)
        name = (" " + name).replace(inline.group(0), " ").strip()
    if raw:
        parsed = parse_amount(raw)
        if parsed:
            amount, unit = parsed
    return DoseSpec(name=name, amount=amount, unit=unit, raw_amount=raw)


def save_attack(context: ImportContext, spec: AttackSpec) -> list[str]:
    pain = []
    if spec.pain_nrs is not None or spec.pain_four_point is not None:
        pain = [Pain(at=spec.started_at, nrs=spec.pain_nrs, four_point=spec.pain_four_point)]
    attack = log_attack(
        context.user,
        started_at=spec.started_at,
        ended_at=spec.ended_at,
        believed_migraine=spec.believed_migraine,
        notes=spec.notes,
        pain=pain,
        **spec.fields,
    ).entry
    context.created(attack)
    created = ["attack"] + ["pain sample"] * len(pain)
    if spec.factors and spec.day is not None:
        log_day(context.user, day=spec.day, factors=spec.factors)
        created += ["factor"] * len(spec.factors)
    for dose in spec.doses:
        save_dose(context, dose, attack=attack, default_time=spec.started_at)
        created.append("dose")
    return created


def save_dose(
    context: ImportContext, spec: DoseSpec, *, attack=None, default_time: datetime | None = None
) -> None:
    substance = context.substance(spec.name)
    notes = [f"Imported from {context.source} as {spec.name!r}"]
    if spec.raw_amount and spec.amount is None:
        notes.append(f"amount as written: {spec.raw_amount!r} (no unit we could read)")
    if spec.notes:
        notes.append(spec.notes)
    dose = log_dose(
        context.user,
        substance=substance,
        amount=spec.amount,
        unit=spec.unit if spec.amount is not None else "",
        taken_at=spec.taken_at or default_time,
        route=spec.route,
        reason=spec.reason,
        attack=attack,
        stomach=spec.stomach,
        is_estimate=spec.is_estimate,
        notes="; ".join(notes),
    )
    context.created(getattr(dose, "entry", dose))


def describe_day(day: date) -> str:
    return day.isoformat()
