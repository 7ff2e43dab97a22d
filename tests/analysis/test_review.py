"""Benefit-risk review of one treatment over a period."""

from __future__ import annotations

from datetime import date

from relief.analysis import review_treatment
from relief.analysis.simulate import simulate_diary

from .helpers import make_attack, make_days, make_diary, make_dose


def test_it_puts_benefit_beside_cost_for_kratom() -> None:
    sim = simulate_diary(365, seed=1)
    review = review_treatment(sim.diary, "kratom", date(2025, 1, 6), date(2025, 12, 31))
    doc = review.as_dict()
    assert doc["benefit"]["treated_attacks"] > 0
    assert doc["benefit"]["response"][0]["treatment"] == "Kratom"
    assert doc["cost"]["doses"] > 0
    assert {s["signal"] for s in doc["cost"]["tolerance"]} == {
        "relief_per_gram",
        "grams_per_dose",
        "grams_per_day",
        "use_days_per_28",
    }
    assert "not proof" in doc["wording"]


def test_the_period_limits_what_is_counted() -> None:
    sim = simulate_diary(365, seed=1)
    whole = review_treatment(sim.diary, "Sumatriptan")
    spring = review_treatment(sim.diary, "Sumatriptan", date(2025, 3, 1), date(2025, 5, 31))
    assert spring.cost["doses"] < whole.cost["doses"]
    assert spring.start == "2025-03-01"


def test_an_unknown_treatment_gets_a_note_rather_than_an_error() -> None:
    review = review_treatment(simulate_diary(120, seed=1).diary, "Rimegepant")
    assert any("No doses" in n for n in review.notes)


def test_red_flags_and_frequent_use_are_called_out() -> None:
    attacks = [make_attack(d) for d in range(0, 28, 2)]
    doses = [
        make_dose(d, "Kratom", "kratom", attack_id=a["id"], amount_g=4.0)
        for d, a in zip(range(0, 28, 2), attacks, strict=True)
    ]
    diary = make_diary(make_days(28), attacks, doses)
    import pandas as pd

    diary.side_effects = pd.DataFrame(
        {
            "id": ["x"],
            "at": [doses[0]["taken_at"]],
            "date": [doses[0]["date"]],
            "symptom": ["fainting"],
            "severity": ["severe"],
            "red_flag": [True],
            "dose_id": [doses[0]["id"]],
        }
    )
    review = review_treatment(diary, "kratom")
    assert review.cost["red_flags"] == 1
    assert any("red-flag" in n for n in review.notes)
    assert any("10 or more days" in n for n in review.notes)
