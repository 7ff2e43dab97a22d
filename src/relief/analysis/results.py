"""Result records returned by the estimators; each has ``as_dict()`` (JSON-able)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

FEWEST_FOR_A_RATE = 5
"""A treatment's rate over fewer attacks than this is shown, with its interval, but called too few to
say: the answers do not compare it, and the charts draw no bar for it (only its interval)."""


def clean(value: Any) -> Any:
    """Recursively turn NaN/inf into None and numpy scalars into Python ones."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class _AsDict:
    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = clean(asdict(self))  # type: ignore[call-overload]
        return out


@dataclass(frozen=True)
class Rate(_AsDict):
    """A proportion with its Wilson 95 % interval."""

    k: int
    n: int
    rate: float
    ci: tuple[float, float]


@dataclass(frozen=True)
class TriggerResult(_AsDict):
    factor: str
    lag_days: int
    description: str
    effect: float
    """Adjusted odds ratio of an attack starting (Firth logistic, discrete-time hazard)."""
    ci: tuple[float, float]
    p_value: float
    q_value: float
    verdict: str
    """"trigger" | "protector" | "no_association" | "not_enough_data"."""
    exposed_days: int
    unexposed_days: int
    attacks: int
    exposed_attacks: int
    adjusted_for: tuple[str, ...] = ()
    note: str | None = None
    family: str = "exploratory"
    """"primary" (pre-specified: established triggers at usual lags and suspected factors)
    or "exploratory" (everything else); false discoveries are controlled within each."""
    label: str = ""
    """A human name for the factor."""


@dataclass(frozen=True)
class TreatmentResult(_AsDict):
    treatment: str
    dose_band: str | None
    treated_attacks: int
    pain_free_2h: Rate
    pain_relief_2h: Rate
    mbs_free_2h: Rate
    sustained_pain_free_24h: Rate
    rescue: Rate
    median_relief_min: float | None
    difference_vs_untreated_pain_free_2h: tuple[float, float, float] | None = None
    product: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class SideEffectResult(_AsDict):
    treatment: str
    dose_band: str | None
    doses: int
    doses_with_side_effect: Rate
    by_symptom: dict[str, int] = field(default_factory=dict)
    red_flags: int = 0


@dataclass(frozen=True)
class DoseResponseResult(_AsDict):
    exposure: str
    """"grams" or "mitragynine_mg"."""
    endpoint: str
    doses: int
    odds_ratio_per_unit: float
    ci: tuple[float, float]
    p_value: float
    note: str | None = None


@dataclass(frozen=True)
class ToleranceSignal(_AsDict):
    signal: str
    slope_per_month: float
    ci: tuple[float, float]
    p_value: float
    months: int
    verdict: str
    """"rising" | "falling" | "stable" | "not_enough_data"."""
    explanation: str
    start_level: float = math.nan
    """The fitted level at the start of the period (same unit as the signal)."""
    change: float = math.nan
    """Change over the whole period as a fraction of ``start_level`` (-0.45 = 45 % lower)."""
    change_ci: tuple[float, float] = (math.nan, math.nan)
    n: int = 0
    """Values the trend was fitted on."""


@dataclass(frozen=True)
class BenefitRiskReview(_AsDict):
    treatment: str
    start: str | None
    end: str | None
    benefit: dict[str, Any]
    cost: dict[str, Any]
    notes: list[str]
    wording: str = "Diary summary for discussion with a clinician; association, not proof of cause or effect."
