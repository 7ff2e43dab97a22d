"""What a rule is given: the diary snapshot, the knowledge base, the thresholds and what to look at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from relief.core.display import amount_text
from relief.safety.alerts import Evidence
from relief.safety.snapshot import DoseView


@dataclass
class Focus:
    """What to check.

    ``check_entry`` focuses on the saved entry (and counts up to its time); ``check_diary`` focuses on
    recent entries and also runs the whole-diary summaries (``summary``).
    """

    ref: dt.datetime
    doses: list[DoseView] = field(default_factory=list)
    medications: list[Any] = field(default_factory=list)
    side_effects: list[Any] = field(default_factory=list)
    batches: list[Any] = field(default_factory=list)
    day_records: list[Any] = field(default_factory=list)
    summary: bool = False
    mode: str = "entry"


PREVIEW_ID = "unsaved-dose"
"""The id of the dose a preview checks before it is taken: rules word what it would change as "would"."""


def is_preview(dose: DoseView) -> bool:
    return dose.id == PREVIEW_ID


def includes_preview(doses: Iterable[DoseView]) -> bool:
    return any(is_preview(d) for d in doses)


def dose_evidence(dose: DoseView) -> Evidence:
    return Evidence("dose", dose.id, dose.label)


def medication_evidence(med: Any) -> Evidence:
    stop = f" to {med.stopped_on}" if med.stopped_on else ""
    return Evidence("standing_medication", str(med.id), f"{med.substance.name} from {med.started_on}{stop}")


def fmt_g(value: float) -> str:
    return f"{amount_text(value)} g"
