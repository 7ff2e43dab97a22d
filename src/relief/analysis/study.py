"""Simulation study: does the trigger analysis find what was planted?

For many simulated diaries this compares the trigger analysis with an
*oracle*: the correctly specified model that knows which factors matter and
at which lag (one Firth logistic model with exactly the planted factor-lag
terms), fitted on the same at-risk days.

The oracle's decision uses the same error control as the analysis: its
p-value for each planted factor replaces the analysis' p-value for that
factor at the true lag, and Benjamini-Hochberg is applied to the same family
of tests.  The comparison therefore isolates what not knowing the model costs
(searching lags and factors, adjusting for the core set instead of the true
set).  The oracle's plain 5 % decision without any multiplicity control is
reported beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .daily import attack_days
from .factors import daily_factors
from .results import TriggerResult
from .simulate import PlantedEffect, SimConfig, SimulatedDiary, simulate_diary
from .stats import benjamini_hochberg, fit_logistic, group_binary_rows, lr_pvalue
from .triggers import MinimumData, analyse_triggers, filled_with_flags, lagged, without_rare_unknown

FloatArray = npt.NDArray[np.float64]


def _effects(*items: tuple[str, int, float]) -> tuple[PlantedEffect, ...]:
    return tuple(PlantedEffect(f, lag, b) for f, lag, b in items)


GENERATORS: dict[str, SimConfig] = {
    "project": SimConfig(),
    "thresholds": SimConfig(
        effects=_effects(
            ("menstrual_window", 0, 1.6),
            ("tag:red wine", 1, 1.5),
            ("short_sleep", 0, 1.3),
            ("very_stressed", 0, 1.2),
            ("pressure_drop", 0, 1.1),
            ("exercise", 1, -1.2),
        ),
        record_rate=0.85,
    ),
    "long_attacks_food": SimConfig(
        effects=_effects(
            ("menstrual_window", 0, 1.6),
            ("tag:red wine", 0, 1.5),
            ("sleep_below_usual", 0, 1.3),
            ("high_stress", 0, 1.2),
            ("pressure_drop", 0, 1.1),
            ("exercise", 0, -1.2),
        ),
        long_attack_rate=0.3,
        cycle_sd=3.5,
        chocolate_in_window=0.45,
        chocolate_outside=0.06,
    ),
    "autocorrelated": SimConfig(
        effects=_effects(
            ("menstrual_window", 0, 1.6),
            ("tag:red wine", 1, 1.5),
            ("short_sleep", 0, 1.3),
            ("high_stress", 1, 1.2),
            ("pressure_drop", 0, 1.1),
            ("exercise", 1, -1.2),
        ),
        stress_phi=0.9,
        pressure_phi=0.92,
        record_rate=0.8,
    ),
}
"""Diary generators that differ as real diaries do: thresholds instead of personal
deviations, missing days, attacks over 24 h, irregular cycles, a food eaten before
menses, strongly autocorrelated stress and pressure."""

EXACT_NULLS: tuple[str, ...] = (
    "skipped_meal",
    "caffeine_below_usual",
    "caffeine_above_usual",
    "low_water",
    "temperature_rise",
    "high_humidity",
)
"""Derived factors that every generator draws independently of attacks and of every planted
factor.  Skipped meals sit in the primary family, so these show what the family's
false-discovery control costs a person in wrong calls, beside the tags of
``SimTruth.non_triggers`` (which are exploratory)."""

IID_PLANTED = ("tag:red wine", "exercise")
"""Planted factors drawn independently day by day: at the lag that was *not* planted they
are exact nulls too (both lags are in the primary family)."""


@dataclass
class FactorTally:
    factor: str
    lag: int
    log_odds: float
    analysis: int = 0
    analysis_any_lag: int = 0
    oracle: int = 0
    oracle_unadjusted: int = 0
    ideal: int = 0
    """The correctly specified model, Benjamini-Hochberg over its own planted terms only
    (complete cases: a day counts only when every planted term is known)."""
    ideal_all_days: int = 0
    """The same model with the analysis' handling of unknown values: each term is tested on
    the days it is known, the other terms set to 0 with an indicator where they are not."""


@dataclass
class StudyResult:
    days: int
    diaries: int
    planted: list[FactorTally]
    non_trigger_calls: dict[str, int]
    attacks_per_diary: float
    extra: dict[str, Any] = field(default_factory=dict)
    generator: str = "project"
    null_calls: dict[str, int] = field(default_factory=dict)
    """Diaries in which an exact null (:data:`EXACT_NULLS` at any lag, an iid planted factor
    at its other lag) was called a trigger or a protector."""

    def as_dict(self) -> dict[str, Any]:
        n = self.diaries
        return {
            "generator": self.generator,
            "days": self.days,
            "diaries": n,
            "mean_attacks": round(self.attacks_per_diary, 1),
            "planted": [
                {
                    "factor": t.factor,
                    "lag_days": t.lag,
                    "true_odds_ratio": round(math.exp(t.log_odds), 2),
                    "analysis_rate": t.analysis / n,
                    "analysis_any_lag_rate": t.analysis_any_lag / n,
                    "oracle_rate": t.oracle / n,
                    "oracle_unadjusted_rate": t.oracle_unadjusted / n,
                    "ratio_to_oracle": (t.analysis / t.oracle) if t.oracle else None,
                    "ideal_rate": t.ideal / n,
                    "ratio_to_ideal": (t.analysis / t.ideal) if t.ideal else None,
                    "ideal_all_days_rate": t.ideal_all_days / n,
                    "ratio_to_ideal_all_days": (t.analysis / t.ideal_all_days) if t.ideal_all_days else None,
                }
                for t in self.planted
            ],
            "non_triggers_called_trigger": {k: v / n for k, v in self.non_trigger_calls.items()},
            "exact_nulls_called": {k: v / n for k, v in self.null_calls.items()},
        }


def _planted_columns(sim: SimulatedDiary) -> tuple[list[FloatArray], FloatArray, npt.NDArray[np.bool_]]:
    ad = attack_days(sim.diary)
    exposures = daily_factors(sim.diary.days)
    cols = [lagged(exposures[e.factor].to_numpy(dtype=np.float64), e.lag) for e in sim.truth.effects]
    return cols, ad.onset, ~ad.inside


def _signed_lr_test(X: FloatArray, y: FloatArray, j: int, log_odds: float) -> float:
    """Penalised LR p-value of column ``j`` of the 0/1 design ``X`` (1.0 when its sign is wrong)."""
    Xg, yg, m = group_binary_rows(X, y)
    if np.ptp(Xg[:, j]) == 0:
        return math.nan
    full = fit_logistic(Xg, yg, trials=m)
    start = full.coef.copy()
    start[j] = 0.0
    reduced = fit_logistic(Xg, yg, trials=m, fixed_zero=j, start=start)
    return lr_pvalue(full, reduced) if np.sign(full.coef[j]) == np.sign(log_odds) else 1.0


def oracle_pvalues(sim: SimulatedDiary) -> dict[str, float]:
    """Penalised LR p-value per planted factor from the correctly specified model (complete cases)."""
    effects = sim.truth.effects
    cols, onset, ok = _planted_columns(sim)
    for c in cols:
        ok = ok & ~np.isnan(c)
    y = onset[ok]
    X, y, m = group_binary_rows(np.column_stack([np.ones(int(ok.sum())), *(c[ok] for c in cols)]), y)
    full = fit_logistic(X, y, trials=m)
    out: dict[str, float] = {}
    for j, eff in enumerate(effects, start=1):
        if np.ptp(X[:, j]) == 0:
            out[eff.factor] = math.nan
            continue
        start = full.coef.copy()
        start[j] = 0.0
        reduced = fit_logistic(X, y, trials=m, fixed_zero=j, start=start)
        sign = np.sign(full.coef[j]) == np.sign(eff.log_odds)
        out[eff.factor] = lr_pvalue(full, reduced) if sign else 1.0
    return out


def oracle_pvalues_all_days(sim: SimulatedDiary) -> dict[str, float]:
    """The correctly specified model with the analysis' handling of unknown values.

    Each planted term is tested on the at-risk days on which it is known; on those days the
    other planted terms enter as their value where known and 0 with an "unknown" indicator
    where not, exactly as the analysis treats its adjusters (a pattern of unknown values on
    fewer than :data:`triggers.MIN_UNKNOWN_DAYS` days leaves its days out instead).
    """
    cols, onset, at_risk = _planted_columns(sim)
    out: dict[str, float] = {}
    for j, eff in enumerate(sim.truth.effects):
        ok = at_risk & ~np.isnan(cols[j])
        while True:
            others, flags = filled_with_flags([c[ok] for k, c in enumerate(cols) if k != j])
            fewer = without_rare_unknown(ok, flags)
            if fewer is None:
                break
            ok = fewer
        X = np.column_stack([np.ones(int(ok.sum())), *others, *flags, cols[j][ok]])
        out[eff.factor] = _signed_lr_test(X, onset[ok], X.shape[1] - 1, eff.log_odds)
    return out


def run_study(
    diaries: int,
    days: int,
    seed: int = 0,
    config: SimConfig | None = None,
    fdr: float = 0.05,
    minimum: MinimumData | None = None,
    screen: float | None = 0.05,
    prune_core: bool = True,
    rounds: int = 3,
    generator: str = "project",
    **options: Any,
) -> StudyResult:
    cfg = config or GENERATORS[generator]
    planted = [FactorTally(e.factor, e.lag, e.log_odds) for e in cfg.effects]
    calls: dict[str, int] = {}
    nulls: dict[str, int] = {}
    attacks = 0
    for i in range(diaries):
        sim = simulate_diary(days, seed=seed + i, config=cfg)
        for name in sim.truth.non_triggers:
            calls.setdefault(name, 0)
        ad = attack_days(sim.diary)
        attacks += int(ad.onset.sum())
        results = analyse_triggers(
            daily_factors(sim.diary.days),
            ad.onset,
            ad.inside,
            fdr=fdr,
            minimum=minimum,
            screen=screen,
            prune_core=prune_core,
            rounds=rounds,
            **options,
        )
        index = {(r.factor, r.lag_days): k for k, r in enumerate(results)}
        wanted = {tally.factor: ("trigger" if tally.log_odds > 0 else "protector") for tally in planted}
        for tally in planted:
            row = results[index[(tally.factor, tally.lag)]]
            tally.analysis += row.verdict == wanted[tally.factor]
            tally.analysis_any_lag += any(
                r.verdict == wanted[tally.factor] for r in results if r.factor == tally.factor
            )
        for name in calls:
            calls[name] += any(r.verdict == "trigger" for r in results if r.factor == name)
        for key, hit in _exact_null_calls(results, cfg).items():
            nulls[key] = nulls.get(key, 0) + hit
        oracle = oracle_pvalues(sim)
        ideal_q = benjamini_hochberg(np.array([oracle[t.factor] for t in planted], dtype=np.float64))
        pvals = np.array([r.p_value for r in results], dtype=np.float64)
        for tally, q in zip(planted, ideal_q, strict=True):
            tally.ideal += bool(q <= fdr)
        all_days = oracle_pvalues_all_days(sim)
        all_days_q = benjamini_hochberg(np.array([all_days[t.factor] for t in planted], dtype=np.float64))
        for tally, q in zip(planted, all_days_q, strict=True):
            tally.ideal_all_days += bool(q <= fdr)
        for tally in planted:
            k = index[(tally.factor, tally.lag)]
            p = oracle[tally.factor]
            tally.oracle_unadjusted += bool(p < 0.05)
            if results[k].verdict == "not_enough_data" or math.isnan(p):
                continue
            substituted = pvals.copy()
            substituted[k] = p
            tally.oracle += bool(benjamini_hochberg(substituted)[k] <= fdr)
    return StudyResult(
        days, diaries, planted, calls, attacks / max(diaries, 1), generator=generator, null_calls=nulls
    )


def _exact_null_calls(results: list[TriggerResult], cfg: SimConfig) -> dict[str, bool]:
    """Per exact null of this generator: was it called (trigger or protector) in this diary?"""
    called = {(r.factor, r.lag_days) for r in results if r.verdict in ("trigger", "protector")}
    lags = sorted({r.lag_days for r in results})
    out = {name: any((name, lag) in called for lag in lags) for name in EXACT_NULLS}
    for e in cfg.effects:
        if e.factor in IID_PLANTED:
            for lag in lags:
                if lag != e.lag:
                    out[f"{e.factor} (lag {lag})"] = (e.factor, lag) in called
    return out
