"""Daily check-ins (Flaredown, Bearable) saved as day records with factors and doses.

Check-in apps are used every day, so a check-in is a real day record; days without
a check-in stay without one.  Ratings whose scale differs from ours are mapped and
the raw value is kept in the day's notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from relief.diary.services import log_day
from relief.exchange.importers.base import ImportContext
from relief.exchange.importers.common import DoseSpec, save_dose

HEADACHE_NAME = re.compile(r"headache|migraine|head pain|head ache", re.IGNORECASE)


@dataclass
class CheckinSpec:
    day: date
    lines: list[int] = field(default_factory=list)
    fields: dict[str, float | int | None] = field(default_factory=dict)
    factors: dict[str, float | None] = field(default_factory=dict)
    doses: list[DoseSpec] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"day {self.day}"]
        if self.fields.get("worst_pain") is not None:
            parts.append(f"worst pain {self.fields['worst_pain']}/10")
        if self.factors:
            parts.append(f"{len(self.factors)} factor(s)")
        if self.doses:
            parts.append(", ".join(d.name for d in self.doses))
        return ", ".join(parts)


def save_checkin(context: ImportContext, spec: CheckinSpec, default_time: datetime) -> list[str]:
    fields: dict[str, Any] = {k: v for k, v in spec.fields.items() if v is not None}
    notes = " ".join(spec.notes)
    context.created(
        log_day(context.user, day=spec.day, factors=spec.factors or None, notes=notes, **fields).entry
    )
    created = ["day record"] + ["factor"] * len(spec.factors)
    for dose in spec.doses:
        save_dose(context, dose, default_time=default_time)
        created.append("dose")
    return created


def tag_name(text: str) -> str:
    return " ".join(text.split())[:80]


def pressure_hpa(value: float) -> float:
    """Flaredown stored what the weather service returned: hPa/mbar or, in imperial requests, inHg."""
    return round(value * 33.8639, 1) if value < 40 else value


def fahrenheit_to_c(value: float) -> float:
    return round((value - 32) * 5 / 9, 1)


def humidity_pct(value: float) -> float:
    return round(value * 100, 1) if value <= 1 else value
