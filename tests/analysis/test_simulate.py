"""The simulator: deterministic, complete and within the contract's ranges."""

from __future__ import annotations

import numpy as np
import pandas as pd

from relief.analysis.frames import (
    ATTACK_COLUMNS,
    DAY_COLUMNS,
    DOSE_COLUMNS,
    QUESTIONNAIRE_COLUMNS,
    SIDE_EFFECT_COLUMNS,
)
from relief.analysis.questionnaires import score_hit6, score_midas, score_sows
from relief.analysis.simulate import SimConfig, simulate_diary


def test_it_gives_the_same_diary_for_the_same_seed() -> None:
    a = simulate_diary(120, seed=3).diary
    b = simulate_diary(120, seed=3).diary
    pd.testing.assert_frame_equal(a.days, b.days)
    pd.testing.assert_frame_equal(a.attacks, b.attacks)
    pd.testing.assert_frame_equal(a.doses, b.doses)
    pd.testing.assert_frame_equal(a.side_effects, b.side_effects)


def test_it_gives_a_different_diary_for_another_seed() -> None:
    a = simulate_diary(120, seed=3).diary
    b = simulate_diary(120, seed=4).diary
    assert not a.attacks["start"].equals(b.attacks["start"])


def test_every_contract_column_is_present_and_validate_passes() -> None:
    diary = simulate_diary(365, seed=1).diary
    diary.validate()
    for frame, columns in (
        (diary.days, DAY_COLUMNS),
        (diary.attacks, ATTACK_COLUMNS),
        (diary.doses, DOSE_COLUMNS),
        (diary.side_effects, SIDE_EFFECT_COLUMNS),
        (diary.questionnaires, QUESTIONNAIRE_COLUMNS),
    ):
        assert set(columns) <= set(frame.columns)
    assert diary.tag_columns


def test_days_cover_every_calendar_date_once() -> None:
    days = simulate_diary(200, seed=2).diary.days
    assert len(days) == 200
    assert (days["date"].diff().dropna() == pd.Timedelta(days=1)).all()
    assert str(days["date"].dtype) == "datetime64[ns]"


def test_day_values_stay_in_their_ranges() -> None:
    days = simulate_diary(365, seed=5).diary.days
    for col, low, high in (
        ("worst_pain", 0, 10),
        ("function", 0, 3),
        ("sleep_quality", 1, 5),
        ("stress", 0, 10),
        ("mood", 0, 10),
        ("menstrual_bleeding", 0, 4),
        ("humidity_pct", 0, 100),
    ):
        values = days[col].dropna()
        assert values.between(low, high).all(), col
    unrecorded = ~days["recorded"]
    assert days.loc[unrecorded, "stress"].isna().all()
    assert days.loc[unrecorded, "tag:red wine"].isna().all()


def test_attacks_are_in_utc_do_not_overlap_and_have_valid_pain() -> None:
    attacks = simulate_diary(365, seed=6).diary.attacks
    assert str(attacks["start"].dt.tz) == "UTC"
    closed = attacks.dropna(subset=["end"])
    assert (closed["end"] > closed["start"]).all()
    assert (
        attacks["start"].iloc[1:].to_numpy()
        > closed["end"].iloc[: len(attacks) - 1].to_numpy()[: len(attacks) - 1]
    ).all()
    assert attacks["peak_nrs"].between(0, 10).all()
    assert attacks["id"].is_unique


def test_acute_doses_point_at_real_attacks_and_carry_outcomes() -> None:
    diary = simulate_diary(365, seed=7).diary
    doses = diary.doses
    acute = doses[doses["reason"] == "acute"]
    assert set(acute["attack_id"].dropna()) <= set(diary.attacks["id"])
    treated = acute[acute["substance_class"] != "non_drug"]
    assert treated["pain_2h"].notna().all()
    kratom = doses[doses["is_kratom"]]
    assert kratom["amount_g"].between(1, 8).all()
    assert kratom["product"].notna().all()
    assert set(doses["substance"]) >= {"Kratom", "Sumatriptan", "Ibuprofen", "Dark room rest", "Magnesium"}
    for col in ("pain_at_dose", "pain_30m", "pain_1h", "pain_2h", "pain_24h"):
        assert doses[col].dropna().between(0, 10).all()


def test_some_attacks_go_untreated() -> None:
    diary = simulate_diary(365, seed=8).diary
    treated = set(diary.doses["attack_id"].dropna())
    assert (~diary.attacks["id"].isin(treated)).sum() >= 1


def test_kratom_side_effects_rise_with_dose() -> None:
    nausea_low, nausea_high, low_n, high_n = 0, 0, 0, 0
    for seed in range(8):
        diary = simulate_diary(365, seed=seed).diary
        kratom = diary.doses[diary.doses["is_kratom"]]
        with_nausea = set(diary.side_effects.loc[diary.side_effects["symptom"] == "nausea", "dose_id"])
        low = kratom[kratom["amount_g"] <= 3]
        high = kratom[kratom["amount_g"] > 5]
        nausea_low += int(low["id"].isin(with_nausea).sum())
        nausea_high += int(high["id"].isin(with_nausea).sum())
        low_n, high_n = low_n + len(low), high_n + len(high)
    assert nausea_high / high_n > nausea_low / low_n


def test_questionnaire_scores_match_the_scoring_functions() -> None:
    q = simulate_diary(365, seed=9).diary.questionnaires
    scorers = {"midas": score_midas, "hit6": score_hit6, "sows": score_sows}
    assert set(q["instrument"]) == {"midas", "hit6", "sows"}
    for _, row in q.iterrows():
        assert scorers[row["instrument"]](row["answers"]).score == row["score"]
    assert (q.loc[q["instrument"] == "midas", "answers"].map(len) == 7).all()
    assert (q.loc[q["instrument"] == "sows", "answers"].map(len) == 16).all()


def test_chocolate_travels_with_the_menstrual_window() -> None:
    sim = simulate_diary(730, seed=10)
    window = sim.factors["menstrual_window"].to_numpy() == 1
    chocolate = sim.diary.days["tag:chocolate"].to_numpy()
    assert np.nanmean(chocolate[window]) > 5 * np.nanmean(chocolate[~window])


def test_truth_lists_planted_effects_and_non_triggers() -> None:
    truth = simulate_diary(30, seed=0).truth
    assert truth.effect("tag:red wine") is not None
    assert "tag:chocolate" in truth.non_triggers
    assert truth.travels_with["tag:chocolate"] == "menstrual_window"
    assert all(truth.effect(name) is None for name in truth.non_triggers)


def test_a_person_without_periods_has_no_bleeding_data() -> None:
    diary = simulate_diary(90, seed=1, config=SimConfig(menstruating=False)).diary
    assert diary.days["menstrual_bleeding"].isna().all()


def test_kratom_batches_carry_lab_values_where_tested() -> None:
    sim = simulate_diary(60, seed=0)
    batches = sim.kratom_batches
    assert set(sim.diary.doses["batch"].dropna()) <= set(batches["batch"])
    tested = batches["lab"].notna()
    assert batches.loc[tested, "mitragynine_mg_per_g"].gt(0).all()
    assert batches.loc[~tested, "mitragynine_mg_per_g"].isna().all()
