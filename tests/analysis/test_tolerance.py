"""Tolerance and dependence signals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from relief.analysis.frames import Diary
from relief.analysis.simulate import simulate_diary
from relief.analysis.tolerance import ToleranceAnalysis

from .helpers import START, make_attack, make_days, make_diary, make_dose


def _signal(analysis: ToleranceAnalysis, name: str):  # type: ignore[no-untyped-def]
    return next(s for s in analysis.signals_ if s.signal == name)


def test_grams_per_dose_creeping_up_over_months_is_called_rising() -> None:
    doses = [make_dose(d, "Kratom", "kratom", amount_g=2.0 + d / 60) for d in range(0, 180, 3)]
    analysis = ToleranceAnalysis().fit(make_diary(make_days(180), [], doses))
    assert _signal(analysis, "grams_per_dose").verdict == "rising"


def test_relief_per_gram_falling_is_called_falling() -> None:
    doses = [
        make_dose(d, "Kratom", "kratom", amount_g=3.0, pain_at_dose=7.0, pain_2h=1.0 + d / 40)
        for d in range(0, 180, 3)
    ]
    analysis = ToleranceAnalysis().fit(make_diary(make_days(180), [], doses))
    assert _signal(analysis, "relief_per_gram").verdict == "falling"


def test_steady_use_is_stable_and_a_short_diary_is_not_enough() -> None:
    steady = [make_dose(d, "Kratom", "kratom", amount_g=3.0) for d in range(0, 180, 3)]
    assert (
        _signal(ToleranceAnalysis().fit(make_diary(make_days(180), [], steady)), "grams_per_dose").verdict
        == "stable"
    )
    short = [make_dose(d, "Kratom", "kratom", amount_g=3.0) for d in range(0, 30, 3)]
    signal = _signal(ToleranceAnalysis().fit(make_diary(make_days(30), [], short)), "grams_per_dose")
    assert signal.verdict == "not_enough_data"
    assert signal.explanation.startswith("not enough data yet")


def test_a_break_after_daily_use_is_found_with_the_sows_scores_around_it() -> None:
    doses = [make_dose(d, "Kratom", "kratom", amount_g=3.0) for d in range(0, 30)]
    diary = make_diary(make_days(60), [], doses)
    diary.questionnaires = pd.DataFrame(
        {
            "id": ["a", "b"],
            "date": [START + pd.Timedelta(days=31), START + pd.Timedelta(days=50)],
            "instrument": ["sows", "sows"],
            "score": [18.0, 2.0],
            "answers": [[1] * 16, [0] * 16],
        }
    )
    breaks = ToleranceAnalysis().fit(diary).breaks_
    assert len(breaks) == 1
    assert breaks[0]["break_start"] == str((START + pd.Timedelta(days=30)).date())
    assert breaks[0]["sows"] == [{"day": 2, "score": 18.0}]
    assert breaks[0]["max_sows_after"] == 18.0


def test_the_simulated_stretch_of_frequent_use_ends_in_a_break_with_sows() -> None:
    breaks = ToleranceAnalysis().fit(simulate_diary(365, seed=1).diary).breaks_
    assert any(b["max_sows_after"] for b in breaks)


def test_another_substance_can_be_followed_by_name() -> None:
    doses = [make_dose(d, "Ibuprofen", "nsaid", amount_g=0.4) for d in range(0, 120, 2)]
    analysis = ToleranceAnalysis(substance="ibuprofen").fit(make_diary(make_days(120), [], doses))
    assert _signal(analysis, "grams_per_dose").verdict == "stable"


def _year_of_kratom_for_attacks(seed: int, fall: float) -> Diary:
    """About 44 kratom-treated attacks a year; relief per gram falls by ``fall`` from start to end."""
    rng = np.random.default_rng(seed)
    attacks, doses = [], []
    for d in range(365):
        if rng.random() < 0.12:
            grams = float(rng.choice([2.0, 2.5, 3.0, 3.5, 4.0]))
            pain = float(rng.integers(5, 9))
            drop = grams * 1.6 * (1 - fall * d / 365) + rng.normal(0, 1.5)
            attack = make_attack(d)
            attacks.append(attack)
            doses.append(
                make_dose(
                    d,
                    "Kratom",
                    "kratom",
                    attack_id=attack["id"],
                    amount_g=grams,
                    pain_at_dose=pain,
                    pain_2h=float(np.clip(np.round(pain - drop), 0, 10)),
                )
            )
    return make_diary(make_days(365), attacks, doses)


def test_relief_per_gram_falling_by_45_percent_over_a_year_is_seen_as_a_trend_with_an_interval() -> None:
    signals = [
        _signal(ToleranceAnalysis().fit(_year_of_kratom_for_attacks(seed, 0.45)), "relief_per_gram")
        for seed in range(20)
    ]
    assert sum(s.verdict == "falling" for s in signals) >= 12
    assert np.mean([s.change for s in signals]) == pytest.approx(-0.45, abs=0.12)
    covered = sum(s.change_ci[0] <= -0.45 <= s.change_ci[1] for s in signals)
    assert covered >= 17
    steady = [
        _signal(ToleranceAnalysis().fit(_year_of_kratom_for_attacks(seed, 0.0)), "relief_per_gram")
        for seed in range(20)
    ]
    assert sum(s.verdict == "falling" for s in steady) <= 2


def test_a_steady_escalation_from_2_g_to_5_g_over_a_year_is_seen() -> None:
    rng = np.random.default_rng(7)
    doses = [
        make_dose(
            d, "Kratom", "kratom", amount_g=float(np.clip(2.0 + 3.0 * d / 365 + rng.normal(0, 0.8), 0.5, 10))
        )
        for d in range(365)
        if rng.random() < 0.6
    ]
    signal = _signal(ToleranceAnalysis().fit(make_diary(make_days(365), [], doses)), "grams_per_dose")
    assert signal.verdict == "rising"
    assert signal.start_level == pytest.approx(2.0, abs=0.3)
    assert signal.change == pytest.approx(1.5, abs=0.35)  # 2 g -> 5 g is +150 %
    assert signal.change_ci[0] > 0


def test_more_doses_a_day_at_the_same_size_show_as_more_grams_per_day() -> None:
    doses = [
        make_dose(d, "Kratom", "kratom", amount_g=2.0) for d in range(365) for _ in range(1 + (d * 3) // 365)
    ]
    analysis = ToleranceAnalysis().fit(make_diary(make_days(365), [], doses))
    assert _signal(analysis, "grams_per_dose").verdict == "stable"
    assert _signal(analysis, "grams_per_day").verdict == "rising"
