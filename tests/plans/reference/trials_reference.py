"""Independent reference values for relief.analysis.trials (run: uv run python tests/plans/reference/trials_reference.py).

Written without scipy.stats or the library code: Fisher's exact test by enumerating
the hypergeometric table with math.comb, Wilson/Newcombe from the published formulas,
the Beta-difference probability by a midpoint grid over both densities, the paired
t-test and the conjugate normal update by hand, and the Gamma-difference probability
by a midpoint grid.  The output is trials_reference.json beside this script.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

Z = 1.959963984540054


def fisher_two_sided(k1: int, n1: int, k2: int, n2: int) -> float:
    total_k, total = k1 + k2, n1 + n2

    def prob(x: int) -> float:
        return math.comb(n1, x) * math.comb(n2, total_k - x) / math.comb(total, total_k)

    observed = prob(k1)
    low, high = max(0, total_k - n2), min(n1, total_k)
    return min(1.0, sum(prob(x) for x in range(low, high + 1) if prob(x) <= observed * (1 + 1e-7)))


def wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (2 * n * p + Z**2) / (2 * (n + Z**2))
    half = Z * math.sqrt(Z**2 + 4 * n * p * (1 - p)) / (2 * (n + Z**2))
    return centre - half, centre + half


def newcombe(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float, float]:
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1)
    l2, u2 = wilson(k2, n2)
    d = p1 - p2
    return d, d - math.hypot(p1 - l1, u2 - p2), d + math.hypot(u1 - p1, p2 - l2)


def beta_pdf(x: float, a: float, b: float) -> float:
    return math.exp(
        (a - 1) * math.log(x)
        + (b - 1) * math.log(1 - x)
        - math.lgamma(a)
        - math.lgamma(b)
        + math.lgamma(a + b)
    )


def prob_beta_diff(a1: float, b1: float, a2: float, b2: float, margin: float, grid: int = 4000) -> float:
    xs = [(i + 0.5) / grid for i in range(grid)]
    f1 = [beta_pdf(x, a1, b1) / grid for x in xs]
    f2 = [beta_pdf(x, a2, b2) / grid for x in xs]
    # survival of p1 at each grid point, from the right
    sf1 = [0.0] * (grid + 1)
    for i in range(grid - 1, -1, -1):
        sf1[i] = sf1[i + 1] + f1[i]
    total = 0.0
    for j, y in enumerate(xs):
        start = math.ceil((y + margin) * grid - 0.5)
        if start < grid:
            total += f2[j] * sf1[max(start, 0)]
    return total / (sum(f1) * sum(f2))


def paired_t(d: list[float]) -> tuple[float, float]:
    n = len(d)
    mean = sum(d) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in d) / (n - 1))
    return mean, mean / (sd / math.sqrt(n))


def normal_posterior(d: list[float], prior_sd: float) -> tuple[float, float]:
    n = len(d)
    mean = sum(d) / n
    s2 = sum((x - mean) ** 2 for x in d) / (n - 1)
    precision = 1 / prior_sd**2 + n / s2
    return (n / s2) * mean / precision, math.sqrt(1 / precision)


def normal_cdf(x: float, mu: float, sd: float) -> float:
    return 0.5 * (1 + math.erf((x - mu) / (sd * math.sqrt(2))))


def gamma_pdf(x: float, shape: float, rate: float) -> float:
    return math.exp(shape * math.log(rate) + (shape - 1) * math.log(x) - rate * x - math.lgamma(shape))


def prob_gamma_diff_below(s1: float, r1: float, s2: float, r2: float, margin_per_day: float) -> float:
    """P(lam1 - lam2 <= -margin) by a midpoint grid over lam2 and the lam1 cdf by a fine sum."""
    top = 1.5
    grid = 3000
    h = top / grid
    xs = [(i + 0.5) * h for i in range(grid)]
    f1 = [gamma_pdf(x, s1, r1) * h for x in xs]
    cdf1 = []
    acc = 0.0
    for v in f1:
        acc += v
        cdf1.append(acc)
    total = 0.0
    for y in xs:
        limit = y - margin_per_day
        if limit <= 0:
            continue
        idx = min(int(limit / h + 0.5) - 1, grid - 1)
        if idx >= 0:
            total += gamma_pdf(y, s2, r2) * h * cdf1[idx]
    return total


def main() -> None:
    attack_cases = [
        {"k1": 7, "n1": 10, "k2": 2, "n2": 10, "prior": [1, 1], "margin": 0.1},
        {"k1": 4, "n1": 9, "k2": 4, "n2": 8, "prior": [1, 1], "margin": 0.1},
        {"k1": 12, "n1": 15, "k2": 5, "n2": 14, "prior": [2, 3], "margin": 0.2},
    ]
    for c in attack_cases:
        a, b = c["prior"]
        c["fisher_p"] = fisher_two_sided(c["k1"], c["n1"], c["k2"], c["n2"])
        c["newcombe"] = list(newcombe(c["k1"], c["n1"], c["k2"], c["n2"]))
        c["p_first_better"] = prob_beta_diff(
            a + c["k1"], b + c["n1"] - c["k1"], a + c["k2"], b + c["n2"] - c["k2"], c["margin"]
        )
    pair_diffs = [-1.4, -0.6, -2.1, -0.9]
    mean, t = paired_t(pair_diffs)
    post_mean, post_sd = normal_posterior(pair_diffs, 2.0)
    period = {
        "pair_differences": pair_diffs,
        "mean": mean,
        "t": t,
        "prior_sd": 2.0,
        "margin": 0.5,
        "p_first_better": normal_cdf(-0.5, post_mean, post_sd),
    }
    counts = {"k1": 6, "n1": 48, "k2": 14, "n2": 48, "gamma_prior": [1.0, 7.0], "margin": 2.0}
    s, r = counts["gamma_prior"]
    counts["p_first_better"] = prob_gamma_diff_below(
        s + counts["k1"], r + counts["n1"], s + counts["k2"], r + counts["n2"], counts["margin"] / 28
    )
    out = {"attack": attack_cases, "period_pain": period, "period_counts": counts}
    Path(__file__).with_name("trials_reference.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
