"""Headache frequency: headache, migraine and medication days per month and per 28 days.

The default migraine day follows van der Arend et al. (Cephalalgia 2023): a
calendar day with (1) headache of at least 30 minutes with at least 2 of the
4 ICHD-3 pain features and at least 1 of nausea/vomiting or photophobia with
phonophobia, or (2) aura lasting 5-60 minutes, or (3) acute migraine-specific
medication (triptan, ergot, gepant, ditan) taken.  Every part is
configurable through :class:`MigraineDayDefinition`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from .classify import (
    AURA_SYMPTOMS,
    MIGRAINE_SPECIFIC,
    Tri,
    _intensity,
    _quality,
    _side,
    _tri,
    all_of,
    any_of,
    at_least,
)
from .daily import attack_days, day_positions
from .exceptions import NotFittedError
from .frames import Diary, known_durations, records
from .questionnaires import GRADERS, SCORERS
from .stats import slope_with_ci

NOT_ACUTE_CLASSES = ("supplement", "non_drug")


@dataclass(frozen=True)
class MigraineDayDefinition:
    min_duration_h: float = 0.5
    pain_features: int = 2
    aura_min_minutes: float = 5.0
    aura_max_minutes: float = 60.0
    count_aura: bool = True
    count_specific_medication: bool = True
    specific_classes: tuple[str, ...] = MIGRAINE_SPECIFIC
    name: str = "van der Arend 2023 e-diary definition"


@overload
def migraine_attacks(
    attacks: pd.DataFrame, definition: MigraineDayDefinition, with_unknown: Literal[False] = ...
) -> npt.NDArray[np.bool_]: ...


@overload
def migraine_attacks(
    attacks: pd.DataFrame, definition: MigraineDayDefinition, with_unknown: Literal[True]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]: ...


def migraine_attacks(
    attacks: pd.DataFrame, definition: MigraineDayDefinition, with_unknown: bool = False
) -> npt.NDArray[np.bool_] | tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Per attack: does it make its days migraine days under parts (1) or (2)?

    With ``with_unknown`` also returns, per attack, whether the answer is
    known: an attack whose features or duration are unknown is not counted
    as a migraine attack, but it is not known *not* to be one either.
    """
    out = np.zeros(len(attacks), dtype=bool)
    known = np.ones(len(attacks), dtype=bool)
    durations = known_durations(attacks)
    for k, a in enumerate(records(attacks)):
        long_enough: Tri
        if not np.isnan(durations[k]):
            long_enough = float(durations[k]) >= definition.min_duration_h
        elif pd.isna(a.get("end")):
            long_enough = True  # still going on: it has lasted a while
        else:
            long_enough = None  # only a date: the duration is not known
        intensity = _intensity(a)
        features = [
            _side(a.get("side"))[0],
            _quality(a.get("quality"))[0],
            None if math.isnan(intensity) else intensity >= 2,
            _tri(a.get("worse_with_activity")),
        ]
        symptoms = any_of(
            [
                any_of([_tri(a.get("nausea")), _tri(a.get("vomiting"))]),
                all_of([_tri(a.get("photophobia")), _tri(a.get("phonophobia"))]),
            ]
        )
        part1 = all_of([long_enough, at_least(features, definition.pain_features), symptoms])
        aura_min = a.get("aura_duration_min")
        has_aura = any(_tri(a.get(s)) is True for s in AURA_SYMPTOMS)
        part2 = (
            definition.count_aura
            and has_aura
            and aura_min is not None
            and not pd.isna(aura_min)
            and definition.aura_min_minutes <= float(aura_min) <= definition.aura_max_minutes
        )
        out[k] = bool(part1 is True or part2)
        known[k] = bool(out[k] or part1 is False)
    return (out, known) if with_unknown else out


def daily_table(diary: Diary, definition: MigraineDayDefinition | None = None) -> pd.DataFrame:
    """One row per diary day: headache, migraine, onset, kratom and acute-medication flags."""
    definition = definition or MigraineDayDefinition()
    days = diary.days
    n = len(days)
    ad = attack_days(diary)
    migraine = np.zeros(n, dtype=bool)
    flags, known = migraine_attacks(diary.attacks, definition, with_unknown=True)
    unknown_onset = np.zeros(n, dtype=bool)
    for k, is_migraine in enumerate(flags):
        if is_migraine and ad.last_day[k] >= 0:
            migraine[max(ad.first_day[k], 0) : ad.last_day[k] + 1] = True
        if not known[k] and ad.first_day[k] >= 0:
            unknown_onset[ad.first_day[k]] = True
    table = pd.DataFrame(
        {
            "date": pd.to_datetime(days["date"]).to_numpy(),
            "recorded": days["recorded"].astype(bool).to_numpy() if "recorded" in days else True,
            "headache": ad.covered,
            "attack_onset": ad.onset.astype(bool),
            "onset_features_unknown": unknown_onset,
        }
    )
    doses = diary.doses
    kratom = np.zeros(n, dtype=bool)
    acute_any = np.zeros(n, dtype=bool)
    classes: dict[str, npt.NDArray[np.bool_]] = {}
    if len(doses):
        pos = day_positions(days, doses["date"])
        cls = doses["substance_class"].astype("string").fillna("other").to_numpy()
        reason = doses["reason"].astype("string").fillna("").to_numpy()
        is_kratom = doses["is_kratom"].astype(bool).to_numpy()
        inside = pos >= 0
        kratom[pos[inside & is_kratom]] = True
        acute = inside & (reason != "preventive") & ~np.isin(cls, NOT_ACUTE_CLASSES)
        acute_any[pos[acute]] = True
        for c in sorted(set(cls[acute])):
            arr = np.zeros(n, dtype=bool)
            arr[pos[acute & (cls == c)]] = True
            classes[str(c)] = arr
        if definition.count_specific_medication:
            specific = acute & np.isin(cls, definition.specific_classes)
            migraine[pos[specific]] = True
    table["migraine"] = migraine
    table["kratom"] = kratom
    table["acute_any"] = acute_any
    for c, arr in classes.items():
        table[f"acute:{c}"] = arr
    return table


def _per_28(counts: dict[str, Any], measure: str) -> float | None:
    days = int(counts.get("days") or 0)
    return round(int(counts[measure]) / days * 28, 2) if days else None


def _summarise(block: pd.DataFrame) -> dict[str, Any]:
    n = len(block)
    acute = {c.split(":", 1)[1]: int(block[c].sum()) for c in block.columns if c.startswith("acute:")}
    acute["any"] = int(block["acute_any"].sum())
    migraine = int(block["migraine"].sum())
    return {
        "days": n,
        "recorded_days": int(block["recorded"].sum()),
        "headache_days": int(block["headache"].sum()),
        "migraine_days": migraine,
        "migraine_days_per_28": round(migraine / n * 28, 2) if n else None,
        "attacks": int(block["attack_onset"].sum()),
        "acute_medication_days": acute,
        "kratom_days": int(block["kratom"].sum()),
    }


def _summarise_groups(table: pd.DataFrame, keys: npt.NDArray[Any]) -> list[tuple[Any, dict[str, Any]]]:
    """``_summarise`` for every group of ``keys`` at once (sorted by key)."""
    numeric = table.drop(columns=["date"]).astype(np.int64)
    sums = numeric.groupby(keys, sort=True).sum()
    sizes = numeric.groupby(keys, sort=True).size()
    acute_cols = [c for c in numeric.columns if c.startswith("acute:")]
    out: list[tuple[Any, dict[str, Any]]] = []
    for key, row in zip(sums.index, sums.to_dict("records"), strict=True):
        n = int(sizes[key])
        acute = {c.split(":", 1)[1]: int(row[c]) for c in acute_cols}
        acute["any"] = int(row["acute_any"])
        migraine = int(row["migraine"])
        out.append(
            (
                key,
                {
                    "days": n,
                    "recorded_days": int(row["recorded"]),
                    "headache_days": int(row["headache"]),
                    "migraine_days": migraine,
                    "migraine_days_per_28": round(migraine / n * 28, 2) if n else None,
                    "attacks": int(row["attack_onset"]),
                    "acute_medication_days": acute,
                    "kratom_days": int(row["kratom"]),
                },
            )
        )
    return out


@dataclass
class FrequencyAnalysis:
    """Monthly and 28-day counts, trend and change against a baseline period.

    ``baseline`` and ``compare`` are (first day, last day) pairs; when only
    ``baseline`` is given, everything after it is compared with it.
    """

    definition: MigraineDayDefinition = field(default_factory=MigraineDayDefinition)
    baseline: tuple[date, date] | None = None
    compare: tuple[date, date] | None = None
    daily_: pd.DataFrame | None = None
    monthly_: list[dict[str, Any]] = field(default_factory=list)
    periods_: list[dict[str, Any]] = field(default_factory=list)
    trend_: dict[str, Any] = field(default_factory=dict)
    baseline_: dict[str, Any] | None = None
    questionnaires_: list[dict[str, Any]] = field(default_factory=list)
    notes_: list[str] = field(default_factory=list)

    def fit(self, diary: Diary) -> FrequencyAnalysis:
        table = daily_table(diary, self.definition)
        self.daily_ = table
        self.notes_ = []
        month = pd.to_datetime(table["date"]).dt.strftime("%Y-%m").to_numpy()
        self.monthly_ = [{"month": str(m), **s} for m, s in _summarise_groups(table, month)]
        full = (len(table) // 28) * 28
        period = np.full(len(table), -1)
        period[:full] = np.arange(full) // 28
        dates = pd.to_datetime(table["date"]).dt.date.to_numpy()
        self.periods_ = [
            {"start": str(dates[int(i) * 28]), "end": str(dates[int(i) * 28 + 27]), **s}
            for i, s in _summarise_groups(table, period)
            if int(i) >= 0
        ]
        self.trend_ = self._trend()
        self.baseline_ = self._baseline(table) if self.baseline else None
        self.questionnaires_ = questionnaire_history(diary.questionnaires)
        return self

    def _trend(self) -> dict[str, Any]:
        counts = np.array([p["migraine_days"] for p in self.periods_], dtype=np.float64)
        if len(counts) < 3:
            self.notes_.append("Trend: not enough data yet (needs at least three full 28-day periods).")
            return {
                "migraine_days_slope_per_28": None,
                "ci": [None, None],
                "p_value": None,
                "verdict": "not_enough_data",
            }
        slope, low, high, p = slope_with_ci(np.arange(len(counts), dtype=np.float64), counts)
        verdict = "stable"
        if not math.isnan(low) and low > 0:
            verdict = "rising"
        elif not math.isnan(high) and high < 0:
            verdict = "falling"
        return {
            "migraine_days_slope_per_28": slope,
            "ci": [low, high],
            "p_value": p,
            "verdict": verdict,
            "periods": len(counts),
        }

    def _baseline(self, table: pd.DataFrame) -> dict[str, Any]:
        assert self.baseline is not None
        dates = pd.to_datetime(table["date"]).dt.date
        b0, b1 = self.baseline
        base = table[(dates >= b0) & (dates <= b1)]
        if self.compare:
            c0, c1 = self.compare
            comp = table[(dates >= c0) & (dates <= c1)]
        else:
            comp = table[dates > b1]
        out: dict[str, Any] = {
            "baseline": {"start": str(b0), "end": str(b1), **_summarise(base)},
            "compare": {
                "start": str(pd.Timestamp(comp["date"].iloc[0]).date()) if len(comp) else None,
                "end": str(pd.Timestamp(comp["date"].iloc[-1]).date()) if len(comp) else None,
                **_summarise(comp),
            },
        }
        if len(base) < 28:
            self.notes_.append(
                "Baseline: IHS guidelines ask for at least 28 baseline days; this baseline is shorter."
            )
        measure = self._baseline_measure(base, comp)
        out["measure"] = measure
        bm = _per_28(out["baseline"], measure)
        cm = _per_28(out["compare"], measure)
        if bm is None or cm is None:
            out.update(change_per_28=None, percent_change=None, responder_50=None, responder_30=None)
            self.notes_.append("Baseline comparison: not enough data yet in one of the periods.")
            return out
        change = cm - bm
        pct = (change / bm * 100) if bm > 0 else None
        out.update(
            change_per_28=round(change, 2),
            percent_change=None if pct is None else round(pct, 1),
            responder_50=None if pct is None else pct <= -50,
            responder_30=None if pct is None else pct <= -30,
        )
        periods = [p for p in self.periods_ if p["start"] > str(b1)]
        if bm > 0 and periods:
            reductions = [1 - (_per_28(p, measure) or 0.0) / bm for p in periods]
            out["periods_with_50_percent_fewer_migraine_days"] = sum(r >= 0.5 for r in reductions)
            out["periods_compared"] = len(periods)
        return out

    def _baseline_measure(self, base: pd.DataFrame, comp: pd.DataFrame) -> str:
        """Migraine days, unless the features of most attacks in a period are not recorded.

        Then migraine days would be counted as 0 for want of data, so the
        comparison uses headache days and the notes say so.
        """
        for name, block in (("baseline", base), ("comparison", comp)):
            onsets = int(block["attack_onset"].sum())
            unknown = int(block["onset_features_unknown"].sum())
            if onsets and unknown * 2 > onsets:
                self.notes_.append(
                    f"Baseline comparison uses headache days, not migraine days: the features of {unknown} "
                    f"of {onsets} attacks in the {name} period are not recorded, so whether they were "
                    "migraine is not known."
                )
                return "headache_days"
        return "migraine_days"

    def summary(self) -> pd.DataFrame:
        if self.daily_ is None:
            raise NotFittedError("call fit() first")
        return pd.DataFrame(
            [{k: v for k, v in m.items() if k != "acute_medication_days"} for m in self.monthly_]
        )


def questionnaire_history(questionnaires: pd.DataFrame) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for _, q in questionnaires.sort_values("date").iterrows() if len(questionnaires) else []:
        instrument = str(q["instrument"])
        score = q.get("score")
        if (score is None or pd.isna(score)) and instrument in SCORERS and isinstance(q.get("answers"), list):
            score = SCORERS[instrument](q["answers"]).score
        if score is None or pd.isna(score):
            continue
        grade, label = GRADERS[instrument](float(score)) if instrument in GRADERS else (None, None)
        out.append(
            {
                "date": str(pd.Timestamp(q["date"]).date()),
                "instrument": instrument,
                "score": float(score),
                "grade": grade,
                "label": label,
            }
        )
    return out
