"""Tolerance and dependence signals for kratom (or any substance).

* relief per dose falling: NRS drop at 2 h = grams x relief per gram, with
  relief per gram a straight line in time over the whole period
* dose needed rising: grams per dose, and grams per day of use, over time
* use frequency: days with a dose per 28-day period, over time
* withdrawal: SOWS scores in the days around breaks in use (a break is
  ``break_days`` or more days without a dose after a stretch of frequent use)

Slopes come from least squares over the whole period with t-based 95 %
intervals, and each signal also says how much it changed from the start to
the end of the period (a fraction of the starting level, delta-method 95 %
interval).  A
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
from .stats import linear_trend

DAYS_PER_MONTH = 30.4375


def _signal(
    name: str,
    t_months: np.ndarray,
    values: np.ndarray,
    min_n: int,
    explanation: str,
    weight: np.ndarray | None = None,
) -> ToleranceSignal:
    """A straight-line trend over the whole period, with its interval and the change from start to end."""
    ok = ~(np.isnan(t_months) | np.isnan(values))
    if weight is not None:
        ok &= ~np.isnan(weight)
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
            n=int(ok.sum()),
        )
    t0 = float(np.min(t_months[ok]))
    trend = linear_trend(t_months[ok] - t0, values[ok], None if weight is None else weight[ok])
    low, high = trend.ci
    verdict = "stable"
    if low > 0:
        verdict = "rising"
    elif high < 0:
        verdict = "falling"
    change, c_low, c_high = trend.relative_change(span)
    return ToleranceSignal(
        signal=name,
        slope_per_month=trend.b,
        ci=(low, high),
        p_value=trend.p_value,
        months=round(span),
        verdict=verdict,
        explanation=explanation,
        start_level=trend.a,
        change=change,
        change_ci=(c_low, c_high),
        n=trend.n,
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
        positive = np.where(grams > 0, grams, np.nan)
        n = len(diary.days)
        use = np.zeros(n, dtype=bool)
        per_day = np.zeros(n)
        pos = day_positions(diary.days, doses["date"]) if len(doses) else np.array([], dtype=np.int64)
        use[pos[pos >= 0]] = True
        inside = (pos >= 0) & ~np.isnan(grams)
        np.add.at(per_day, pos[inside], grams[inside])
        day_t = np.arange(n, dtype=np.float64) / DAYS_PER_MONTH
        periods = [(i, float(use[i : i + 28].sum())) for i in range(0, n - 27, 28)]
        self.signals_ = [
            _signal(
                "relief_per_gram",
                t,
                drop,
                10,
                "Pain drop (0-10) at 2 h per gram, fitted as a straight line over the whole period; "
                "a falling line can mean the same dose helps less.",
                weight=positive,
            ),
            _signal(
                "grams_per_dose",
                t,
                grams,
                10,
                "Grams per dose over the whole period; a rising line can mean more is needed for the same effect.",
            ),
            _signal(
                "grams_per_day",
                day_t,
                np.where(use, per_day, np.nan),
                10,
                "Grams per day on days with a dose; rises when doses get bigger or more frequent.",
            ),
            _signal(
                "use_days_per_28",
                np.array([i / DAYS_PER_MONTH for i, _ in periods], dtype=np.float64),
                np.array([v for _, v in periods], dtype=np.float64),
                3,
                "Days with a dose per 28-day period; a rising line means more frequent use.",
            ),
        ]
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
