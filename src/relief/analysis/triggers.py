"""Trigger and protector analysis: adjusted discrete-time hazard of attack onset.

For every candidate factor and lag (0 and 1 day by default; lag 2 was dropped
because a day two days after an exposure is often inside the attack the
exposure set off, which made lag-2 "protectors" out of real triggers) a
Firth-penalised logistic model is fitted on the *at-risk* days (days not inside an ongoing attack):

    logit P(attack starts on day t) = a + b * factor[t - lag] + c' adjusters[t]

where the adjusters are the core factors of :data:`factors.CORE_ADJUSTERS`
(menstrual window, sleep below usual and high stress, at lags 0 and 1), so a
factor that merely travels with one of them is not called a trigger.  The
evidence for ``b != 0`` is a penalised likelihood-ratio test; false discoveries
are controlled within two families (primary: established triggers at usual
lags; exploratory: the rest), see :func:`analyse_triggers`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import pandas as pd

from .daily import attack_days
from .exceptions import InsufficientDataWarning, NotFittedError
from .factors import (
    CORE_ADJUSTERS,
    ESTABLISHED,
    daily_factors,
    describe_factor,
    factor_label,
    primary_family,
    same_construct,
)
from .frames import Diary
from .results import TriggerResult
from .stats import Z95, adaptive_bh, benjamini_hochberg, fit_logistic, group_binary_rows, lr_pvalue

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class MinimumData:
    """The minimum-data rule applied to every factor-lag test."""

    days: int = 60
    """At-risk days with all needed values."""
    attacks: int = 10
    """Attack onsets among those days."""
    exposed_days: int = 5
    """Days with the factor.  Five, not ten: Firth's penalty keeps the estimate finite and
    shrunken and the penalised LR test keeps its level with rare exposures (Heinze & Schemper
    2002), so a rare but real exposure such as a 5 hPa fall in smooth weather is tested
    instead of set aside.  The rule counts days, never attacks on exposed days: a rule that
    looked at the outcome among the exposed would pick the tests to run by their result."""
    unexposed_days: int = 5

    def describe(self) -> str:
        return (
            f"at least {self.days} usable at-risk days, {self.attacks} attack onsets among them, "
            f"{self.exposed_days} days with the factor and {self.unexposed_days} without"
        )


MIN_UNKNOWN_DAYS = 5
"""An adjuster's unknown values get an indicator only when they cover at least this many of a
test's days; rarer patterns of unknown values leave their days out (complete cases)."""


def lagged(x: FloatArray, lag: int) -> FloatArray:
    if lag == 0:
        return x
    out = np.full(len(x), np.nan)
    out[lag:] = x[:-lag]
    return out


@dataclass(frozen=True)
class _PassOptions:
    fdr: float
    minimum: MinimumData
    firth: bool
    family: set[tuple[str, int]]
    proxy_r: float
    adaptive: bool = True
    missing_adjusters: str = "indicator"


@dataclass(frozen=True)
class _Test:
    factor: str
    lag: int


class TriggerAnalysis:
    """Estimate triggers and protectors of attack onset for one diary.

    >>> TriggerAnalysis().fit(diary).results_   # list of TriggerResult
    """

    def __init__(
        self,
        lags: tuple[int, ...] = (0, 1),
        fdr: float = 0.05,
        minimum: MinimumData | None = None,
        adjusters: tuple[tuple[str, int], ...] = CORE_ADJUSTERS,
        factors: tuple[str, ...] | None = None,
        two_stage: bool = True,
        firth: bool = True,
        screen: float | None = 0.05,
        prune_core: bool = True,
        rounds: int = 3,
        suspected: tuple[str, ...] = (),
        families: bool = True,
        missing_adjusters: str = "indicator",
    ) -> None:
        self.missing_adjusters = missing_adjusters
        self.suspected = suspected
        self.families = families
        self.lags = lags
        self.fdr = fdr
        self.minimum = minimum or MinimumData()
        self.adjusters = adjusters
        self.factor_names = factors
        self.two_stage = two_stage
        self.firth = firth
        self.screen = screen
        self.prune_core = prune_core
        self.rounds = rounds
        self.results_: list[TriggerResult] | None = None
        self.notes_: list[str] = []

    def fit(self, diary: Diary) -> TriggerAnalysis:
        exposures = daily_factors(diary.days)
        ad = attack_days(diary)
        self.results_ = analyse_triggers(
            exposures,
            ad.onset,
            ad.inside,
            lags=self.lags,
            fdr=self.fdr,
            minimum=self.minimum,
            adjusters=self.adjusters,
            factors=self.factor_names,
            two_stage=self.two_stage,
            firth=self.firth,
            screen=self.screen,
            prune_core=self.prune_core,
            rounds=self.rounds,
            suspected=self.suspected,
            families=self.families,
            missing_adjusters=self.missing_adjusters,
        )
        missing = [r for r in self.results_ if r.verdict == "not_enough_data"]
        self.notes_ = []
        if missing:
            self.notes_.append(
                f"{len(missing)} of {len(self.results_)} factor-lag tests had not enough data yet "
                f"(rule: {self.minimum.describe()})."
            )
            if len(missing) == len(self.results_):
                warnings.warn(
                    "not enough data yet for any trigger estimate", InsufficientDataWarning, stacklevel=2
                )
        return self

    def summary(self) -> pd.DataFrame:
        if self.results_ is None:
            raise NotFittedError("call fit() first")
        return pd.DataFrame([r.as_dict() for r in self.results_])

    @property
    def triggers_(self) -> list[TriggerResult]:
        return [r for r in self.results_ or [] if r.verdict == "trigger"]

    @property
    def protectors_(self) -> list[TriggerResult]:
        return [r for r in self.results_ or [] if r.verdict == "protector"]


def _usable(columns: list[FloatArray], base: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    ok = base.copy()
    for c in columns:
        ok &= ~np.isnan(c)
    return ok


def analyse_triggers(
    exposures: pd.DataFrame,
    onset: FloatArray,
    inside: npt.NDArray[np.bool_],
    *,
    lags: tuple[int, ...] = (0, 1),
    fdr: float = 0.05,
    minimum: MinimumData | None = None,
    adjusters: tuple[tuple[str, int], ...] = CORE_ADJUSTERS,
    factors: tuple[str, ...] | None = None,
    two_stage: bool = True,
    firth: bool = True,
    screen: float | None = 0.05,
    prune_core: bool = True,
    rounds: int = 3,
    suspected: tuple[str, ...] = (),
    families: bool = True,
    proxy_r: float = 0.3,
    established: tuple[tuple[str, int], ...] = ESTABLISHED,
    adaptive: bool = True,
    missing_adjusters: str = "indicator",
) -> list[TriggerResult]:
    """The array-level core of :class:`TriggerAnalysis` (used by the simulation study).

    Stage 1 adjusts every test for the core adjusters.  With ``two_stage``,
    the factor-lag pairs that look relevant (called, or with a p-value before
    the multiplicity correction of at most ``screen``) are added as adjusters
    and every test is fitted again (except near-duplicates of the factor under
    test, |r| >= 0.5), so one real trigger no longer hides or dilutes another.
    This screening is repeated on the newer, better adjusted p-values for at
    most ``rounds`` refits, stopping early when the set of adjusters repeats.
    With ``prune_core``, the refits keep only the lags of each core adjuster
    that look relevant (p <= 0.2, at least the best lag), which saves
    parameters in short diaries.  The tests of the last refit are reported.

    With ``families`` the tests fall into two families, each with its own
    false-discovery control: the pre-specified *primary* family
    (:func:`factors.primary_family`: established triggers at their usual lags,
    alcohol-named tags and ``suspected`` factors; two-stage adaptive BH when
    ``adaptive``) and the *exploratory* rest (plain BH).  A factor is never
    adjusted for a factor of its own construct (short sleep for sleep below
    usual, alcohol for a wine tag), nor for a screened adjuster that travels
    with it (|r| >= ``proxy_r``).
    """
    minimum = minimum or MinimumData()
    arrays = {c: exposures[c].to_numpy(dtype=np.float64) for c in exposures.columns}
    core = {
        (name, lag): lagged(arrays[name], lag)
        for name, lag in adjusters
        if name in arrays and not np.all(np.isnan(arrays[name]))
    }
    names = [c for c in (factors or tuple(exposures.columns)) if c in arrays]
    family = primary_family(names, suspected, lags, established) if families else set()
    opts = _PassOptions(fdr, minimum, firth, family, proxy_r, adaptive, missing_adjusters)
    results = _one_pass(names, lags, arrays, core, {}, onset, ~inside, opts)
    if not two_stage:
        return results
    seen: set[tuple[frozenset[tuple[str, int]], frozenset[tuple[str, int]]]] = {
        (frozenset(core), frozenset())
    }
    for _ in range(rounds):
        extra = _screened(results, arrays, core, screen)
        pruned = _prune_core(core, results) if prune_core else core
        key = (frozenset(pruned), frozenset(extra))
        if key in seen:
            break
        seen.add(key)
        results = _one_pass(names, lags, arrays, pruned, extra, onset, ~inside, opts)
    return results


def _screened(
    results: list[TriggerResult],
    arrays: dict[str, FloatArray],
    core: dict[tuple[str, int], FloatArray],
    screen: float | None,
) -> dict[tuple[str, int], FloatArray]:
    """The factor-lags that look relevant in ``results`` and are not core adjusters, strongest first."""
    candidates = sorted(
        (
            r
            for r in results
            if (r.verdict in ("trigger", "protector") or (screen is not None and r.p_value <= screen))
            and (r.factor, r.lag_days) not in core
        ),
        key=lambda r: r.p_value,
    )
    extra: dict[tuple[str, int], FloatArray] = {}
    for r in candidates:
        column = lagged(arrays[r.factor], r.lag_days)
        # one of a group of near-duplicates is enough (e.g. "alcohol" and "tag:red wine")
        if not any(_near_duplicate_nan(column, other) for other in [*core.values(), *extra.values()]):
            extra[(r.factor, r.lag_days)] = column
    return extra


def _prune_core(
    core: dict[tuple[str, int], FloatArray], results: list[TriggerResult], keep_p: float = 0.2
) -> dict[tuple[str, int], FloatArray]:
    """Keep, per core factor, the lags that look relevant in stage 1 (p <= keep_p), at least the best one."""
    p = {(r.factor, r.lag_days): r.p_value for r in results}
    out: dict[tuple[str, int], FloatArray] = {}
    for name in dict.fromkeys(k[0] for k in core):
        keys = [k for k in core if k[0] == name]
        if len(keys) == 1:
            out[keys[0]] = core[keys[0]]
            continue
        scored = [(p.get(k, math.nan), k) for k in keys]
        known = [(v, k) for v, k in scored if not math.isnan(v)]
        chosen = [k for v, k in known if v <= keep_p] or ([min(known)[1]] if known else keys)
        for k in chosen:
            out[k] = core[k]
    return out


def _independent_columns(X: FloatArray) -> list[bool]:
    """Greedy left-to-right choice of columns that add rank (intercept first, factor last)."""
    if np.linalg.matrix_rank(X) == X.shape[1]:
        return [True] * X.shape[1]
    flags: list[bool] = []
    chosen: list[int] = []
    rank = 0
    for j in range(X.shape[1]):
        trial = np.linalg.matrix_rank(X[:, [*chosen, j]])
        if trial > rank:
            chosen.append(j)
            rank = int(trial)
            flags.append(True)
        else:
            flags.append(False)
    return flags


def _near_duplicate_nan(x: FloatArray, z: FloatArray) -> bool:
    ok = ~(np.isnan(x) | np.isnan(z))
    return bool(ok.sum() > 2) and _near_duplicate(x[ok], z[ok])


def _near_duplicate(x: FloatArray, z: FloatArray, r: float = 0.5) -> bool:
    """|Pearson r| >= ``r`` (a constant column counts as a duplicate of anything)."""
    xc = x - x.mean()
    zc = z - z.mean()
    sxx, szz = float(xc @ xc), float(zc @ zc)
    if sxx == 0 or szz == 0:
        return True
    return abs(float(xc @ zc)) >= r * math.sqrt(sxx * szz)


def _one_pass(
    names: list[str],
    lags: tuple[int, ...],
    arrays: dict[str, FloatArray],
    core: dict[tuple[str, int], FloatArray],
    extra: dict[tuple[str, int], FloatArray],
    onset: FloatArray,
    at_risk: npt.NDArray[np.bool_],
    opts: _PassOptions,
) -> list[TriggerResult]:
    """Fit every factor-lag test once with the given adjusters, then call each within its family."""
    rows: list[TriggerResult] = []
    for name in names:
        for lag in lags:
            rows.append(_one_test(name, lag, arrays, core, extra, onset, at_risk, opts))
    return _call_verdicts(rows, opts)


@dataclass(frozen=True)
class _Rows:
    """The usable at-risk days of one factor-lag test, the factor and outcome on them, and the adjusters kept.

    ``adjusters`` holds one column per kept adjuster (unknown values set to 0) and then one
    column per distinct pattern of unknown adjuster values (1 on the days it was unknown).
    """

    ok: npt.NDArray[np.bool_]
    xs: FloatArray
    ys: FloatArray
    kept: list[tuple[str, int]]
    adjusters: list[FloatArray]


def _rows_for(
    name: str,
    x: FloatArray,
    core: dict[tuple[str, int], FloatArray],
    extra: dict[tuple[str, int], FloatArray],
    onset: FloatArray,
    at_risk: npt.NDArray[np.bool_],
    proxy_r: float,
    missing_adjusters: str = "indicator",
) -> _Rows:
    """The rows of one test.

    A day on which the factor is unknown never counts.  A day on which only an adjuster is
    unknown counts with ``missing_adjusters="indicator"``: the adjuster is set to 0 there and
    an indicator of "unknown" enters the model, so the adjusted comparison is made on the days
    the adjuster is known and the other days still inform the factor.  In a diary with one day
    in five left blank, dropping those days as well (``"drop"``, complete cases) loses about a
    third of the days of a lag-1 test, because yesterday's and today's blanks both count.
    """
    columns = core | extra
    adj_keys = [k for k in core if not same_construct(k[0], name)]
    adj_keys += [k for k in extra if not same_construct(k[0], name) and k not in core]
    if missing_adjusters == "drop":
        ok = _usable([x, *(columns[k] for k in adj_keys)], at_risk)
    else:
        ok = _usable([x], at_risk)
    while True:
        kept, design, unknown = _adjuster_columns(
            x[ok], {k: columns[k][ok] for k in adj_keys}, extra, proxy_r
        )
        fewer = without_rare_unknown(ok, unknown)
        if fewer is None:
            break
        ok = fewer
    xs = x[ok]
    return _Rows(ok=ok, xs=xs, ys=onset[ok], kept=kept, adjusters=[*design, *unknown])


def _adjuster_columns(
    xs: FloatArray,
    adjusters: dict[tuple[str, int], FloatArray],
    extra: dict[tuple[str, int], FloatArray],
    proxy_r: float,
) -> tuple[list[tuple[str, int]], list[FloatArray], list[FloatArray]]:
    """The adjusters kept on these rows, their columns (unknown set to 0), and the distinct
    indicators of unknown values."""
    kept: list[tuple[str, int]] = []
    for k, z in adjusters.items():
        known = ~np.isnan(z)
        if int(known.sum()) < 3 or np.ptp(z[known]) == 0:
            continue
        # keep adjusters that are not near-duplicates of the factor
        if k in extra and _near_duplicate(xs[known], z[known], proxy_r):
            continue
        kept.append(k)
    design, unknown = filled_with_flags([adjusters[k] for k in kept])
    return kept, design, unknown


def filled_with_flags(columns: list[FloatArray]) -> tuple[list[FloatArray], list[FloatArray]]:
    """Each column with its unknown values set to 0, and one indicator (1 where unknown) per
    distinct pattern of unknown values, so that a day left blank adds one term, not one per column."""
    filled: list[FloatArray] = []
    flags: list[FloatArray] = []
    for z in columns:
        known = ~np.isnan(z)
        filled.append(np.where(known, z, 0.0))
        flag = (~known).astype(np.float64)
        if flag.any() and not any(np.array_equal(flag, f) for f in flags):
            flags.append(flag)
    return filled, flags


def without_rare_unknown(ok: npt.NDArray[np.bool_], flags: list[FloatArray]) -> npt.NDArray[np.bool_] | None:
    """``ok`` without the days of the patterns of unknown values (``flags``, over the days of ``ok``)
    that cover fewer than :data:`MIN_UNKNOWN_DAYS` days, or None when there is none.

    Such a pattern would be a parameter that those few days alone estimate (one blank day:
    separation, and a fit that never settles), so its days are left out, as complete cases.
    Leaving them out can make another pattern rare: call again until it returns None.
    """
    rare = [f for f in flags if f.sum() < MIN_UNKNOWN_DAYS]
    if not rare:
        return None
    fewer = ok.copy()
    fewer[np.flatnonzero(ok)[np.any(np.vstack(rare) == 1.0, axis=0)]] = False
    return fewer


def _shortfall(minimum: MinimumData, n_days: int, events: int, exposed: int) -> list[str]:
    """What the minimum-data rule finds missing, one phrase per unmet part (empty when it is met)."""
    short = []
    if n_days < minimum.days:
        short.append(f"{n_days} usable days (need {minimum.days})")
    if events < minimum.attacks:
        short.append(f"{events} attack onsets (need {minimum.attacks})")
    if exposed < minimum.exposed_days:
        short.append(f"{exposed} days with the factor (need {minimum.exposed_days})")
    if n_days - exposed < minimum.unexposed_days:
        short.append(f"{n_days - exposed} days without it (need {minimum.unexposed_days})")
    return short


def _adjusted_label(kept: list[tuple[str, int]]) -> tuple[str, ...]:
    return tuple(f"{k[0]} (lag {k[1]})" for k in kept)


def _one_test(
    name: str,
    lag: int,
    arrays: dict[str, FloatArray],
    core: dict[tuple[str, int], FloatArray],
    extra: dict[tuple[str, int], FloatArray],
    onset: FloatArray,
    at_risk: npt.NDArray[np.bool_],
    opts: _PassOptions,
) -> TriggerResult:
    """One factor-lag test: its counts, the minimum-data rule, then the penalised fit (p-value, no verdict yet)."""
    x = lagged(arrays[name], lag)
    rows = _rows_for(name, x, core, extra, onset, at_risk, opts.proxy_r, opts.missing_adjusters)
    n_days = int(rows.ok.sum())
    exposed = int((rows.xs == 1).sum())
    events = int(rows.ys.sum())
    base = TriggerResult(
        factor=name,
        lag_days=lag,
        description=describe_factor(name),
        effect=math.nan,
        ci=(math.nan, math.nan),
        p_value=math.nan,
        q_value=math.nan,
        verdict="not_enough_data",
        exposed_days=exposed,
        unexposed_days=n_days - exposed,
        attacks=events,
        exposed_attacks=int(rows.ys[rows.xs == 1].sum()),
        adjusted_for=_adjusted_label(rows.kept),
        family="primary" if (name, lag) in opts.family else "exploratory",
        label=factor_label(name),
    )
    short = _shortfall(opts.minimum, n_days, events, exposed)
    if short:
        return replace(base, note="not enough data yet: " + "; ".join(short))
    X = np.column_stack([np.ones(n_days), *rows.adjusters, rows.xs])
    return _fit_test(base, X, rows.ys, rows.kept, opts.firth)


def _fit_test(
    base: TriggerResult, X: FloatArray, ys: FloatArray, kept: list[tuple[str, int]], firth: bool
) -> TriggerResult:
    """The penalised likelihood-ratio test of the last column of ``X`` (the factor) against the rest."""
    Xg, yg, mg = group_binary_rows(X, ys)
    independent = _independent_columns(Xg)
    if not independent[-1]:
        return replace(
            base, note="cannot be told apart from the adjusters: it always occurs together with them"
        )
    if not all(independent):
        keep = np.array(independent)
        Xg = Xg[:, keep]
        # the adjusters' own columns come first, then the indicators of unknown values
        kept = [k for k, flag in zip(kept, independent[1 : 1 + len(kept)], strict=True) if flag]
        base = replace(base, adjusted_for=_adjusted_label(kept))
    full = fit_logistic(Xg, yg, trials=mg, firth=firth)
    start = full.coef.copy()
    start[-1] = 0.0
    reduced = fit_logistic(Xg, yg, trials=mg, firth=firth, fixed_zero=Xg.shape[1] - 1, start=start)
    b = float(full.coef[-1])
    se = float(full.se[-1])
    return replace(
        base,
        effect=math.exp(b),
        ci=(math.exp(b - Z95 * se), math.exp(b + Z95 * se)),
        p_value=lr_pvalue(full, reduced),
        verdict="no_association",
    )


def _call_verdicts(rows: list[TriggerResult], opts: _PassOptions) -> list[TriggerResult]:
    """q-values within each family (adaptive BH for the primary one), then trigger / protector / none."""
    p_all = np.array([r.p_value for r in rows], dtype=np.float64)  # NaN for the tests not fitted
    primary = np.array([r.family == "primary" for r in rows], dtype=bool)
    q = np.full(len(rows), np.nan)
    if primary.any():
        q[primary] = (
            adaptive_bh(p_all[primary], opts.fdr) if opts.adaptive else benjamini_hochberg(p_all[primary])
        )
    if (~primary).any():
        q[~primary] = benjamini_hochberg(p_all[~primary])
    out: list[TriggerResult] = []
    for row, qv in zip(rows, q, strict=True):
        if row.verdict == "not_enough_data":
            out.append(row)
            continue
        verdict = "no_association"
        if qv <= opts.fdr:
            verdict = "trigger" if row.effect > 1 else "protector"
        out.append(replace(row, q_value=float(qv), verdict=verdict))
    return out
