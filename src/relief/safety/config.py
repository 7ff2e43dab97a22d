"""Thresholds of the safety rules. Defaults are documented in docs/safety.md.

Override any of them with a ``RELIEF_SAFETY`` dict in the Django settings, or pass a config to
``check_entry`` / ``check_diary``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class SafetyConfig:
    # Interactions: how far apart two doses can be and still count together. Mitragynine's half-life is
    # 23-45 h, so the window may not be shorter than 48 h.
    lookback_hours: float = 48.0
    # check_diary looks at entries from the last `recent_days` for per-dose findings, and counts use over
    # `window_days` (one "month" for the ICHD-3 thresholds).
    recent_days: int = 7
    window_days: int = 30
    # Frequency
    consecutive_days: int = 7
    doses_per_day: int = 4
    redose_hours: float = 2.0
    # Dose
    band_caution_votes: int = 2  # how many references must call a dose strong or more for a caution
    usual_range_days: int = 90
    usual_range_min_doses: int = 5
    usual_range_margin: float = 0.0  # fraction above the 90th percentile of the person's own doses
    trend_weeks: int = 8
    trend_min_weeks: int = 4
    trend_ratio: float = 1.25
    tiny_leaf_dose_g: float = 0.1
    large_leaf_dose_g: float = 25.0
    unit_ratio: float = 10.0
    # Red flags stay active in check_diary for this many days.
    red_flag_days: int = 7
    # Products
    coa_max_age_days: int = 365
    # Special situations: after-effects can last up to 12 h (TripSit).
    driving_hours: float = 12.0

    def __post_init__(self) -> None:
        if self.lookback_hours < 48:
            raise ValueError("lookback_hours must be at least 48 (mitragynine's half-life is up to 45 h)")
        if self.window_days < 28:
            raise ValueError("window_days must be at least 28 (one month)")

    @classmethod
    def from_settings(cls) -> SafetyConfig:
        overrides: dict[str, Any] = dict(getattr(settings, "RELIEF_SAFETY", {}) or {})
        known = {f.name for f in fields(cls)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown RELIEF_SAFETY setting(s): {sorted(unknown)}")
        return replace(cls(), **overrides)
