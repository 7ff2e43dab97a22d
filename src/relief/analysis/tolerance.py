"""Tolerance and dependence signals for kratom (or any substance).

* relief per dose falling: NRS drop at 2 h per gram, regressed on time (months)
* dose needed rising: grams per dose, regressed on time (months)
* use frequency: days with a dose per 28-day period, regressed on time
* withdrawal: SOWS scores in the days around breaks in use (a break is
  ``break_days`` or more days without a dose after a stretch of frequent use)

Slopes come from ordinary least squares with t-based 95 % intervals.  A
signal is "rising" or "falling" only when the interval excludes zero; these
are diary patterns to discuss, not proof of tolerance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .daily import attack_days, day_positions
from .exceptions import NotFittedError
from .frames import Diary
from .results import ToleranceSignal
from .stats import slope_with_ci

DAYS_PER_MONTH = 30.4375


def _signal(
    name: str, t_months: np.ndarray, values: np.ndarray, min_n: int, explanation: str
) -> ToleranceSignal:
    ok = ~(np.isnan(t_months) | np.isnan(values))
    span = float(np.ptp(t_months[ok])) if ok.any() else 0.0
    if ok.sum() < min_n or span < 2.0:
        return ToleranceSignal(
            signal=name,
            slope_per_month=math.nan,
            ci=(math.nan, math.nan),
            p_value=math.nan,
            months=round(span),
            verdict="not_enough_data",
            explanation=f"not enough data yet: needs {min_n} values spread over at least 2 months. "
            + explanation,
        )
    slope, low, high, p = slope_with_ci(t_months[ok], values[ok])
    verdict = "stable"
    if low > 0:
        verdict = "rising"
    elif high < 0:
        verdict = "falling"
    return ToleranceSignal(
        signal=name,
        slope_per_month=slope,
        ci=(low, high),
        p_value=p,
        months=round(span),
        verdict=verdict,
        explanation=explanation,
    )


@dataclass
class ToleranceAnalysis:
    substance: str = "kratom"
    """"kratom" selects ``is_kratom`` doses; anything else matches substance or class (case-insensitive)."""
    break_days: int = 3
    frequent_days: int = 7
    """A stretch counts as frequent use with at least this many dose days in the 14 days before a break."""
    signals_: list[ToleranceSignal] = field(default_factory=list)
    breaks_: list[dict[str, Any]] = field(default_factory=list)
    notes_: list[str] = field(default_factory=list)
    fitted_: bool = False

    def _doses(self, diary: Diary) -> pd.DataFrame:
        d = diary.doses
        if len(d) == 0:
            return d
        if self.substance.lower() == "kratom":
            return d[d["is_kratom"].astype(bool)]
        key = self.substance.lower()
        return d[
            (d["substance"].astype("string").str.lower() == key)
            | (d["substance_class"].astype("string").str.lower() == key)
        ]

    def fit(self, diary: Diary) -> ToleranceAnalysis:
        doses = self._doses(diary).sort_values("taken_at")
        self.notes_ = []
        self.fitted_ = True
        if len(diary.days) == 0:
            self.signals_, self.breaks_ = [], []
            return self
        first = pd.Timestamp(diary.days["date"].iloc[0])
        t = ((pd.to_datetime(doses["date"]) - first).dt.days / DAYS_PER_MONTH).to_numpy(dtype=np.float64)
        grams = pd.to_numeric(doses["amount_g"], errors="coerce").to_numpy(dtype=np.float64)
        drop = (
            pd.to_numeric(doses["pain_at_dose"], errors="coerce")
            - pd.to_numeric(doses["pain_2h"], errors="coerce")
        ).to_numpy(dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_gram = np.where(grams > 0, drop / grams, np.nan)
        self.signals_ = [
            _signal(
                "relief_per_gram",
                t,
                per_gram,
                10,
                "Pain drop (0-10) at 2 h per gram; a falling slope can mean the same dose helps less.",
            ),
            _signal(
                "grams_per_dose",
                t,
                grams,
                10,
                "Grams per dose; a rising slope can mean more is needed for the same effect.",
            ),
        ]
        n = len(diary.days)
        use = np.zeros(n, dtype=bool)
        pos = day_positions(diary.days, doses["date"]) if len(doses) else np.array([], dtype=np.int64)
        use[pos[pos >= 0]] = True
        periods = [(i, float(use[i : i + 28].sum())) for i in range(0, n - 27, 28)]
        self.signals_.append(
            _signal(
                "use_days_per_28",
                np.array([i / DAYS_PER_MONTH for i, _ in periods], dtype=np.float64),
                np.array([v for _, v in periods], dtype=np.float64),
                3,
                "Days with a dose per 28-day period; a rising slope means more frequent use.",
            )
        )
        self.breaks_ = self._breaks(diary, use)
        if not len(doses):
            self.notes_.append(f"No {self.substance} doses in the diary.")
        return self

    def _breaks(self, diary: Diary, use: np.ndarray) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        n = len(use)
        q = diary.questionnaires
        sows = q[q["instrument"].astype("string") == "sows"] if len(q) else q
        sows_pos = day_positions(diary.days, sows["date"]) if len(sows) else np.array([], dtype=np.int64)
        sows_scores = (
            pd.to_numeric(sows["score"], errors="coerce").to_numpy(dtype=np.float64)
            if len(sows)
            else np.array([], dtype=np.float64)
        )
        headache = attack_days(diary).covered
        i = 1
        while i < n:
            if use[i - 1] and not use[i]:
                j = i
                while j < n and not use[j]:
                    j += 1
                gap = j - i
                before = int(use[max(0, i - 14) : i].sum())
                if gap >= self.break_days and before >= self.frequent_days:
                    around = [
                        {"day": int(p - i + 1), "score": float(s)}
                        for p, s in zip(sows_pos, sows_scores, strict=True)
                        if p >= 0 and i - 14 <= p <= i + 14
                    ]
                    out.append(
                        {
                            "break_start": str(pd.Timestamp(diary.days["date"].iloc[i]).date()),
                            "days_without": int(gap) if j < n else None,
                            "dose_days_in_14_before": before,
                            "sows": around,
                            "max_sows_after": max(
                                (a["score"] for a in around if a["day"] >= 1), default=None
                            ),
                            "headache_days_7_before": int(headache[max(0, i - 7) : i].sum()),
                            "headache_days_7_after": int(headache[i : i + 7].sum()),
                        }
                    )
                i = j
            else:
                i += 1
        return out

    def summary(self) -> pd.DataFrame:
        if not self.fitted_:
            raise NotFittedError("call fit() first")
        return pd.DataFrame([s.as_dict() for s in self.signals_])
