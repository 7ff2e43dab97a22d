"""analyze(): one JSON document that validates against the published schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from relief.analysis import analyze
from relief.analysis.simulate import DEFAULT_EFFECTS, PlantedEffect, SimConfig, simulate_diary

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "analysis.schema.json").read_text())


@pytest.fixture(scope="module")
def year():  # type: ignore[no-untyped-def]
    return simulate_diary(365, seed=21)


def test_the_document_validates_against_the_schema_and_is_plain_json(year) -> None:  # type: ignore[no-untyped-def]
    doc = analyze(year.diary, baseline=("2025-01-06", "2025-02-02"))
    jsonschema.validate(doc, SCHEMA)
    assert json.loads(json.dumps(doc, allow_nan=False)) == doc


def test_a_short_diary_still_validates_and_explains_what_is_missing() -> None:
    doc = analyze(simulate_diary(20, seed=1).diary)
    jsonschema.validate(doc, SCHEMA)
    assert {t["verdict"] for t in doc["triggers"]} == {"not_enough_data"}
    assert any("not enough data" in n.lower() for n in doc["notes"])


def test_it_finds_most_strong_planted_effects_in_simulated_years() -> None:
    # effects strong enough (odds ratio 7 or 1/7) to be findable in one year of data;
    # each is found about 80 % of the time, so most of 4 x 6 planted effects must turn up
    strong = tuple(PlantedEffect(e.factor, e.lag, 2.0 if e.log_odds > 0 else -2.0) for e in DEFAULT_EFFECTS)
    found, false_calls = 0, []
    for seed in range(21, 25):
        sim = simulate_diary(365, seed=seed, config=SimConfig(effects=strong))
        doc = analyze(sim.diary)
        called = {(t["factor"], t["lag_days"]): t["verdict"] for t in doc["triggers"]}
        found += sum(
            called[(e.factor, e.lag)] == ("trigger" if e.log_odds > 0 else "protector")
            for e in sim.truth.effects
        )
        false_calls += [
            n for n in sim.truth.non_triggers if any(v == "trigger" for (f, _), v in called.items() if f == n)
        ]
    assert found >= 14
    # at a 5 % false discovery rate about one false call is expected among ~20 true calls
    assert len(false_calls) <= 2, false_calls


def test_it_reports_the_kratom_dose_bands_and_untreated_attacks(year) -> None:  # type: ignore[no-untyped-def]
    doc = analyze(year.diary)
    bands = {t["dose_band"] for t in doc["treatments"] if t["treatment"] == "Kratom"}
    assert {"1-3 g", "3-5 g", ">5 g"} <= bands
    assert doc["untreated"]["treated_attacks"] > 0
    assert doc["frequency"]["monthly"][0]["month"] == "2025-01"


def test_start_and_end_restrict_the_period(year) -> None:  # type: ignore[no-untyped-def]
    doc = analyze(year.diary, start="2025-03-01", end="2025-05-31")
    assert doc["period"]["start"] == "2025-03-01"
    assert doc["period"]["days"] == 92
    assert [m["month"] for m in doc["frequency"]["monthly"]] == ["2025-03", "2025-04", "2025-05"]


def test_a_config_dict_changes_the_migraine_day_definition(year) -> None:  # type: ignore[no-untyped-def]
    default = analyze(year.diary)
    strict = analyze(
        year.diary, config={"migraine_day": {"count_specific_medication": False, "count_aura": False}}
    )
    total = sum(m["migraine_days"] for m in default["frequency"]["monthly"])
    fewer = sum(m["migraine_days"] for m in strict["frequency"]["monthly"])
    assert fewer < total
