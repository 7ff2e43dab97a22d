"""Produce reference values for tests/analysis with independent implementations.

Run from the repository root:  uv run python tests/analysis/reference/make_reference.py

* plain logistic regression: statsmodels ``Logit`` (IRLS/Newton in statsmodels)
* Firth logistic regression and its penalised likelihood-ratio test: the
  penalised log-likelihood l(b) + 0.5 log|X'WX| maximised with a generic
  optimiser (scipy BFGS), not with the library's Newton iteration
* Benjamini-Hochberg: statsmodels ``multipletests(method="fdr_bh")``
* Wilson interval: statsmodels ``proportion_confint(method="wilson")``
* Newcombe hybrid score difference interval: statsmodels
  ``confint_proportions_2indep(method="newcomb")``
* OLS slope: statsmodels ``OLS``

Inputs are stored in the JSON next to the outputs, so the tests do not depend on
this script's random generator.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import statsmodels.api as sm
from scipy import optimize
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

HERE = Path(__file__).parent


def penalised_loglik(beta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    eta = X @ beta
    mu = 1 / (1 + np.exp(-eta))
    ll = np.sum(y * eta - np.log1p(np.exp(eta)))
    info = X.T @ (X * (mu * (1 - mu))[:, None])
    return float(ll + 0.5 * np.linalg.slogdet(info)[1])


def firth_by_optimiser(X: np.ndarray, y: np.ndarray, fixed: int | None = None) -> tuple[np.ndarray, float]:
    p = X.shape[1]
    free = [j for j in range(p) if j != fixed]

    def negative(b_free: np.ndarray) -> float:
        beta = np.zeros(p)
        beta[free] = b_free
        return -penalised_loglik(beta, X, y)

    res = optimize.minimize(negative, np.zeros(len(free)), method="BFGS", options={"gtol": 1e-10})
    beta = np.zeros(p)
    beta[free] = res.x
    return beta, -float(res.fun)


def main() -> None:
    rng = np.random.default_rng(20260101)
    n = 300
    x1 = (rng.random(n) < 0.3).astype(float)
    x2 = (rng.random(n) < 0.5).astype(float)
    x3 = rng.normal(size=n)
    X = np.column_stack([np.ones(n), x1, x2, x3])
    eta = -1.5 + 1.0 * x1 - 0.7 * x2 + 0.4 * x3
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    logit = sm.Logit(y, X).fit(disp=0, tol=1e-12)

    # small, separated data: x1 == 1 always has an event
    Xs = np.column_stack([np.ones(40), np.r_[np.ones(8), np.zeros(32)], rng.normal(size=40)])
    ys = np.r_[np.ones(8), (rng.random(32) < 0.25).astype(float)]
    firth_beta, firth_ll = firth_by_optimiser(Xs, ys)
    _, firth_ll_reduced = firth_by_optimiser(Xs, ys, fixed=1)
    firth_beta_big, _ = firth_by_optimiser(X, y)

    pvals = rng.uniform(0, 0.2, 25) ** 2
    bh = multipletests(pvals, method="fdr_bh")[1]

    proportions = [(0, 10), (3, 10), (10, 10), (81, 263), (17, 40)]
    wilson = [list(proportion_confint(k, m, method="wilson")) for k, m in proportions]
    pairs = [(56, 70, 48, 80), (9, 10, 3, 10), (5, 56, 0, 29), (20, 40, 18, 35)]
    newcombe = [
        list(confint_proportions_2indep(a, b, c, d, method="newcomb", compare="diff")) for a, b, c, d in pairs
    ]

    xo = rng.normal(size=30)
    yo = 2.0 - 0.5 * xo + rng.normal(size=30)
    ols = sm.OLS(yo, sm.add_constant(xo)).fit()

    # one trigger model on a simulated diary, design built with pandas (not the library's helpers)
    import pandas as pd

    from relief.analysis.factors import daily_factors  # exposure definitions only
    from relief.analysis.simulate import simulate_diary  # data only

    sim = simulate_diary(730, seed=5)
    days = sim.diary.days.set_index("date")
    attacks = sim.diary.attacks
    onset = days.index.isin(attacks["start_date"]).astype(float)
    inside = np.zeros(len(days), dtype=bool)
    for s, e in zip(attacks["start_date"], attacks["end_date"].fillna(days.index[-1]), strict=True):
        inside |= (days.index > s) & (days.index <= e)
    f = daily_factors(sim.diary.days).set_index(days.index)
    design = pd.DataFrame(
        {
            "y": onset,
            "const": 1.0,
            "menstrual0": f["menstrual_window"],
            "sleep0": f["sleep_below_usual"],
            "sleep1": f["sleep_below_usual"].shift(1),
            "stress0": f["high_stress"],
            "stress1": f["high_stress"].shift(1),
            "wine1": f["tag:red wine"].shift(1),
        }
    )[~inside].dropna()
    Xt = design.drop(columns="y").to_numpy()
    yt = design["y"].to_numpy()
    full = sm.Logit(yt, Xt).fit(disp=0, tol=1e-12)
    reduced = sm.Logit(yt, Xt[:, :-1]).fit(disp=0, tol=1e-12)
    trigger_beta, trigger_ll = firth_by_optimiser(Xt, yt)
    _, trigger_ll0 = firth_by_optimiser(Xt, yt, fixed=Xt.shape[1] - 1)
    from scipy import stats as sstats

    trigger = {
        "diary": {"days": 730, "seed": 5, "factor": "tag:red wine", "lag": 1},
        "rows": len(design),
        "plain_odds_ratio": float(np.exp(full.params[-1])),
        "plain_lr_p": float(sstats.chi2.sf(2 * (full.llf - reduced.llf), 1)),
        "firth_odds_ratio": float(np.exp(trigger_beta[-1])),
        "firth_lr_p": float(sstats.chi2.sf(2 * (trigger_ll - trigger_ll0), 1)),
    }

    out = {
        "trigger_model": trigger,
        "logit": {
            "X": X.tolist(),
            "y": y.tolist(),
            "coef": logit.params.tolist(),
            "se": logit.bse.tolist(),
            "loglik": float(logit.llf),
        },
        "firth_separated": {
            "X": Xs.tolist(),
            "y": ys.tolist(),
            "coef": firth_beta.tolist(),
            "penalised_loglik": firth_ll,
            "penalised_loglik_without_x1": firth_ll_reduced,
        },
        "firth_regular": {"coef": firth_beta_big.tolist()},
        "bh": {"p": pvals.tolist(), "q": bh.tolist()},
        "wilson": {"cases": proportions, "ci": wilson},
        "newcombe": {"cases": pairs, "ci": newcombe},
        "ols": {
            "x": xo.tolist(),
            "y": yo.tolist(),
            "slope": float(ols.params[1]),
            "ci": ols.conf_int()[1].tolist(),
            "p": float(ols.pvalues[1]),
        },
    }
    (HERE / "stats_reference.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
