"""Headache, migraine and medication days per month and per 28 days."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from relief.analysis.frequency import FrequencyAnalysis, MigraineDayDefinition, daily_table
from relief.analysis.simulate import simulate_diary

from .helpers import make_attack, make_days, make_diary, make_dose


def _plain(day: int, **fields):  # type: ignore[no-untyped-def]
    """A headache without migraine features (unless fields add them)."""
    base = dict(
        side="both",
        quality="pressing",
        peak_nrs=3.0,
        peak_4pt=1.0,
        worse_with_activity=False,
        nausea=False,
        photophobia=False,
        phonophobia=False,
    )
    base.update(fields)
    return make_attack(day, **base)


def test_a_headache_with_two_features_and_nausea_makes_a_migraine_day() -> None:
    diary = make_diary(
        make_days(5), [_plain(1, side="left", peak_nrs=6.0, peak_4pt=2.0, nausea=True, hours=1.0)]
    )
    table = daily_table(diary)
    assert table["migraine"].tolist() == [False, True, False, False, False]


def test_a_plain_headache_is_a_headache_day_but_not_a_migraine_day() -> None:
    table = daily_table(make_diary(make_days(3), [_plain(1)]))
    assert table["headache"].tolist() == [False, True, False]
    assert not table["migraine"].any()


def test_photophobia_without_phonophobia_is_not_enough() -> None:
    attack = _plain(0, side="left", quality="pulsating", photophobia=True)
    assert not daily_table(make_diary(make_days(2), [attack]))["migraine"].any()


def test_unknown_features_never_count_as_present() -> None:
    attack = _plain(0, side=pd.NA, quality=pd.NA, peak_nrs=3.0, peak_4pt=1.0, nausea=True)
    assert not daily_table(make_diary(make_days(2), [attack]))["migraine"].any()


def test_an_aura_of_five_to_sixty_minutes_makes_a_migraine_day() -> None:
    inside = _plain(0, aura_visual=True, aura_duration_min=20.0)
    too_long = _plain(2, aura_visual=True, aura_duration_min=90.0)
    table = daily_table(make_diary(make_days(4), [inside, too_long]))
    assert table["migraine"].tolist() == [True, False, False, False]


def test_a_triptan_day_is_a_migraine_day_unless_the_definition_says_otherwise() -> None:
    attack = _plain(1)
    dose = make_dose(1, "Sumatriptan", "triptan", attack_id=attack["id"])
    diary = make_diary(make_days(3), [attack], [dose])
    assert daily_table(diary)["migraine"].tolist() == [False, True, False]
    no_meds = MigraineDayDefinition(count_specific_medication=False)
    assert not daily_table(diary, no_meds)["migraine"].any()


def test_a_short_headache_below_thirty_minutes_is_not_a_migraine_day() -> None:
    attack = _plain(0, hours=0.25, side="left", quality="pulsating", nausea=True)
    assert not daily_table(make_diary(make_days(2), [attack]))["migraine"].any()


def test_an_attack_across_a_month_end_counts_in_both_months() -> None:
    days = make_days(40)  # starts 2025-03-03
    attack = _plain(28, hours=30)  # 2025-03-31 09:00 to 2025-04-01 15:00
    months = FrequencyAnalysis().fit(make_diary(days, [attack])).monthly_
    assert [(m["month"], m["headache_days"], m["attacks"]) for m in months] == [
        ("2025-03", 1, 1),
        ("2025-04", 1, 0),
    ]


def test_medication_days_count_days_not_doses_and_skip_preventives() -> None:
    attack = _plain(2)
    doses = [
        make_dose(2, "Ibuprofen", "nsaid", attack_id=attack["id"]),
        make_dose(2, "Ibuprofen", "nsaid", attack_id=attack["id"]),
        make_dose(3, "Magnesium", "supplement", reason="preventive"),
        make_dose(4, "Kratom", "kratom", amount_g=2.0),
    ]
    month = FrequencyAnalysis().fit(make_diary(make_days(10), [attack], doses)).monthly_[0]
    assert month["acute_medication_days"] == {"kratom": 1, "nsaid": 1, "any": 2}
    assert month["kratom_days"] == 1


def test_monthly_headache_days_match_an_independent_count() -> None:
    sim = simulate_diary(365, seed=4)
    months = FrequencyAnalysis().fit(sim.diary).monthly_
    attacks = sim.diary.attacks
    last = sim.diary.days["date"].iloc[-1]
    covered = set()
    for s, e in zip(attacks["start_date"], attacks["end_date"].fillna(last), strict=True):
        covered.update(pd.date_range(s, min(e, last), freq="D"))
    expected = pd.Series(1, index=sorted(covered)).groupby(lambda d: d.strftime("%Y-%m")).sum()
    got = {m["month"]: m["headache_days"] for m in months if m["headache_days"]}
    assert got == expected.to_dict()


def test_a_fifty_percent_drop_against_the_baseline_is_a_responder() -> None:
    days = make_days(84)
    attacks = [_plain(d, side="left", peak_nrs=6.0, peak_4pt=2.0, nausea=True) for d in range(0, 28, 4)]  # 7
    attacks += [
        _plain(d, side="left", peak_nrs=6.0, peak_4pt=2.0, nausea=True) for d in (30, 45, 60, 75)
    ]  # 4 in 56 days
    fa = FrequencyAnalysis(baseline=(date(2025, 3, 3), date(2025, 3, 30))).fit(make_diary(days, attacks))
    base = fa.baseline_
    assert base is not None
    assert base["baseline"]["migraine_days_per_28"] == 7.0
    assert base["compare"]["migraine_days_per_28"] == 2.0
    assert base["percent_change"] == pytest.approx(-71.4, abs=0.1)
    assert base["responder_50"] is True


def test_no_change_is_not_a_responder_and_a_short_baseline_gets_a_note() -> None:
    days = make_days(60)
    attacks = [_plain(d, side="left", peak_nrs=6.0, peak_4pt=2.0, nausea=True) for d in range(0, 60, 5)]
    fa = FrequencyAnalysis(baseline=(date(2025, 3, 3), date(2025, 3, 16))).fit(make_diary(days, attacks))
    assert fa.baseline_ is not None and fa.baseline_["responder_50"] is False
    assert any("28 baseline days" in n for n in fa.notes_)


def test_a_rising_number_of_migraine_days_is_called_rising() -> None:
    days = make_days(28 * 6)
    attacks = []
    for period in range(6):
        for k in range(period * 2 + 1):
            attacks.append(
                _plain(period * 28 + k * 2, side="left", peak_nrs=6.0, peak_4pt=2.0, nausea=True, hours=3)
            )
    trend = FrequencyAnalysis().fit(make_diary(days, attacks)).trend_
    assert trend["verdict"] == "rising"
    assert trend["migraine_days_slope_per_28"] == pytest.approx(2.0)


def test_questionnaire_history_is_graded() -> None:
    sim = simulate_diary(200, seed=3)
    history = FrequencyAnalysis().fit(sim.diary).questionnaires_
    assert {h["instrument"] for h in history} >= {"midas", "hit6"}
    assert all(h["grade"] for h in history)
    assert np.all(np.diff([pd.Timestamp(h["date"]).value for h in history]) >= 0)


def test_a_flat_series_has_no_evidence_of_a_trend() -> None:
    days = make_days(28 * 6)
    attacks = [
        _plain(p * 28 + k * 5, side="left", peak_nrs=6.0, peak_4pt=2.0, nausea=True)
        for p in range(6)
        for k in range(2)
    ]
    trend = FrequencyAnalysis().fit(make_diary(days, attacks)).trend_
    assert trend["migraine_days_slope_per_28"] == 0.0
    assert trend["p_value"] == 1.0
    assert trend["verdict"] == "stable"


def test_a_baseline_with_unknown_features_compares_headache_days_and_says_so() -> None:
    unknown = dict(
        side=pd.NA,
        quality=pd.NA,
        peak_nrs=np.nan,
        peak_4pt=np.nan,
        worse_with_activity=pd.NA,
        nausea=pd.NA,
        vomiting=pd.NA,
        photophobia=pd.NA,
        phonophobia=pd.NA,
    )
    attacks = [make_attack(d, **unknown) for d in range(0, 28, 2)]  # 14 headache days at baseline
    attacks += [make_attack(d, **unknown) for d in range(28, 84, 8)]  # 7 in the next 56 days
    fa = FrequencyAnalysis(baseline=(date(2025, 3, 3), date(2025, 3, 30))).fit(
        make_diary(make_days(84), attacks)
    )
    base = fa.baseline_
    assert base is not None
    assert base["measure"] == "headache_days"
    assert base["percent_change"] == pytest.approx(-75.0)
    assert base["responder_50"] is True
    assert any("uses headache days" in n for n in fa.notes_)
