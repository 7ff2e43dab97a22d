"""The numerical building blocks agree with independent implementations.

Reference values come from tests/analysis/reference/make_reference.py
(statsmodels and a generic optimiser); see that script for how.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from relief.analysis.stats import (
    adaptive_bh,
    benjamini_hochberg,
    fit_logistic,
    group_binary_rows,
    lr_pvalue,
    newcombe_difference,
    slope_with_ci,
    wilson_interval,
)

REF = json.loads((Path(__file__).parent / "reference" / "stats_reference.json").read_text())


def test_plain_logistic_fit_matches_statsmodels() -> None:
    X, y = np.array(REF["logit"]["X"]), np.array(REF["logit"]["y"])
    fit = fit_logistic(X, y, firth=False)
    assert fit.converged
    np.testing.assert_allclose(fit.coef, REF["logit"]["coef"], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(fit.se, REF["logit"]["se"], rtol=1e-5)
    assert fit.loglik == pytest.approx(REF["logit"]["loglik"], rel=1e-9)


def test_firth_fit_matches_a_generic_optimiser_on_separated_data() -> None:
    ref = REF["firth_separated"]
    X, y = np.array(ref["X"]), np.array(ref["y"])
    fit = fit_logistic(X, y, firth=True)
    np.testing.assert_allclose(fit.coef, ref["coef"], atol=1e-4)
    assert fit.loglik == pytest.approx(ref["penalised_loglik"], abs=1e-6)


def test_firth_stays_finite_where_plain_maximum_likelihood_diverges() -> None:
    ref = REF["firth_separated"]
    X, y = np.array(ref["X"]), np.array(ref["y"])
    plain = fit_logistic(X, y, firth=False, max_iter=200)
    firth = fit_logistic(X, y, firth=True)
    assert abs(plain.coef[1]) > 3 * abs(firth.coef[1])
    assert np.isfinite(firth.se).all()


def test_constrained_firth_fit_gives_the_reference_penalised_likelihood() -> None:
    ref = REF["firth_separated"]
    X, y = np.array(ref["X"]), np.array(ref["y"])
    reduced = fit_logistic(X, y, firth=True, fixed_zero=1)
    assert reduced.coef[1] == 0.0
    assert reduced.loglik == pytest.approx(ref["penalised_loglik_without_x1"], abs=1e-6)
    full = fit_logistic(X, y, firth=True)
    expected_stat = 2 * (ref["penalised_loglik"] - ref["penalised_loglik_without_x1"])
    from scipy import stats

    assert lr_pvalue(full, reduced) == pytest.approx(stats.chi2.sf(expected_stat, 1), rel=1e-4)


def test_firth_fit_matches_the_optimiser_on_regular_data() -> None:
    X, y = np.array(REF["logit"]["X"]), np.array(REF["logit"]["y"])
    fit = fit_logistic(X, y, firth=True)
    np.testing.assert_allclose(fit.coef, REF["firth_regular"]["coef"], atol=1e-4)


def test_grouping_binary_rows_gives_the_same_fit_as_ungrouped_rows() -> None:
    rng = np.random.default_rng(4)
    X = np.column_stack([np.ones(500), rng.random((500, 3)) < 0.3]).astype(float)
    y = (rng.random(500) < 0.2).astype(float)
    Xg, yg, mg = group_binary_rows(X, y)
    assert len(Xg) < len(X)
    a = fit_logistic(X, y)
    b = fit_logistic(Xg, yg, trials=mg)
    np.testing.assert_allclose(a.coef, b.coef, atol=1e-8)
    np.testing.assert_allclose(a.cov, b.cov, atol=1e-8)


def test_benjamini_hochberg_matches_statsmodels() -> None:
    q = benjamini_hochberg(np.array(REF["bh"]["p"]))
    np.testing.assert_allclose(q, REF["bh"]["q"], rtol=1e-12)


def test_benjamini_hochberg_leaves_missing_p_values_missing() -> None:
    q = benjamini_hochberg(np.array([0.01, np.nan, 0.04]))
    assert np.isnan(q[1])
    np.testing.assert_allclose(q[[0, 2]], [0.02, 0.04])


def test_adaptive_bh_rejects_exactly_what_statsmodels_two_stage_bky_rejects() -> None:
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(3)
    for _ in range(200):
        p = np.concatenate([rng.uniform(0, 0.02, rng.integers(0, 8)), rng.uniform(0, 1, rng.integers(1, 12))])
        expected = multipletests(p, alpha=0.05, method="fdr_tsbky")[0]
        np.testing.assert_array_equal(adaptive_bh(p, 0.05) <= 0.05, expected)


def test_adaptive_bh_finds_more_than_bh_when_most_hypotheses_are_false() -> None:
    p = np.array([0.001, 0.004, 0.012, 0.02, 0.03, 0.04, 0.3])
    assert (adaptive_bh(p, 0.05) <= 0.05).sum() > (benjamini_hochberg(p) <= 0.05).sum()


def test_wilson_interval_matches_statsmodels() -> None:
    for (k, n), (low, high) in zip(REF["wilson"]["cases"], REF["wilson"]["ci"], strict=True):
        got = wilson_interval(k, n)
        assert got == pytest.approx((low, high), abs=1e-10)


def test_newcombe_interval_matches_statsmodels_and_the_published_example() -> None:
    for (a, b, c, d), (low, high) in zip(REF["newcombe"]["cases"], REF["newcombe"]["ci"], strict=True):
        diff, lo, hi = newcombe_difference(a, b, c, d)
        assert diff == pytest.approx(a / b - c / d)
        assert (lo, hi) == pytest.approx((low, high), abs=1e-10)
    # Newcombe (1998), Stat Med 17:873, example (a): 56/70 vs 48/80, method 10
    _, lo, hi = newcombe_difference(56, 70, 48, 80)
    assert (round(lo, 4), round(hi, 4)) == (0.0524, 0.3339)


def test_ols_slope_matches_statsmodels() -> None:
    slope, lo, hi, p = slope_with_ci(np.array(REF["ols"]["x"]), np.array(REF["ols"]["y"]))
    assert slope == pytest.approx(REF["ols"]["slope"])
    assert (lo, hi) == pytest.approx(tuple(REF["ols"]["ci"]))
    assert p == pytest.approx(REF["ols"]["p"])


def test_firth_fit_settles_when_one_row_has_a_coefficient_of_its_own() -> None:
    """One day with an indicator of its own: its hat value is 1, so Firth's score puts that day's
    fitted probability at exactly 1/4 when it had no event (y - mu + (1/2 - mu) = 0)."""
    rng = np.random.default_rng(1)
    n = 400
    x = (rng.random(n) < 0.3).astype(float)
    z = (rng.random(n) < 0.3).astype(float)
    alone = np.zeros(n)
    alone[7] = 1.0
    y = (rng.random(n) < 0.1 + 0.2 * x).astype(float)
    y[7] = 0.0
    X = np.column_stack([np.ones(n), z, alone, x])

    for fixed_zero in (None, 3):
        fit = fit_logistic(X, y, firth=True, fixed_zero=fixed_zero)
        assert fit.converged and fit.iterations < 20
        assert 1 / (1 + np.exp(-(X[7] @ fit.coef))) == pytest.approx(0.25, abs=1e-4)
