"""Small, fast statistical building blocks (numpy and scipy only).

Everything here is checked against an independent implementation in
``tests/analysis`` (statsmodels, or a generic optimiser), with the script that
produced the reference values in ``tests/analysis/reference``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special, stats

FloatArray = npt.NDArray[np.float64]

Z95 = 1.959963984540054


@dataclass(frozen=True)
class LogisticFit:
    """A fitted logistic model: coefficients, covariance and (penalised) log-likelihood."""

    coef: FloatArray
    cov: FloatArray
    loglik: float
    """Log-likelihood; with ``firth=True`` the penalised one, l + 0.5 log|I|."""
    converged: bool
    iterations: int
    firth: bool

    @property
    def se(self) -> FloatArray:
        return np.sqrt(np.clip(np.diag(self.cov), 0.0, None))


def _loglik(
    X: FloatArray, y: FloatArray, m: FloatArray, beta: FloatArray, firth: bool
) -> tuple[float, FloatArray, FloatArray]:
    eta = X @ beta
    ll = float(np.sum(y * eta - m * np.logaddexp(0.0, eta)))
    mu = special.expit(eta)
    w = m * mu * (1.0 - mu)
    info = X.T @ (X * w[:, None])
    if firth:
        sign, logdet = np.linalg.slogdet(info)
        ll += 0.5 * logdet if sign > 0 else -np.inf
    return ll, mu, info


def fit_logistic(
    X: FloatArray,
    y: FloatArray,
    *,
    firth: bool = True,
    fixed_zero: int | None = None,
    start: FloatArray | None = None,
    trials: FloatArray | None = None,
    max_iter: int = 100,
    tol: float = 1e-8,
) -> LogisticFit:
    """Logistic regression by Newton-Raphson with step halving.

    With ``firth=True`` the score is Firth's modified score
    ``X'(y - mu + h (1/2 - mu))`` (Firth 1993; Heinze & Schemper 2002), which
    gives finite estimates under complete or quasi-complete separation and
    removes the first-order small-sample bias.  ``X`` must contain the
    intercept column.

    ``fixed_zero=j`` maximises the same (penalised) likelihood with
    coefficient ``j`` held at 0, as needed for the penalised likelihood-ratio
    test: the Jeffreys penalty is still computed from the full design
    (Heinze & Schemper 2002), so the test compares like with like.

    ``trials`` turns ``y`` into event counts out of ``trials`` per row
    (grouped binomial data); the fit is identical to the ungrouped one.
    """
    m = np.ones(len(y)) if trials is None else np.asarray(trials, dtype=np.float64)
    p = X.shape[1]
    beta = _start_beta(X, y, m) if start is None else np.array(start, dtype=np.float64)
    free = np.ones(p, dtype=bool)
    if fixed_zero is not None:
        free[fixed_zero] = False
        beta[fixed_zero] = 0.0
    ll, mu, info = _loglik(X, y, m, beta, firth)
    converged = False
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007
        step = _newton_step(X, y, m, mu, info, firth, None if fixed_zero is None else free)
        biggest = float(np.max(np.abs(step))) if p else 0.0
        if biggest > 5.0:
            step *= 5.0 / biggest
        halved = False
        for _ in range(30):
            candidate = beta + step
            new_ll, new_mu, new_info = _loglik(X, y, m, candidate, firth)
            if new_ll >= ll - 1e-12:
                break
            step *= 0.5
            halved = True
        settled = not halved and abs(new_ll - ll) <= 1e-13 * (abs(ll) + 1.0)
        beta, ll, mu, info = candidate, new_ll, new_mu, new_info
        # converged: the step is negligible, or a full Newton step no longer changes the
        # (penalised) log-likelihood beyond rounding.  The second happens when one covariate
        # pattern has a coefficient of its own (a single day with an indicator): the step then
        # stalls at about 1e-5 along a direction in which the likelihood is flat to 1e-14,
        # and the first test alone would run to max_iter
        if float(np.max(np.abs(step))) < tol or settled:
            converged = True
            break
    try:
        cov = np.asarray(np.linalg.inv(info), dtype=np.float64)
    except np.linalg.LinAlgError:
        cov = np.asarray(np.linalg.pinv(info), dtype=np.float64)
    return LogisticFit(coef=beta, cov=cov, loglik=ll, converged=converged, iterations=it, firth=firth)


def _start_beta(X: FloatArray, y: FloatArray, m: FloatArray) -> FloatArray:
    """Zeros, with the intercept (when column 0 is all ones) at the overall log-odds: fewer iterations."""
    p = X.shape[1]
    beta = np.zeros(p)
    if p and np.all(X[:, 0] == 1.0):
        rate = (float(np.sum(y)) + 0.5) / (float(np.sum(m)) + 1.0)
        beta[0] = math.log(rate / (1.0 - rate))
    return beta


def _newton_step(
    X: FloatArray,
    y: FloatArray,
    m: FloatArray,
    mu: FloatArray,
    info: FloatArray,
    firth: bool,
    free: npt.NDArray[np.bool_] | None,
) -> FloatArray:
    """One (Firth-modified) Newton-Raphson step; with ``free``, only those coefficients move."""
    try:
        inv = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(info)
    resid = y - m * mu
    if firth:
        w = m * mu * (1.0 - mu)
        h = w * np.sum((X @ inv) * X, axis=1)
        resid = resid + h * (0.5 - mu)
    score = X.T @ resid
    if free is None:
        return np.asarray(inv @ score, dtype=np.float64)
    step = np.zeros(X.shape[1])
    sub = info[np.ix_(free, free)]
    try:
        step[free] = np.linalg.solve(sub, score[free])
    except np.linalg.LinAlgError:
        step[free] = np.linalg.lstsq(sub, score[free], rcond=None)[0]
    return step


def lr_pvalue(full: LogisticFit, reduced: LogisticFit, df: int = 1) -> float:
    """Likelihood-ratio p-value (penalised LR when both fits are Firth fits)."""
    stat = max(0.0, 2.0 * (full.loglik - reduced.loglik))
    if df == 1:  # the chi-square(1) tail in closed form: much faster than scipy's generic sf
        return math.erfc(math.sqrt(stat / 2.0))
    return float(stats.chi2.sf(stat, df))


def benjamini_hochberg(p: FloatArray) -> FloatArray:
    """Benjamini-Hochberg adjusted p-values (q-values); NaN stays NaN."""
    p = np.asarray(p, dtype=np.float64)
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return q
    vals = p[ok]
    order = np.argsort(vals)
    ranked = vals[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    q[ok] = out
    return q


def adaptive_bh(p: FloatArray, q: float = 0.05) -> FloatArray:
    """Two-stage adaptive Benjamini-Hochberg q-values (Benjamini, Krieger & Yekutieli 2006).

    Stage 1 runs BH at q/(1+q) to estimate how many hypotheses are true
    nulls (m0); stage 2 is BH with the level scaled by m/m0.  It controls
    the FDR at ``q`` like BH and is more powerful when many hypotheses are
    false, as in a pre-specified family of established triggers.  Returned
    values are BH q-values times (1+q) m0/m, so ``value <= q`` is exactly the
    stage-2 rejection; NaN stays NaN.
    """
    bh = benjamini_hochberg(p)
    ok = ~np.isnan(bh)
    m = int(ok.sum())
    if m == 0:
        return bh
    rejected = int((bh[ok] <= q / (1 + q)).sum())
    m0 = m if rejected == 0 else max(m - rejected, 1)  # nothing at stage 1: nothing at all
    out = np.full(bh.shape, np.nan)
    out[ok] = np.minimum(bh[ok] * (1 + q) * m0 / m, 1.0)
    return out


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion k/n (Wilson 1927); (nan, nan) when n == 0."""
    if n <= 0:
        return math.nan, math.nan
    phat = k / n
    denom = 1.0 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_difference(k1: int, n1: int, k2: int, n2: int, z: float = Z95) -> tuple[float, float, float]:
    """Difference p1 - p2 with Newcombe's hybrid score interval (method 10, Newcombe 1998)."""
    if n1 <= 0 or n2 <= 0:
        return math.nan, math.nan, math.nan
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1, z)
    l2, u2 = wilson_interval(k2, n2, z)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, low, high


def slope_with_ci(x: FloatArray, y: FloatArray, z: float = Z95) -> tuple[float, float, float, float]:
    """Ordinary least-squares slope of y on x with a t-based 95 % interval and p-value.

    A flat series (every y equal) gives slope 0, interval (0, 0) and p = 1.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    n = len(x)
    if n < 3 or float(np.var(x)) == 0.0:
        return math.nan, math.nan, math.nan, math.nan
    xm = x - x.mean()
    sxx = float(xm @ xm)
    slope = float(xm @ (y - y.mean())) / sxx
    resid = y - y.mean() - slope * xm
    s2 = float(resid @ resid) / (n - 2)
    se = math.sqrt(s2 / sxx)
    scale = 1e-9 * (float(np.max(np.abs(y))) + 1.0)
    if se <= scale:
        slope = 0.0 if abs(slope) <= scale else slope
        # an exact line: a flat series has no evidence of change at all (p = 1), a perfectly
        # straight rising or falling one has as much as it can have (p = 0)
        return slope, slope, slope, (1.0 if slope == 0.0 else 0.0)
    t = float(stats.t.ppf(0.975, n - 2))
    p = float(2 * stats.t.sf(abs(slope / se), n - 2))
    return slope, slope - t * se, slope + t * se, p


def group_binary_rows(X: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Collapse rows of a 0/1 design into unique patterns: (X, events, trials)."""
    p = X.shape[1]
    if p > 52:
        return X, y, np.ones(len(y))
    keys = (X > 0.5).astype(np.int64) @ (np.int64(1) << np.arange(p, dtype=np.int64))
    uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    events = np.bincount(inverse, weights=y, minlength=len(uniq))
    trials = np.bincount(inverse, minlength=len(uniq)).astype(np.float64)
    return X[first], np.asarray(events, dtype=np.float64), trials


@dataclass(frozen=True)
class Trend:
    """A fitted straight-line trend: level ``a`` at x = 0, change ``b`` per unit of x."""

    a: float
    b: float
    ci: tuple[float, float]
    """t-based 95 % interval of ``b``."""
    p_value: float
    cov: FloatArray
    n: int

    def relative_change(self, span: float) -> tuple[float, float, float]:
        """Change over ``span`` as a fraction of the starting level, with a 95 % interval.

        The interval is the slope's interval over ``span`` relative to the
        fitted starting level, so it excludes 0 exactly when the slope's does
        (the words and the verdict can never disagree).
        """
        if self.n < 3 or not math.isfinite(self.a) or self.a <= 0:
            return math.nan, math.nan, math.nan
        return self.b * span / self.a, self.ci[0] * span / self.a, self.ci[1] * span / self.a


def linear_trend(x: FloatArray, y: FloatArray, weight: FloatArray | None = None) -> Trend:
    """Least-squares trend of y over x, optionally proportional to ``weight``.

    Without ``weight`` this is ``y = a + b x``; with it, ``y = weight (a + b x)``
    (pain drop = grams x relief per gram, where relief per gram changes with
    time), which uses every dose at its own size instead of a noisy per-gram
    ratio.  The interval and p-value of ``b`` are t-based; a trend that
    cannot be fitted (fewer than 3 points, x constant) has NaNs and n < 3.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w = np.ones_like(x) if weight is None else np.asarray(weight, dtype=np.float64)
    ok = ~(np.isnan(x) | np.isnan(y) | np.isnan(w))
    x, y, w = x[ok], y[ok], w[ok]
    n = len(x)
    empty = Trend(math.nan, math.nan, (math.nan, math.nan), math.nan, np.full((2, 2), np.nan), min(n, 2))
    if n < 3 or float(np.var(x)) == 0.0:
        return empty
    X = np.column_stack([w, w * x])
    xtx = X.T @ X
    if abs(float(np.linalg.det(xtx))) < 1e-12:
        return empty
    inv = np.linalg.inv(xtx)
    a, b = (float(v) for v in inv @ (X.T @ y))
    resid = y - X @ np.array([a, b])
    cov = np.asarray(inv * (float(resid @ resid) / (n - 2)), dtype=np.float64)
    se = math.sqrt(max(float(cov[1, 1]), 0.0))
    scale = 1e-9 * (abs(a) + float(np.max(np.abs(y))) + 1.0)
    if se <= scale:  # an exact line (rounding noise only): flat means no evidence of change
        b = 0.0 if abs(b) <= scale else b
        return Trend(a, b, (b, b), 1.0 if b == 0.0 else 0.0, cov, n)
    t = float(stats.t.ppf(0.975, n - 2))
    p = float(2 * stats.t.sf(abs(b / se), n - 2))
    return Trend(a, b, (b - t * se, b + t * se), p, cov, n)
