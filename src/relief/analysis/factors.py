"""Daily exposure indicators derived from the ``days`` frame.

Every candidate trigger or protector is turned into a 0/1 indicator per
calendar day (NaN where the diary does not say).  The same definitions are
used by the trigger analysis and by the simulator, so planted effects and
estimated effects always talk about the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from .frames import TAG_PREFIX

FloatArray = npt.NDArray[np.float64]

MENSTRUAL_WINDOW = "menstrual_window"
SLEEP_BELOW_USUAL = "sleep_below_usual"
SHORT_SLEEP = "short_sleep"
HIGH_STRESS = "high_stress"
VERY_STRESSED = "very_stressed"


@dataclass(frozen=True)
class FactorRule:
    name: str
    description: str
    label: str = ""
    """A human name for pages and reports ("sleeping less than 6 hours")."""


FACTOR_RULES: tuple[FactorRule, ...] = (
    FactorRule(
        MENSTRUAL_WINDOW,
        "day -2 to +3 around the first day of bleeding (there is no day 0)",
        "the days around a period starting",
    ),
    FactorRule(SHORT_SLEEP, "slept less than 6 h", "sleeping less than 6 hours"),
    FactorRule(
        SLEEP_BELOW_USUAL, "slept at least 1 h less than the person's median", "sleeping less than usual"
    ),
    FactorRule("poor_sleep_quality", "sleep quality 1 or 2 of 5", "poor sleep"),
    FactorRule(VERY_STRESSED, "stress 7 or more of 10", "a very stressful day"),
    FactorRule(HIGH_STRESS, "stress at least 3 points above the person's median", "more stress than usual"),
    FactorRule(
        "caffeine_below_usual",
        "caffeine at least 100 mg below the person's median",
        "less caffeine than usual",
    ),
    FactorRule(
        "caffeine_above_usual",
        "caffeine at least 100 mg above the person's median",
        "more caffeine than usual",
    ),
    FactorRule("alcohol", "any alcohol", "drinking alcohol"),
    FactorRule("exercise", "at least 20 minutes of exercise", "exercising for 20 minutes or more"),
    FactorRule("skipped_meal", "at least one skipped meal", "skipping a meal"),
    FactorRule(
        "low_water", "drank at least 0.75 l less than the person's median", "drinking less water than usual"
    ),
    FactorRule(
        "pressure_drop", "air pressure fell by 5 hPa or more since the day before", "air pressure falling"
    ),
    FactorRule(
        "pressure_rise", "air pressure rose by 5 hPa or more since the day before", "air pressure rising"
    ),
    FactorRule(
        "temperature_rise",
        "daily mean temperature rose by 5 °C or more since the day before",
        "a sudden warm day",
    ),
    FactorRule("high_humidity", "mean relative humidity of 85 % or more", "very humid air"),
)

ESTABLISHED: tuple[tuple[str, int], ...] = (
    (MENSTRUAL_WINDOW, 0),
    (SHORT_SLEEP, 0),
    (SLEEP_BELOW_USUAL, 0),
    (VERY_STRESSED, 0),
    (HIGH_STRESS, 0),
    (HIGH_STRESS, 1),
    ("pressure_drop", 0),
    ("alcohol", 0),
    ("alcohol", 1),
    ("skipped_meal", 0),
    ("exercise", 0),
    ("exercise", 1),
)
"""The pre-specified primary family: factor-lags with published evidence as migraine
triggers (menstruation, short or less sleep, stress and its let-down, weather, alcohol,
fasting) or protectors (regular exercise), at their usual lags.  Tags whose names say
alcohol (wine, beer, ...) join it at lags 0 and 1, and so do the factors the person
marks as suspected."""

ALCOHOL_WORDS = (
    "wine",
    "beer",
    "alcohol",
    "spirits",
    "cider",
    "gin",
    "vodka",
    "whisky",
    "prosecco",
    "champagne",
)


def primary_family(
    names: list[str],
    suspected: tuple[str, ...] = (),
    lags: tuple[int, ...] = (0, 1),
    established: tuple[tuple[str, int], ...] = ESTABLISHED,
) -> set[tuple[str, int]]:
    """The factor-lags tested as the primary family for a diary with factors ``names``."""
    family = {(f, lag) for f, lag in established if f in names and lag in lags}
    for name in names:
        tag = name[len(TAG_PREFIX) :].lower() if name.startswith(TAG_PREFIX) else ""
        if (tag and any(w in tag for w in ALCOHOL_WORDS)) or name in suspected:
            family |= {(name, lag) for lag in (0, 1) if lag in lags}
    return family


CORE_ADJUSTERS: tuple[tuple[str, int], ...] = (
    (MENSTRUAL_WINDOW, 0),
    (SLEEP_BELOW_USUAL, 0),
    (SLEEP_BELOW_USUAL, 1),
    (HIGH_STRESS, 0),
    (HIGH_STRESS, 1),
)
"""Factor-lag pairs every trigger model is adjusted for (when they vary)."""

CONSTRUCTS: tuple[tuple[str, ...], ...] = (
    (SHORT_SLEEP, SLEEP_BELOW_USUAL, "poor_sleep_quality"),
    (VERY_STRESSED, HIGH_STRESS),
    ("caffeine_below_usual", "caffeine_above_usual"),
    ("pressure_drop", "pressure_rise"),
)
"""Factors that measure the same thing in different ways: a factor is never adjusted for
another of its own construct (that would take away its own effect)."""


def same_construct(a: str, b: str) -> bool:
    if a == b:
        return True
    if a == "alcohol" or b == "alcohol":
        other = b if a == "alcohol" else a
        tag = other[len(TAG_PREFIX) :].lower() if other.startswith(TAG_PREFIX) else ""
        return bool(tag) and any(w in tag for w in ALCOHOL_WORDS)
    return any(a in group and b in group for group in CONSTRUCTS)


def _col(days: pd.DataFrame, name: str) -> FloatArray:
    if name not in days.columns:
        return np.full(len(days), np.nan)
    return pd.to_numeric(days[name], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _indicator(values: FloatArray, condition: npt.NDArray[np.bool_]) -> FloatArray:
    out = condition.astype(np.float64)
    out[np.isnan(values)] = np.nan
    return out


def _below_median(values: FloatArray, margin: float) -> FloatArray:
    if np.all(np.isnan(values)):
        return values.copy()
    usual = float(np.nanmedian(values))
    with np.errstate(invalid="ignore"):
        return _indicator(values, values <= usual - margin)


def _above_median(values: FloatArray, margin: float) -> FloatArray:
    if np.all(np.isnan(values)):
        return values.copy()
    usual = float(np.nanmedian(values))
    with np.errstate(invalid="ignore"):
        return _indicator(values, values >= usual + margin)


def _change(values: FloatArray) -> FloatArray:
    out = np.full(len(values), np.nan)
    out[1:] = values[1:] - values[:-1]
    return out


def bleeding_onsets(bleeding: FloatArray, min_gap: int = 14) -> npt.NDArray[np.int64]:
    """Indices of the first day of bleeding (level >= 2, light or more).

    A day is an onset when it bleeds and none of the ``min_gap`` days before
    it did.  Spotting (1) alone never starts a period.
    """
    bleeds = np.nan_to_num(bleeding, nan=0.0) >= 2
    idx = np.flatnonzero(bleeds)
    if idx.size == 0:
        return idx.astype(np.int64)
    keep = np.ones(idx.size, dtype=bool)
    keep[1:] = np.diff(idx) > min_gap
    return idx[keep].astype(np.int64)


def menstrual_window(bleeding: FloatArray) -> FloatArray:
    """1.0 on days -2, -1, 1, 2, 3 of each period (day 1 = first bleeding day).

    NaN everywhere when the diary never records any bleeding value, because
    then nothing is known about the cycle.
    """
    n = len(bleeding)
    if np.all(np.isnan(bleeding)):
        return np.full(n, np.nan)
    out = np.zeros(n)
    for onset in bleeding_onsets(bleeding):
        out[max(0, onset - 2) : min(n, onset + 3)] = 1.0
    return out


def daily_factors(days: pd.DataFrame) -> pd.DataFrame:
    """One 0/1/NaN column per candidate factor, indexed like ``days``."""
    sleep = _col(days, "sleep_hours")
    quality = _col(days, "sleep_quality")
    stress = _col(days, "stress")
    caffeine = _col(days, "caffeine_mg")
    alcohol = _col(days, "alcohol_units")
    exercise = _col(days, "exercise_min")
    meals = _col(days, "skipped_meals")
    water = _col(days, "water_l")
    pressure_change = _change(_col(days, "pressure_hpa"))
    temperature_change = _change(_col(days, "temperature_c"))
    humidity = _col(days, "humidity_pct")
    with np.errstate(invalid="ignore"):
        columns: dict[str, FloatArray] = {
            MENSTRUAL_WINDOW: menstrual_window(_col(days, "menstrual_bleeding")),
            SHORT_SLEEP: _indicator(sleep, sleep < 6.0),
            SLEEP_BELOW_USUAL: _below_median(sleep, 1.0),
            "poor_sleep_quality": _indicator(quality, quality <= 2),
            VERY_STRESSED: _indicator(stress, stress >= 7),
            HIGH_STRESS: _above_median(stress, 3.0),
            "caffeine_below_usual": _below_median(caffeine, 100.0),
            "caffeine_above_usual": _above_median(caffeine, 100.0),
            "alcohol": _indicator(alcohol, alcohol > 0),
            "exercise": _indicator(exercise, exercise >= 20),
            "skipped_meal": _indicator(meals, meals >= 1),
            "low_water": _below_median(water, 0.75),
            "pressure_drop": _indicator(pressure_change, pressure_change <= -5),
            "pressure_rise": _indicator(pressure_change, pressure_change >= 5),
            "temperature_rise": _indicator(temperature_change, temperature_change >= 5),
            "high_humidity": _indicator(humidity, humidity >= 85),
        }
        for tag in (c for c in days.columns if str(c).startswith(TAG_PREFIX)):
            values = _col(days, str(tag))
            columns[str(tag)] = _indicator(values, values > 0)
    return pd.DataFrame(columns, index=days.index)


def factor_label(name: str) -> str:
    """A human name for a factor: "sleeping less than 6 hours", "red wine"."""
    for rule in FACTOR_RULES:
        if rule.name == name:
            return rule.label or rule.description
    if name.startswith(TAG_PREFIX):
        return name[len(TAG_PREFIX) :]
    return name.replace("_", " ")


def describe_factor(name: str) -> str:
    for rule in FACTOR_RULES:
        if rule.name == name:
            return rule.description
    if name.startswith(TAG_PREFIX):
        return f"tag '{name[len(TAG_PREFIX) :]}' logged"
    return name
