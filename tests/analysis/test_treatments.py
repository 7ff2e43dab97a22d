"""IHS acute endpoints per treatment, kratom dose bands, dose-response and side effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from relief.analysis.simulate import simulate_diary
from relief.analysis.stats import wilson_interval
from relief.analysis.treatments import (
    TreatmentAnalysis,
    dose_band,
    kratom_dose_response,
    treated_attack_table,
)

from .helpers import make_attack, make_days, make_diary, make_dose


def _treated(day: int, substance: str, cls: str, **outcome):  # type: ignore[no-untyped-def]
    attack = make_attack(day)
    dose = make_dose(day, substance, cls, attack_id=attack["id"], pain_at_dose=7.0, **outcome)
    return attack, dose


def _table(pairs):  # type: ignore[no-untyped-def]
    diary = make_diary(make_days(40), [a for a, _ in pairs], [d for _, d in pairs])
    return treated_attack_table(diary).set_index("attack_id"), diary


def test_pain_freedom_needs_zero_pain_at_two_hours() -> None:
    free = _treated(1, "Sumatriptan", "triptan", pain_2h=0.0, rescue_taken=False, returned_24h=False)
    mild = _treated(3, "Sumatriptan", "triptan", pain_2h=2.0, rescue_taken=False)
    table, _ = _table([free, mild])
    assert table.loc[free[0]["id"], "pain_free_2h"] == 1.0
    assert table.loc[mild[0]["id"], "pain_free_2h"] == 0.0
    assert table.loc[mild[0]["id"], "pain_relief_2h"] == 1.0


def test_a_rescue_dose_before_two_hours_makes_the_attack_a_failure() -> None:
    attack, first = _treated(1, "Ibuprofen", "nsaid", pain_2h=0.0)
    rescue = make_dose(1, "Sumatriptan", "triptan", attack_id=attack["id"])
    rescue["taken_at"] = first["taken_at"] + pd.Timedelta(hours=1)
    diary = make_diary(make_days(5), [attack], [first, rescue])
    row = treated_attack_table(diary).iloc[0]
    assert row["treatment"] == "Ibuprofen"
    assert (row["pain_free_2h"], row["rescue"]) == (0.0, 1.0)


def test_relief_is_not_evaluable_when_pain_was_only_mild_at_dosing() -> None:
    attack, dose = _treated(1, "Ibuprofen", "nsaid", pain_2h=0.0)
    dose["pain_at_dose"] = 2.0
    table, _ = _table([(attack, dose)])
    assert np.isnan(table.iloc[0]["pain_relief_2h"])


def test_a_returning_headache_breaks_sustained_pain_freedom() -> None:
    kept = _treated(1, "Sumatriptan", "triptan", pain_2h=0.0, rescue_taken=False, returned_24h=False)
    back = _treated(3, "Sumatriptan", "triptan", pain_2h=0.0, rescue_taken=False, returned_24h=True)
    unknown = _treated(5, "Sumatriptan", "triptan", pain_2h=0.0, rescue_taken=False)
    table, _ = _table([kept, back, unknown])
    assert table.loc[kept[0]["id"], "sustained_pain_free_24h"] == 1.0
    assert table.loc[back[0]["id"], "sustained_pain_free_24h"] == 0.0
    assert np.isnan(table.loc[unknown[0]["id"], "sustained_pain_free_24h"])


@pytest.mark.parametrize(
    ("grams", "band"),
    [(0.5, "<1 g"), (1.0, "1-3 g"), (3.0, "1-3 g"), (3.5, "3-5 g"), (5.0, "3-5 g"), (6.0, ">5 g")],
)
def test_kratom_doses_fall_into_the_default_bands(grams: float, band: str) -> None:
    assert dose_band(grams) == band


def test_rates_carry_wilson_intervals_and_the_untreated_comparison() -> None:
    pairs = [_treated(d, "Sumatriptan", "triptan", pain_2h=0.0 if d % 2 else 3.0) for d in range(1, 21)]
    untreated = [make_attack(d, hours=1.5 if d == 25 else 10.0) for d in range(22, 32)]
    diary = make_diary(make_days(40), [a for a, _ in pairs] + untreated, [d for _, d in pairs])
    analysis = TreatmentAnalysis().fit(diary)
    suma = next(r for r in analysis.results_ if r.treatment == "Sumatriptan")
    assert (suma.pain_free_2h.k, suma.pain_free_2h.n) == (10, 20)
    assert suma.pain_free_2h.ci == pytest.approx(wilson_interval(10, 20))
    assert analysis.untreated_ is not None
    assert (analysis.untreated_.pain_free_2h.k, analysis.untreated_.pain_free_2h.n) == (1, 10)
    diff = suma.difference_vs_untreated_pain_free_2h
    assert diff is not None and diff[0] == pytest.approx(0.5 - 0.1)


def test_kratom_results_come_per_band_and_per_product_on_a_simulated_diary() -> None:
    analysis = TreatmentAnalysis().fit(simulate_diary(730, seed=2).diary)
    kratom = [r for r in analysis.results_ if r.treatment == "Kratom"]
    assert {r.dose_band for r in kratom} >= {None, "1-3 g", "3-5 g", ">5 g"}
    assert {r.product for r in kratom if r.product} >= {"Red Bali"}
    overall = next(r for r in kratom if r.dose_band is None and r.product is None)
    bands = [r for r in kratom if r.dose_band is not None]
    assert sum(r.treated_attacks for r in bands) == overall.treated_attacks


def test_dose_response_matches_statsmodels_without_the_firth_penalty() -> None:
    table = treated_attack_table(simulate_diary(3 * 365, seed=3).diary)
    result = next(
        r
        for r in kratom_dose_response(table, firth=False)
        if r.exposure == "grams" and r.endpoint == "pain_free_2h"
    )
    kratom = table[table["is_kratom"]].dropna(subset=["grams", "pain_free_2h"])
    model = sm.Logit(
        kratom["pain_free_2h"].astype(float), sm.add_constant(kratom["grams"].astype(float))
    ).fit(disp=0)
    assert result.odds_ratio_per_unit == pytest.approx(np.exp(model.params["grams"]), rel=1e-6)
    low, high = np.exp(model.conf_int().loc["grams"])
    assert result.ci == pytest.approx((low, high), rel=1e-5)


def test_simulated_kratom_response_rises_with_dose() -> None:
    table = treated_attack_table(simulate_diary(4 * 365, seed=8).diary)
    result = next(
        r for r in kratom_dose_response(table) if r.exposure == "grams" and r.endpoint == "pain_free_2h"
    )
    assert result.ci[0] > 1


def test_dose_response_says_not_enough_data_for_a_handful_of_doses() -> None:
    pairs = [_treated(d, "Kratom", "kratom", amount_g=float(d), pain_2h=0.0) for d in range(1, 5)]
    table, _ = _table(pairs)
    results = kratom_dose_response(table.reset_index())
    assert all(r.note and r.note.startswith("not enough data yet") for r in results)


def test_side_effects_are_rated_per_dose_band() -> None:
    analysis = TreatmentAnalysis().fit(simulate_diary(3 * 365, seed=5).diary)
    bands = {s.dose_band: s for s in analysis.side_effects_ if s.treatment == "Kratom"}
    assert bands[">5 g"].doses_with_side_effect.rate > bands["1-3 g"].doses_with_side_effect.rate
    overall = bands[None]
    assert overall.doses == sum(s.doses for b, s in bands.items() if b is not None)
