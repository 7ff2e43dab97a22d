"""Personal (n-of-1) trials: concealed allocation sequences and the analysis of one person's trial.

Pure library: numpy and scipy only, no Django.  Two designs:

* **Attack-level** (acute options): every new attack gets the next option of a
  pre-generated sequence made of balanced, randomly permuted blocks.  The
  endpoint is binary per attack (an IHS endpoint such as pain freedom at 2 h).
  Bayesian: a Beta prior per option, Beta posterior, and the exact posterior
  probability that one option beats another by at least a meaningful margin.
  Frequentist beside it: Fisher's exact test and Newcombe's hybrid score
  interval for the difference in proportions.
* **Period-level** (preventives): alternating periods in pairs whose order is
  randomised (AB or BA), with an analytic wash-out (the first days of each
  period are not analysed).  Daily pain uses a normal model on the paired
  period differences; migraine days use a Gamma-Poisson model per option.
  Frequentist beside it: a paired t-test over pairs (and, for counts, the exact
  conditional test of two Poisson rates).

Deviations (option not taken, another option taken, rescue before 2 h, missing
outcome) are counted and reported; the primary analysis is by allocated option
(intention to treat) with an as-taken analysis beside it. The intervals come from
``relief.analysis.stats``; the CENT 2015 report is in ``relief.analysis.cent``.

>>> AttackTrialAnalysis(("A", "B")).fit(records).summary()
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import integrate, stats

from relief.analysis.exceptions import InsufficientDataWarning, NotFittedError
from relief.analysis.stats import newcombe_difference, wilson_interval

MIN_PER_ARM = 3
"""Fewer outcomes than this in an option gives the verdict ``not_enough_data``."""

Verdict = Literal["favours_first", "favours_second", "no_meaningful_difference", "unclear", "not_enough_data"]


# --------------------------------------------------------------------------- allocation sequences


def permuted_blocks(
    arms: Sequence[str], n_units: int, rng: np.random.Generator, *, repeats: int = 1
) -> list[str]:
    """A randomised sequence of ``n_units`` options made of balanced, permuted blocks.

    Each block holds every option ``repeats`` times in a random order, so after
    any complete block the options are exactly balanced and within a block the
    imbalance is at most ``repeats``.  A last incomplete block is cut from a
    full permuted block.
    """
    if len(arms) < 2 or len(set(arms)) != len(arms):
        raise ValueError("give at least two different options")
    if n_units < 1 or repeats < 1:
        raise ValueError("n_units and repeats must be at least 1")
    block = [arm for arm in arms for _ in range(repeats)]
    out: list[str] = []
    while len(out) < n_units:
        order = rng.permutation(len(block))
        out.extend(block[int(i)] for i in order)
    return out[:n_units]


def randomised_pairs(arms: Sequence[str], n_pairs: int, rng: np.random.Generator) -> list[str]:
    """Period order for ``n_pairs`` pairs of two options: each pair is AB or BA at random."""
    if len(arms) != 2 or arms[0] == arms[1]:
        raise ValueError("a period-level trial compares exactly two different options")
    if n_pairs < 1:
        raise ValueError("plan at least one pair of periods")
    out: list[str] = []
    for _ in range(n_pairs):
        first = int(rng.integers(2))
        out.extend([arms[first], arms[1 - first]])
    return out


# --------------------------------------------------------------------------- small exact building blocks


def fisher_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided Fisher exact p-value for successes k1/n1 against k2/n2."""
    if n1 <= 0 or n2 <= 0:
        return math.nan
    result = stats.fisher_exact([[k1, n1 - k1], [k2, n2 - k2]], alternative="two-sided")
    return float(result.pvalue)


def prob_beta_difference(a1: float, b1: float, a2: float, b2: float, margin: float) -> float:
    """P(p1 - p2 >= margin) for independent p1 ~ Beta(a1, b1), p2 ~ Beta(a2, b2), by exact integration.

    P = integral over x of f2(x) * P(p1 >= x + margin) dx.
    """
    lo, hi = max(0.0, -margin), min(1.0, 1.0 - margin)
    if hi <= lo:
        return 0.0 if margin > 0 else 1.0
    dist1 = stats.beta(a1, b1)
    dist2 = stats.beta(a2, b2)

    def integrand(x: float) -> float:
        return float(dist2.pdf(x) * dist1.sf(x + margin))

    value, _ = integrate.quad(integrand, lo, hi, limit=200, epsabs=1e-10, epsrel=1e-8)
    tail = float(dist2.cdf(lo)) if margin < 0 else 0.0  # p2 below -margin: p1 - p2 >= margin for sure
    return min(1.0, max(0.0, float(value) + tail))


def decide(p_first_better: float, p_second_better: float, p_within: float, threshold: float) -> Verdict:
    """The pre-stated decision rule: a direction needs posterior probability >= threshold."""
    if p_first_better >= threshold:
        return "favours_first"
    if p_second_better >= threshold:
        return "favours_second"
    if p_within >= threshold:
        return "no_meaningful_difference"
    return "unclear"


class _AsDict:
    def as_dict(self) -> dict[str, Any]:
        return _clean(asdict(self))  # type: ignore[call-overload, no-any-return]


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# --------------------------------------------------------------------------- attack-level trials


@dataclass(frozen=True)
class BetaPrior(_AsDict):
    """Beta(a, b) prior on the chance that an attack reaches the endpoint; (1, 1) is uniform."""

    a: float = 1.0
    b: float = 1.0

    def describe(self) -> str:
        mean = self.a / (self.a + self.b)
        return f"Beta({self.a:g}, {self.b:g}) for each option (prior mean {mean:.0%}, worth {self.a + self.b:g} attacks)"


@dataclass(frozen=True)
class AttackRecord:
    """One treated attack of a trial.

    ``taken`` is the option actually used (``None`` when no trial option was
    taken); ``success`` the endpoint (``None`` when not recorded).  A rescue
    before 2 h makes 2 h endpoints a failure (IHS: pain free before any rescue).
    """

    position: int
    allocated: str
    taken: str | None
    success: bool | None
    rescue_before_2h: bool = False


@dataclass(frozen=True)
class ArmSummary(_AsDict):
    arm: str
    n: int
    successes: int
    rate: float
    ci: tuple[float, float]
    posterior: tuple[float, float]
    posterior_mean: float
    credible: tuple[float, float]


@dataclass(frozen=True)
class Comparison(_AsDict):
    first: str
    second: str
    difference: float
    """Observed difference first - second (proportion, or per-28-day rate, or mean pain)."""
    ci: tuple[float, float]
    p_value: float
    test: str
    p_first_better: float
    p_second_better: float
    p_within_margin: float
    margin: float
    verdict: Verdict
    explanation: str


@dataclass(frozen=True)
class Deviations(_AsDict):
    allocated: int
    taken_as_allocated: int
    other_option_taken: list[int] = field(default_factory=list)
    no_option_taken: list[int] = field(default_factory=list)
    rescue_before_2h: list[int] = field(default_factory=list)
    missing_outcome: list[int] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"{self.taken_as_allocated} of {self.allocated} attacks were treated with the allocated option."
        ]
        for label, positions in (
            ("another trial option was taken", self.other_option_taken),
            ("no trial option was taken", self.no_option_taken),
            (
                "rescue medication was used before 2 h (counted as not reaching the endpoint)",
                self.rescue_before_2h,
            ),
            ("the outcome is missing (left out of the analysis)", self.missing_outcome),
        ):
            if positions:
                out.append(f"Attacks {', '.join(str(p) for p in positions)}: {label}.")
        return out


def _label(verdict: Verdict, first: str, second: str) -> str:
    return {
        "favours_first": f"favours {first}",
        "favours_second": f"favours {second}",
        "no_meaningful_difference": "no meaningful difference",
        "unclear": "unclear",
        "not_enough_data": "not enough data yet",
    }[verdict]


class AttackTrialAnalysis:
    """Bayesian and frequentist comparison of acute options over the attacks of one trial.

    >>> fit = AttackTrialAnalysis(("A", "B"), margin=0.1, threshold=0.8).fit(records)
    >>> fit.comparisons_[0].verdict
    """

    def __init__(
        self,
        arms: Sequence[str],
        *,
        prior: BetaPrior | None = None,
        margin: float = 0.10,
        threshold: float = 0.80,
    ) -> None:
        if len(arms) < 2:
            raise ValueError("a trial compares at least two options")
        if not 0 <= margin < 1:
            raise ValueError("the margin is a difference in proportions, from 0 to below 1")
        if not 0.5 < threshold < 1:
            raise ValueError("the decision threshold is a probability above 0.5 and below 1")
        self.arms = tuple(arms)
        self.prior = prior or BetaPrior()
        self.margin = margin
        self.threshold = threshold
        self.arms_: dict[str, ArmSummary] | None = None
        self.comparisons_: list[Comparison] = []
        self.as_taken_arms_: dict[str, ArmSummary] = {}
        self.as_taken_comparisons_: list[Comparison] = []
        self.deviations_: Deviations | None = None
        self.notes_: list[str] = []

    def fit(self, records: Sequence[AttackRecord]) -> AttackTrialAnalysis:
        for r in records:
            if r.allocated not in self.arms:
                raise ValueError(f"attack {r.position} was allocated {r.allocated!r}, not a trial option")
        self.deviations_ = _deviations(records)
        itt = [(r.allocated, _success(r)) for r in records]
        taken = [(r.taken, _success(r)) for r in records if r.taken in self.arms]
        self.arms_ = self._summaries(itt)
        self.as_taken_arms_ = self._summaries([(str(a), s) for a, s in taken])
        self.comparisons_ = self._compare(self.arms_)
        self.as_taken_comparisons_ = self._compare(self.as_taken_arms_)
        self.notes_ = [f"Prior: {self.prior.describe()}."]
        if any(c.verdict == "not_enough_data" for c in self.comparisons_):
            self.notes_.append(f"Each option needs at least {MIN_PER_ARM} attacks with an outcome.")
            warnings.warn(
                "not enough attacks with an outcome in every option", InsufficientDataWarning, stacklevel=2
            )
        return self

    def _summaries(self, pairs: Sequence[tuple[str, bool | None]]) -> dict[str, ArmSummary]:
        out: dict[str, ArmSummary] = {}
        for arm in self.arms:
            values = [s for a, s in pairs if a == arm and s is not None]
            n, k = len(values), sum(values)
            a, b = self.prior.a + k, self.prior.b + n - k
            post = stats.beta(a, b)
            out[arm] = ArmSummary(
                arm=arm,
                n=n,
                successes=k,
                rate=k / n if n else math.nan,
                ci=wilson_interval(k, n),
                posterior=(a, b),
                posterior_mean=a / (a + b),
                credible=(float(post.ppf(0.025)), float(post.ppf(0.975))),
            )
        return out

    def _compare(self, arms: dict[str, ArmSummary]) -> list[Comparison]:
        out = []
        for i, first in enumerate(self.arms):
            for second in self.arms[i + 1 :]:
                s1, s2 = arms[first], arms[second]
                d, low, high = newcombe_difference(s1.successes, s1.n, s2.successes, s2.n)
                p1 = prob_beta_difference(*s1.posterior, *s2.posterior, self.margin)
                p2 = prob_beta_difference(*s2.posterior, *s1.posterior, self.margin)
                within = max(0.0, 1.0 - p1 - p2)
                verdict: Verdict = (
                    "not_enough_data"
                    if min(s1.n, s2.n) < MIN_PER_ARM
                    else decide(p1, p2, within, self.threshold)
                )
                out.append(
                    Comparison(
                        first=first,
                        second=second,
                        difference=d,
                        ci=(low, high),
                        p_value=fisher_p(s1.successes, s1.n, s2.successes, s2.n),
                        test="Fisher exact (two-sided); Newcombe hybrid score 95% interval",
                        p_first_better=p1,
                        p_second_better=p2,
                        p_within_margin=within,
                        margin=self.margin,
                        verdict=verdict,
                        explanation=(
                            f"{first} {s1.successes}/{s1.n}, {second} {s2.successes}/{s2.n}. "
                            f"Probability {first} is better by at least {self.margin:.0%}: {p1:.0%}; "
                            f"{second} better by at least {self.margin:.0%}: {p2:.0%}. "
                            f"Verdict ({self.threshold:.0%} rule): {_label(verdict, first, second)}."
                        ),
                    )
                )
        return out

    def summary(self) -> dict[str, Any]:
        if self.arms_ is None or self.deviations_ is None:
            raise NotFittedError("call fit() first")
        return {
            "design": "attack-level",
            "prior": self.prior.as_dict(),
            "margin": self.margin,
            "threshold": self.threshold,
            "arms": {k: v.as_dict() for k, v in self.arms_.items()},
            "comparisons": [c.as_dict() for c in self.comparisons_],
            "as_taken_comparisons": [c.as_dict() for c in self.as_taken_comparisons_],
            "deviations": self.deviations_.as_dict(),
            "deviation_lines": self.deviations_.lines(),
            "notes": list(self.notes_),
        }


def _success(r: AttackRecord) -> bool | None:
    if r.rescue_before_2h:
        return False
    return r.success


def _deviations(records: Sequence[AttackRecord]) -> Deviations:
    return Deviations(
        allocated=len(records),
        taken_as_allocated=sum(1 for r in records if r.taken == r.allocated),
        other_option_taken=[r.position for r in records if r.taken is not None and r.taken != r.allocated],
        no_option_taken=[r.position for r in records if r.taken is None],
        rescue_before_2h=[r.position for r in records if r.rescue_before_2h],
        missing_outcome=[r.position for r in records if r.success is None and not r.rescue_before_2h],
    )


# --------------------------------------------------------------------------- period-level trials

PeriodOutcome = Literal["daily_pain", "migraine_days"]


@dataclass(frozen=True)
class PeriodDay:
    """One diary day inside a trial period; ``value`` is NaN when the day was not recorded."""

    pair: int
    period: int
    arm: str
    day_in_period: int
    value: float


@dataclass(frozen=True)
class PeriodSummary(_AsDict):
    pair: int
    period: int
    arm: str
    days_used: int
    days_washout: int
    days_missing: int
    mean: float
    """Mean daily pain, or migraine days per 28 days."""


class PeriodTrialAnalysis:
    """Alternating-period trial of two options with an analytic wash-out; lower values are better.

    ``daily_pain``: value is the day's worst pain 0-10.  The pair difference
    (first option minus second) has a normal model with prior N(0, prior_sd^2)
    on the mean difference and the sample variance plugged in.
    ``migraine_days``: value is 1 for a migraine day, 0 otherwise; each option
    has a Poisson rate with a Gamma(shape, rate) prior per day, compared per 28
    days by Monte Carlo from the posteriors (seeded).
    """

    def __init__(
        self,
        arms: Sequence[str],
        outcome: PeriodOutcome = "daily_pain",
        *,
        washout_days: int = 0,
        margin: float = 1.0,
        threshold: float = 0.80,
        prior_sd: float = 2.0,
        gamma_prior: tuple[float, float] = (1.0, 7.0),
        draws: int = 200_000,
        seed: int = 20150514,
    ) -> None:
        if len(arms) != 2:
            raise ValueError("a period-level trial compares exactly two options")
        if washout_days < 0 or margin < 0 or prior_sd <= 0:
            raise ValueError("washout and margin cannot be negative; the prior sd must be positive")
        self.arms = (arms[0], arms[1])
        self.outcome: PeriodOutcome = outcome
        self.washout_days = washout_days
        self.margin = margin
        self.threshold = threshold
        self.prior_sd = prior_sd
        self.gamma_prior = gamma_prior
        self.draws = draws
        self.seed = seed
        self.periods_: list[PeriodSummary] | None = None
        self.pair_differences_: list[float] = []
        self.comparison_: Comparison | None = None
        self.notes_: list[str] = []

    def prior_text(self) -> str:
        if self.outcome == "daily_pain":
            return f"normal prior N(0, {self.prior_sd:g}^2) on the mean pair difference in daily pain"
        shape, rate = self.gamma_prior
        return (
            f"Gamma(shape {shape:g}, rate {rate:g}) prior on the migraine-day rate per day for each option "
            f"(prior mean {28 * shape / rate:.1f} days per 28)"
        )

    def fit(self, days: Sequence[PeriodDay]) -> PeriodTrialAnalysis:
        first, second = self.arms
        self.periods_ = _period_summaries(days, self.washout_days, self.outcome)
        by_pair: dict[int, dict[str, float]] = {}
        for p in self.periods_:
            if p.days_used:
                by_pair.setdefault(p.pair, {})[p.arm] = p.mean
        self.pair_differences_ = [v[first] - v[second] for _, v in sorted(by_pair.items()) if len(v) == 2]
        self.notes_ = [f"Prior: {self.prior_text()}.", _washout_note(self.washout_days)]
        if self.outcome == "daily_pain":
            self.comparison_ = self._normal()
        else:
            self.comparison_ = self._poisson(days)
        if self.comparison_.verdict == "not_enough_data":
            self.notes_.append("At least two complete pairs of periods are needed.")
            warnings.warn("fewer than two complete pairs of periods", InsufficientDataWarning, stacklevel=2)
        return self

    def _paired_t(self) -> tuple[float, tuple[float, float], float]:
        d = np.asarray(self.pair_differences_, dtype=np.float64)
        if len(d) < 2:
            return (float(d.mean()) if len(d) else math.nan), (math.nan, math.nan), math.nan
        mean = float(d.mean())
        se = float(d.std(ddof=1)) / math.sqrt(len(d))
        if se == 0:
            return mean, (mean, mean), (1.0 if mean == 0 else 0.0)
        q = float(stats.t.ppf(0.975, len(d) - 1))
        p = float(2 * stats.t.sf(abs(mean / se), len(d) - 1))
        return mean, (mean - q * se, mean + q * se), p

    def _normal(self) -> Comparison:
        mean, ci, p = self._paired_t()
        n = len(self.pair_differences_)
        if n < 2:
            return self._empty(mean, ci, p, "paired t-test over pairs of periods")
        s2 = max(float(np.var(self.pair_differences_, ddof=1)), 1e-6)
        precision = 1 / self.prior_sd**2 + n / s2
        post_mean = (n / s2) * mean / precision
        post_sd = math.sqrt(1 / precision)
        p1 = float(stats.norm.cdf(-self.margin, post_mean, post_sd))  # first lowers pain by >= margin
        p2 = float(stats.norm.sf(self.margin, post_mean, post_sd))
        return self._comparison(mean, ci, p, "paired t-test over pairs of periods", p1, p2)

    def _poisson(self, days: Sequence[PeriodDay]) -> Comparison:
        first, second = self.arms
        used = [d for d in days if d.day_in_period >= self.washout_days and not math.isnan(d.value)]
        k = {a: sum(d.value > 0 for d in used if d.arm == a) for a in self.arms}
        n = {a: sum(1 for d in used if d.arm == a) for a in self.arms}
        mean, ci, p_t = self._paired_t()
        test = "exact conditional test of two Poisson rates; paired t-test over pairs beside it"
        if len(self.pair_differences_) < 2 or min(n.values()) == 0:
            return self._empty(mean, ci, p_t, test)
        p_exact = (
            float(stats.binomtest(k[first], k[first] + k[second], n[first] / (n[first] + n[second])).pvalue)
            if k[first] + k[second]
            else 1.0
        )
        shape, rate = self.gamma_prior
        rng = np.random.default_rng(self.seed)
        lam1 = rng.gamma(shape + k[first], 1 / (rate + n[first]), self.draws) * 28
        lam2 = rng.gamma(shape + k[second], 1 / (rate + n[second]), self.draws) * 28
        diff = lam1 - lam2
        p1 = float(np.mean(diff <= -self.margin))
        p2 = float(np.mean(diff >= self.margin))
        observed = 28 * (k[first] / n[first] - k[second] / n[second])
        self.notes_.append(
            f"{first}: {k[first]} migraine days in {n[first]} analysed days; "
            f"{second}: {k[second]} in {n[second]}. Paired t-test over pairs: p = {p_t:.3g}."
        )
        return self._comparison(observed, ci, p_exact, test, p1, p2)

    def _empty(self, mean: float, ci: tuple[float, float], p: float, test: str) -> Comparison:
        first, second = self.arms
        return Comparison(
            first,
            second,
            mean,
            ci,
            p,
            test,
            math.nan,
            math.nan,
            math.nan,
            self.margin,
            "not_enough_data",
            "Not enough complete pairs of periods yet.",
        )

    def _comparison(
        self, diff: float, ci: tuple[float, float], p: float, test: str, p1: float, p2: float
    ) -> Comparison:
        first, second = self.arms
        within = max(0.0, 1.0 - p1 - p2)
        verdict = decide(p1, p2, within, self.threshold)
        unit = "points of daily pain" if self.outcome == "daily_pain" else "migraine days per 28 days"
        return Comparison(
            first=first,
            second=second,
            difference=diff,
            ci=ci,
            p_value=p,
            test=test,
            p_first_better=p1,
            p_second_better=p2,
            p_within_margin=within,
            margin=self.margin,
            verdict=verdict,
            explanation=(
                f"{first} minus {second}: {diff:+.2f} {unit} (lower is better). "
                f"Probability {first} is lower by at least {self.margin:g}: {p1:.0%}; "
                f"{second} lower by at least {self.margin:g}: {p2:.0%}. "
                f"Verdict ({self.threshold:.0%} rule): {_label(verdict, first, second)}."
            ),
        )

    def summary(self) -> dict[str, Any]:
        if self.periods_ is None or self.comparison_ is None:
            raise NotFittedError("call fit() first")
        return {
            "design": "period-level",
            "outcome": self.outcome,
            "prior": self.prior_text(),
            "margin": self.margin,
            "threshold": self.threshold,
            "washout_days": self.washout_days,
            "periods": [p.as_dict() for p in self.periods_],
            "pair_differences": list(self.pair_differences_),
            "comparison": self.comparison_.as_dict(),
            "notes": list(self.notes_),
        }


def _washout_note(days: int) -> str:
    if days:
        return f"Analytic wash-out: the first {days} days of every period are not analysed."
    return "No wash-out: carry-over from the previous period is possible."


def _period_summaries(days: Sequence[PeriodDay], washout: int, outcome: PeriodOutcome) -> list[PeriodSummary]:
    keys = sorted({(d.pair, d.period, d.arm) for d in days}, key=lambda t: t[1])
    out = []
    for pair, period, arm in keys:
        rows = [d for d in days if d.period == period]
        used = [d.value for d in rows if d.day_in_period >= washout and not math.isnan(d.value)]
        missing = sum(1 for d in rows if d.day_in_period >= washout and math.isnan(d.value))
        if not used:
            mean = math.nan
        elif outcome == "daily_pain":
            mean = float(np.mean(used))
        else:
            mean = 28 * sum(v > 0 for v in used) / len(used)
        out.append(
            PeriodSummary(
                pair=pair,
                period=period,
                arm=arm,
                days_used=len(used),
                days_washout=sum(1 for d in rows if d.day_in_period < washout),
                days_missing=missing,
                mean=mean,
            )
        )
    return out
