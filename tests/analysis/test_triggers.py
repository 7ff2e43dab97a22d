"""Trigger and protector analysis on simulated and hand-made diaries."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from relief.analysis.daily import attack_days
from relief.analysis.exceptions import InsufficientDataWarning
from relief.analysis.factors import daily_factors, factor_label
from relief.analysis.simulate import simulate_diary
from relief.analysis.stats import adaptive_bh, benjamini_hochberg
from relief.analysis.triggers import TriggerAnalysis, analyse_triggers

from .helpers import make_attack, make_days, make_diary


def _row(analysis: TriggerAnalysis, factor: str, lag: int):  # type: ignore[no-untyped-def]
    return next(r for r in analysis.results_ or [] if r.factor == factor and r.lag_days == lag)


@pytest.fixture(scope="module")
def long_diary():  # type: ignore[no-untyped-def]
    return simulate_diary(4 * 365, seed=11)


def test_it_calls_a_strong_planted_trigger_a_trigger(long_diary) -> None:  # type: ignore[no-untyped-def]
    analysis = TriggerAnalysis().fit(long_diary.diary)
    row = _row(analysis, "tag:red wine", 1)
    assert row.verdict == "trigger"
    assert row.ci[0] > 1


def test_it_calls_the_planted_protector_a_protector(long_diary) -> None:  # type: ignore[no-untyped-def]
    analysis = TriggerAnalysis().fit(long_diary.diary)
    row = _row(analysis, "exercise", 1)
    assert row.verdict == "protector"
    assert row.ci[1] < 1


def test_it_finds_each_planted_factor_at_its_true_lag_in_a_long_diary(long_diary) -> None:  # type: ignore[no-untyped-def]
    analysis = TriggerAnalysis().fit(long_diary.diary)
    for effect in long_diary.truth.effects:
        wanted = "trigger" if effect.log_odds > 0 else "protector"
        assert _row(analysis, effect.factor, effect.lag).verdict == wanted, effect


def test_a_tag_that_only_travels_with_the_menstrual_window_is_not_called_a_trigger(long_diary) -> None:  # type: ignore[no-untyped-def]
    adjusted = TriggerAnalysis().fit(long_diary.diary)
    assert all(r.verdict != "trigger" for r in adjusted.results_ or [] if r.factor == "tag:chocolate")
    unadjusted = TriggerAnalysis(adjusters=(), two_stage=False).fit(long_diary.diary)
    assert _row(unadjusted, "tag:chocolate", 0).verdict == "trigger"


def test_independent_tags_are_not_called_triggers(long_diary) -> None:  # type: ignore[no-untyped-def]
    analysis = TriggerAnalysis().fit(long_diary.diary)
    for name in long_diary.truth.non_triggers:
        assert all(r.verdict == "no_association" for r in analysis.results_ or [] if r.factor == name), name


def test_every_reported_test_is_adjusted_for_the_other_factors_found_relevant(long_diary) -> None:  # type: ignore[no-untyped-def]
    row = _row(TriggerAnalysis().fit(long_diary.diary), "pressure_drop", 0)
    # red wine and exercise are not core adjusters: they come in through the screening refits
    assert {"tag:red wine (lag 1)", "exercise (lag 1)"} <= set(row.adjusted_for)
    stage_one = _row(TriggerAnalysis(two_stage=False).fit(long_diary.diary), "pressure_drop", 0)
    assert "tag:red wine (lag 1)" not in stage_one.adjusted_for


def test_the_screening_refits_stop_once_the_adjusters_repeat(long_diary, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import relief.analysis.triggers as triggers

    passes = []
    real = triggers._one_pass

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        passes.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(triggers, "_one_pass", counted)
    TriggerAnalysis(rounds=50).fit(long_diary.diary)
    assert 2 <= len(passes) < 51


def test_q_values_are_adaptive_bh_in_the_primary_family_and_bh_in_the_exploratory_one(long_diary) -> None:  # type: ignore[no-untyped-def]
    summary = TriggerAnalysis().fit(long_diary.diary).summary()
    evaluated = summary[summary["verdict"] != "not_enough_data"]
    assert set(evaluated["family"]) == {"primary", "exploratory"}
    for family, members in evaluated.groupby("family"):
        p = members["p_value"].to_numpy(dtype=float)
        expected = adaptive_bh(p, 0.05) if family == "primary" else benjamini_hochberg(p)
        np.testing.assert_allclose(members["q_value"].to_numpy(dtype=float), expected)


def test_the_primary_family_holds_established_triggers_at_usual_lags_alcohol_tags_and_suspects(
    long_diary,  # type: ignore[no-untyped-def]
) -> None:
    summary = TriggerAnalysis(suspected=("tag:citrus",)).fit(long_diary.diary).summary()
    primary = {
        (f, lag)
        for f, lag in summary[summary["family"] == "primary"][["factor", "lag_days"]].itertuples(index=False)
    }
    assert {("menstrual_window", 0), ("short_sleep", 0), ("high_stress", 1), ("pressure_drop", 0)} <= primary
    assert {("tag:red wine", 0), ("tag:red wine", 1), ("tag:citrus", 0), ("tag:citrus", 1)} <= primary
    assert ("tag:chocolate", 0) not in primary
    assert ("menstrual_window", 2) not in primary


def test_a_factor_is_never_adjusted_for_another_measure_of_itself(long_diary) -> None:  # type: ignore[no-untyped-def]
    results = TriggerAnalysis().fit(long_diary.diary).results_ or []
    short = next(r for r in results if r.factor == "short_sleep" and r.lag_days == 0)
    assert not any(a.startswith("sleep_below_usual") for a in short.adjusted_for)
    wine = next(r for r in results if r.factor == "tag:red wine" and r.lag_days == 1)
    assert not any(a.startswith("alcohol") for a in wine.adjusted_for)


def test_sleeping_under_six_hours_is_a_factor_of_its_own() -> None:
    days = make_days(10, sleep_hours=[7.5, 5.5, 8.0, 6.0, 5.9, np.nan, 9.0, 4.0, 7.0, 6.5])
    column = daily_factors(days)["short_sleep"].to_numpy()
    np.testing.assert_array_equal(column[:5], [0.0, 1.0, 0.0, 0.0, 1.0])
    assert np.isnan(column[5])
    assert factor_label("short_sleep") == "sleeping less than 6 hours"


@pytest.mark.parametrize("unknown_adjusters", ["indicator", "drop"])
def test_a_single_test_matches_statsmodels_on_an_independently_built_design(unknown_adjusters: str) -> None:
    sim = simulate_diary(730, seed=5)
    analysis = TriggerAnalysis(
        factors=("tag:red wine",),
        lags=(1,),
        two_stage=False,
        firth=False,
        missing_adjusters=unknown_adjusters,
    ).fit(sim.diary)
    row = _row(analysis, "tag:red wine", 1)
    # build the same design with pandas, independently of the library's helpers
    days = sim.diary.days.set_index("date")
    attacks = sim.diary.attacks
    onset = days.index.isin(attacks["start_date"]).astype(float)
    inside = np.zeros(len(days), dtype=bool)
    for s, e in zip(attacks["start_date"], attacks["end_date"].fillna(days.index[-1]), strict=True):
        inside |= (days.index > s) & (days.index <= e)
    f = daily_factors(sim.diary.days).set_index(days.index)
    adjusters = pd.DataFrame(
        {
            "menstrual0": f["menstrual_window"],
            "sleep0": f["sleep_below_usual"],
            "sleep1": f["sleep_below_usual"].shift(1),
            "stress0": f["high_stress"],
            "stress1": f["high_stress"].shift(1),
        }
    )
    frame = pd.DataFrame({"y": onset, "wine1": f["tag:red wine"].shift(1)})[~inside]
    adjusters = adjusters[~inside]
    if unknown_adjusters == "drop":
        frame = pd.concat([frame, adjusters], axis=1).dropna()
    else:
        # a day with yesterday's wine known counts; an unknown adjuster is 0 plus an indicator
        keep = frame["wine1"].notna()
        frame, adjusters = frame[keep], adjusters[keep]
        flags = adjusters.isna().astype(float).add_prefix("unknown_")
        flags = flags.loc[:, flags.any()].T.drop_duplicates().T
        frame = pd.concat([frame, adjusters.fillna(0.0), flags], axis=1)
        assert len(flags.columns) >= 1  # the diary has blank days, so this case is exercised
    x = frame.drop(columns="y")
    model = sm.Logit(frame["y"], sm.add_constant(x)).fit(disp=0)
    assert row.effect == pytest.approx(np.exp(model.params["wine1"]), rel=1e-6)
    assert row.exposed_days + row.unexposed_days == len(frame)
    reduced = sm.Logit(frame["y"], sm.add_constant(x.drop(columns="wine1"))).fit(disp=0)
    assert row.p_value == pytest.approx(
        __import__("scipy").stats.chi2.sf(2 * (model.llf - reduced.llf), 1), rel=1e-5
    )


def test_a_day_with_an_unknown_adjuster_still_counts_for_a_factor_that_is_known() -> None:
    sim = simulate_diary(365, seed=11)
    kept = TriggerAnalysis(factors=("pressure_drop",), lags=(0,), two_stage=False).fit(sim.diary)
    dropped = TriggerAnalysis(
        factors=("pressure_drop",), lags=(0,), two_stage=False, missing_adjusters="drop"
    ).fit(sim.diary)
    weather_known = sum(1 for v in sim.diary.days["pressure_hpa"].diff() if not math.isnan(v))
    with_indicator = _row(kept, "pressure_drop", 0)
    complete_cases = _row(dropped, "pressure_drop", 0)
    used = with_indicator.exposed_days + with_indicator.unexposed_days
    # pressure is known on blank days too, so only the days inside an attack are left out
    assert used > complete_cases.exposed_days + complete_cases.unexposed_days
    assert used <= weather_known
    assert with_indicator.adjusted_for == complete_cases.adjusted_for


def test_days_inside_an_ongoing_attack_are_not_at_risk() -> None:
    days = make_days(10)
    attacks = [make_attack(1, hours=50), make_attack(6, hours=2)]
    ad = attack_days(make_diary(days, attacks))
    assert list(ad.onset) == [0, 1, 0, 0, 0, 0, 1, 0, 0, 0]
    assert list(ad.inside) == [False, False, True, True, False, False, False, False, False, False]
    assert ad.covered.sum() == 4


def test_a_short_diary_gets_not_enough_data_and_a_named_warning() -> None:
    sim = simulate_diary(40, seed=2)
    with pytest.warns(InsufficientDataWarning):
        analysis = TriggerAnalysis().fit(sim.diary)
    assert {r.verdict for r in analysis.results_ or []} == {"not_enough_data"}
    assert all(r.note and r.note.startswith("not enough data yet") for r in analysis.results_ or [])
    assert analysis.notes_


def test_a_factor_seen_on_too_few_days_is_not_judged() -> None:
    sim = simulate_diary(365, seed=3)
    days = sim.diary.days.copy()
    days["tag:rare thing"] = np.where(days["recorded"], 0.0, np.nan)
    days.loc[days.index[[10, 50, 90]], "tag:rare thing"] = 1.0
    sim.diary.days = days
    analysis = TriggerAnalysis().fit(sim.diary)
    rare = [r for r in analysis.results_ or [] if r.factor == "tag:rare thing"]
    assert {r.verdict for r in rare} == {"not_enough_data"}
    assert all("days with the factor" in (r.note or "") for r in rare)
    assert any("not enough data" in note for note in analysis.notes_)


def test_a_rare_factor_on_six_days_is_tested_with_a_finite_shrunken_estimate() -> None:
    # Firth's penalty keeps a rare exposure's estimate finite, so five exposed days are enough
    # (a 5 hPa fall in smooth weather can be that rare); no attack on any of them is separation,
    # which plain maximum likelihood would turn into an odds ratio of 0 and a useless interval.
    sim = simulate_diary(365, seed=3)
    days = sim.diary.days.copy()
    ad = attack_days(sim.diary)
    quiet = [
        i
        for i in range(2, len(days))
        if ad.onset[i] == 0 and not ad.inside[i] and days["recorded"].iloc[i - 1 : i + 1].all()
    ]
    days["tag:rare thing"] = np.where(days["recorded"], 0.0, np.nan)
    days.loc[days.index[quiet[:: len(quiet) // 6][:6]], "tag:rare thing"] = 1.0
    sim.diary.days = days
    row = next(
        r
        for r in TriggerAnalysis().fit(sim.diary).results_ or []
        if r.factor == "tag:rare thing" and r.lag_days == 0
    )
    assert row.exposed_days >= 5 and row.exposed_attacks == 0
    # judged, with a finite estimate and an honest (wide, finite) interval, and not called anything
    assert row.verdict == "no_association"
    assert 0 < row.ci[0] < row.effect < row.ci[1] and math.isfinite(row.ci[1]) and row.ci[0] < 1 < row.ci[1]


def test_a_factor_identical_to_an_adjuster_is_reported_as_inseparable() -> None:
    sim = simulate_diary(365, seed=12)
    days = sim.diary.days.copy()
    window = daily_factors(days)["menstrual_window"].to_numpy()
    days["tag:period pain pill"] = np.where(days["recorded"], window, np.nan)
    sim.diary.days = days
    analysis = TriggerAnalysis(factors=("tag:period pain pill", "tag:citrus"), lags=(0,)).fit(sim.diary)
    row = _row(analysis, "tag:period pain pill", 0)
    assert row.verdict == "not_enough_data"
    assert row.note is not None and "told apart" in row.note


def test_a_single_test_matches_the_stored_reference_plain_and_firth() -> None:
    import json
    from pathlib import Path

    ref = json.loads((Path(__file__).parent / "reference" / "stats_reference.json").read_text())[
        "trigger_model"
    ]
    sim = simulate_diary(ref["diary"]["days"], seed=ref["diary"]["seed"])
    # the reference was computed on complete cases (every adjuster known)
    settings = dict(
        factors=(ref["diary"]["factor"],),
        lags=(ref["diary"]["lag"],),
        two_stage=False,
        missing_adjusters="drop",
    )
    plain = _row(
        TriggerAnalysis(firth=False, **settings).fit(sim.diary), ref["diary"]["factor"], ref["diary"]["lag"]
    )  # type: ignore[arg-type]
    firth = _row(TriggerAnalysis(**settings).fit(sim.diary), ref["diary"]["factor"], ref["diary"]["lag"])  # type: ignore[arg-type]
    assert plain.exposed_days + plain.unexposed_days == ref["rows"]
    assert plain.effect == pytest.approx(ref["plain_odds_ratio"], rel=1e-6)
    assert plain.p_value == pytest.approx(ref["plain_lr_p"], rel=1e-4)
    assert firth.effect == pytest.approx(ref["firth_odds_ratio"], rel=1e-4)
    assert firth.p_value == pytest.approx(ref["firth_lr_p"], rel=1e-3)


def _random_diary_arrays(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    exposures = pd.DataFrame(
        {
            "menstrual_window": (rng.random(n) < 0.2).astype(float),
            "sleep_below_usual": (rng.random(n) < 0.3).astype(float),
            "high_stress": (rng.random(n) < 0.3).astype(float),
            "tag:x": (rng.random(n) < 0.3).astype(float),
        }
    )
    onset = (rng.random(n) < 0.12).astype(float)
    return exposures, onset, np.zeros(n, dtype=bool)


def test_unknown_adjusters_on_many_days_keep_those_days_but_on_a_few_days_leave_them_out() -> None:
    settings = dict(factors=("tag:x",), lags=(0,), two_stage=False)
    exposures, onset, inside = _random_diary_arrays(400, seed=3)
    often = exposures.copy()
    often.loc[::10, "sleep_below_usual"] = np.nan  # 40 blank days: an indicator
    once = exposures.copy()
    once.loc[100, "sleep_below_usual"] = np.nan  # one blank day: it and the next day drop out

    kept = analyse_triggers(often, onset, inside, **settings)[0]
    dropped = analyse_triggers(once, onset, inside, **settings)[0]

    # the first day has no day before it for the lag-1 adjusters: a pattern of one day, left out
    assert kept.exposed_days + kept.unexposed_days == 399
    # sleep is an adjuster at lags 0 and 1, so one blank day leaves out that day and the next
    assert dropped.exposed_days + dropped.unexposed_days == 397
    for row in (kept, dropped):
        assert row.verdict != "not_enough_data" and math.isfinite(row.p_value)
        assert any(a.startswith("sleep_below_usual") for a in row.adjusted_for)
