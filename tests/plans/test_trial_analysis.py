"""The personal-trial analysis against an independent computation, and on simulated trials."""

from __future__ import annotations

import json
import math
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relief.analysis.cent import TrialProtocol, cent_report
from relief.analysis.exceptions import InsufficientDataWarning, NotFittedError
from relief.analysis.trials import (
    AttackRecord,
    AttackTrialAnalysis,
    BetaPrior,
    PeriodDay,
    PeriodTrialAnalysis,
    fisher_p,
    newcombe_difference,
    permuted_blocks,
    prob_beta_difference,
    randomised_pairs,
)

REFERENCE = json.loads((Path(__file__).parent / "reference" / "trials_reference.json").read_text())


def records(arm: str, successes: int, n: int, start: int = 1) -> list[AttackRecord]:
    return [AttackRecord(start + i, arm, arm, i < successes) for i in range(n)]


# --------------------------------------------------------------------- sequences


@given(st.integers(min_value=1, max_value=60), st.integers(min_value=2, max_value=3), st.integers(0, 10**6))
@settings(max_examples=60, deadline=None)
def test_every_prefix_of_a_block_sequence_is_nearly_balanced(n, arms, seed):
    names = ["A", "B", "C"][:arms]
    sequence = permuted_blocks(names, n, np.random.default_rng(seed))
    assert len(sequence) == n
    for end in range(1, n + 1):
        counts = Counter(sequence[:end])
        assert max(counts[a] for a in names) - min(counts[a] for a in names) <= 1
    complete = n - n % arms
    assert all(Counter(sequence[:complete])[a] == complete // arms for a in names)


def test_block_sequences_differ_between_seeds_and_repeat_for_the_same_seed():
    first = permuted_blocks(["A", "B"], 30, np.random.default_rng(1))
    assert first == permuted_blocks(["A", "B"], 30, np.random.default_rng(1))
    assert first != permuted_blocks(["A", "B"], 30, np.random.default_rng(2))


def test_randomised_pairs_hold_each_option_once_per_pair():
    order = randomised_pairs(["on", "off"], 50, np.random.default_rng(3))
    pairs = [tuple(order[i : i + 2]) for i in range(0, 100, 2)]
    assert set(pairs) == {("on", "off"), ("off", "on")}


def test_a_sequence_needs_two_different_options():
    with pytest.raises(ValueError, match="two different"):
        permuted_blocks(["A", "A"], 4, np.random.default_rng(0))


# --------------------------------------------------------------------- reference values


@pytest.mark.parametrize("case", REFERENCE["attack"])
def test_attack_level_numbers_match_the_reference_script(case):
    k1, n1, k2, n2 = case["k1"], case["n1"], case["k2"], case["n2"]
    assert fisher_p(k1, n1, k2, n2) == pytest.approx(case["fisher_p"], rel=1e-6)
    assert newcombe_difference(k1, n1, k2, n2) == pytest.approx(case["newcombe"], rel=1e-9)
    a, b = case["prior"]
    fit = AttackTrialAnalysis(["A", "B"], prior=BetaPrior(a, b), margin=case["margin"]).fit(
        records("A", k1, n1) + records("B", k2, n2, start=n1 + 1)
    )
    assert fit.comparisons_[0].p_first_better == pytest.approx(case["p_first_better"], abs=2e-3)
    assert fit.comparisons_[0].p_value == pytest.approx(case["fisher_p"], rel=1e-6)


def test_the_exact_beta_probability_agrees_with_monte_carlo():
    rng = np.random.default_rng(7)
    p1, p2 = rng.beta(8, 4, 400_000), rng.beta(3, 9, 400_000)
    assert prob_beta_difference(8, 4, 3, 9, 0.15) == pytest.approx(np.mean(p1 - p2 >= 0.15), abs=4e-3)
    assert prob_beta_difference(8, 4, 3, 9, -0.2) == pytest.approx(np.mean(p1 - p2 >= -0.2), abs=4e-3)


def period_days(means: dict[int, tuple[str, float]], days: int, washout: int, washout_value: float):
    out = []
    for period, (arm, value) in means.items():
        for d in range(days):
            out.append(PeriodDay(period // 2, period, arm, d, washout_value if d < washout else value))
    return out


def test_period_level_pain_matches_the_reference_script():
    ref = REFERENCE["period_pain"]
    means = {}
    for pair, diff in enumerate(ref["pair_differences"]):
        means[2 * pair] = ("A", 5.0 + diff)
        means[2 * pair + 1] = ("B", 5.0)
    fit = PeriodTrialAnalysis(["A", "B"], washout_days=3, margin=ref["margin"], prior_sd=ref["prior_sd"]).fit(
        period_days(means, days=14, washout=3, washout_value=9.0)
    )
    assert fit.pair_differences_ == pytest.approx(ref["pair_differences"])
    assert fit.comparison_.difference == pytest.approx(ref["mean"])
    assert fit.comparison_.p_first_better == pytest.approx(ref["p_first_better"], rel=1e-9)
    from scipy import stats

    assert fit.comparison_.p_value == pytest.approx(2 * stats.t.sf(abs(ref["t"]), 3), rel=1e-9)


def test_period_level_migraine_days_match_the_reference_script():
    ref = REFERENCE["period_counts"]
    days = []
    # two pairs of 28-day periods, 4 wash-out days: 48 analysed days per option
    plan = [("A", 3), ("B", 7), ("B", 7), ("A", 3)]
    for period, (arm, migraine_days) in enumerate(plan):
        for d in range(28):
            value = 1.0 if d < 4 or 4 <= d < 4 + migraine_days else 0.0  # wash-out days are all migraine days
            days.append(PeriodDay(period // 2, period, arm, d, value))
    fit = PeriodTrialAnalysis(
        ["A", "B"],
        "migraine_days",
        washout_days=4,
        margin=ref["margin"],
        gamma_prior=tuple(ref["gamma_prior"]),
    ).fit(days)
    assert fit.comparison_.p_first_better == pytest.approx(ref["p_first_better"], abs=4e-3)
    assert fit.comparison_.difference == pytest.approx(28 * (ref["k1"] / ref["n1"] - ref["k2"] / ref["n2"]))


# --------------------------------------------------------------------- deviations and reporting


def test_deviations_are_reported_and_rescue_before_two_hours_counts_as_failure():
    trial = [
        AttackRecord(1, "A", "A", True),
        AttackRecord(2, "B", "A", True),
        AttackRecord(3, "A", None, None),
        AttackRecord(4, "B", "B", True, rescue_before_2h=True),
        AttackRecord(5, "A", "A", None),
        AttackRecord(6, "B", "B", False),
    ]
    with pytest.warns(InsufficientDataWarning):
        fit = AttackTrialAnalysis(["A", "B"]).fit(trial)
    dev = fit.deviations_
    assert (dev.other_option_taken, dev.no_option_taken, dev.rescue_before_2h) == ([2], [3], [4])
    assert dev.missing_outcome == [3, 5]
    assert fit.arms_["B"].successes == 1  # attack 2 counts for B (allocated), attack 4 is a failure
    assert fit.as_taken_arms_["A"].successes == 2
    assert any("Attacks 4" in line for line in dev.lines())
    assert fit.comparisons_[0].verdict == "not_enough_data"


def test_summary_before_fit_is_refused():
    with pytest.raises(NotFittedError):
        AttackTrialAnalysis(["A", "B"]).summary()


def test_the_cent_report_names_design_prior_deviations_and_amendments():
    fit = AttackTrialAnalysis(["Sumatriptan", "Kratom"]).fit(
        [*records("Sumatriptan", 4, 5), AttackRecord(6, "Kratom", None, None), *records("Kratom", 1, 4, 7)]
    )
    protocol = TrialProtocol(
        title="Sumatriptan or kratom for attacks",
        design="attack",
        arms=("Sumatriptan", "Kratom"),
        outcome="pain freedom at 2 h",
        planned_units=10,
        margin=0.1,
        threshold=0.8,
        prior=BetaPrior().describe(),
        randomisation="permuted blocks of 2",
        amendments=("planned attacks 10 -> 12 (more attacks than expected)",),
    )
    items = {i.item: i.text for i in cent_report(protocol, fit.summary())}
    assert "N-of-1 trial" in items["1a"]
    assert "Beta(1, 1)" in items["12a"]
    assert "Attacks 6: no trial option was taken" in items["13a"]
    assert "10 -> 12" in items["3b"]


# --------------------------------------------------------------------- simulated trials


def simulate_attack_trial(p_first: float, p_second: float, attacks: int, rng: np.random.Generator):
    sequence = permuted_blocks(["A", "B"], attacks, rng)
    trial = [
        AttackRecord(i + 1, arm, arm, bool(rng.random() < (p_first if arm == "A" else p_second)))
        for i, arm in enumerate(sequence)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsufficientDataWarning)
        return AttackTrialAnalysis(["A", "B"], margin=0.1, threshold=0.8).fit(trial).comparisons_[0]


def verdict_shares(make, runs: int) -> dict[str, float]:
    counts = Counter(make().verdict for _ in range(runs))
    return {k: v / runs for k, v in counts.items()}


def test_a_real_difference_in_attack_trials_mostly_favours_the_better_option():
    rng = np.random.default_rng(11)
    shares = verdict_shares(lambda: simulate_attack_trial(0.6, 0.2, 20, rng), 200)
    print("attack trials, 60% vs 20%, 20 attacks:", shares)
    assert shares.get("favours_first", 0) >= 0.5
    assert shares.get("favours_second", 0) <= 0.02


def test_no_difference_in_attack_trials_rarely_favours_either_option():
    rng = np.random.default_rng(12)
    shares = verdict_shares(lambda: simulate_attack_trial(0.35, 0.35, 20, rng), 200)
    print("attack trials, 35% vs 35%, 20 attacks:", shares)
    wrong = shares.get("favours_first", 0) + shares.get("favours_second", 0)
    assert wrong <= 0.25
    assert shares.get("unclear", 0) >= 0.6


def simulate_period_trial(delta: float, pairs: int, rng: np.random.Generator, washout: int = 3):
    """Daily pain with AR(1) noise and carry-over into the first days after the option ends."""
    order = randomised_pairs(["A", "B"], pairs, rng)
    days, noise = [], 0.0
    for period, arm in enumerate(order):
        for d in range(28):
            noise = 0.5 * noise + rng.normal(0, 1.2)
            carry = delta * 0.5 if d < washout and period and order[period - 1] == "A" and arm == "B" else 0.0
            value = 4 + (delta if arm == "A" else 0.0) + carry + noise
            days.append(PeriodDay(period // 2, period, arm, d, float(np.clip(value, 0, 10))))
    return PeriodTrialAnalysis(["A", "B"], washout_days=washout, margin=0.5).fit(days).comparison_


def test_a_real_difference_in_period_trials_mostly_favours_the_better_option():
    rng = np.random.default_rng(21)
    shares = verdict_shares(lambda: simulate_period_trial(-1.5, 3, rng), 200)
    print("period trials, 1.5 points lower pain, 3 pairs:", shares)
    assert shares.get("favours_first", 0) >= 0.85


def test_no_difference_in_period_trials_rarely_favours_either_option():
    rng = np.random.default_rng(22)
    shares = verdict_shares(lambda: simulate_period_trial(0.0, 3, rng), 200)
    print("period trials, no difference, 3 pairs:", shares)
    assert shares.get("favours_first", 0) + shares.get("favours_second", 0) <= 0.12
    assert not math.isnan(sum(shares.values()))
