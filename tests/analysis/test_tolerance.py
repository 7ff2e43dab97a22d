"""Tolerance and dependence signals."""

from __future__ import annotations

import pandas as pd

from relief.analysis.simulate import simulate_diary
from relief.analysis.tolerance import ToleranceAnalysis

from .helpers import START, make_days, make_diary, make_dose


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
