"""Short simulation study in CI; the full one runs with RELIEF_SIM_FULL=1 (or bench/simulation_study.py)."""

from __future__ import annotations

import os

import pytest

from relief.analysis.study import GENERATORS, run_study

FULL = os.environ.get("RELIEF_SIM_FULL") == "1"


@pytest.mark.parametrize("days", [180, 365])
def test_short_study_keeps_close_to_the_ideal_model_and_rarely_calls_non_triggers(days: int) -> None:
    result = run_study(30, days, seed=7_000).as_dict()
    total_analysis = sum(p["analysis_rate"] for p in result["planted"])
    total_ideal = sum(p["ideal_rate"] for p in result["planted"])
    # few diaries: compare pooled detection and allow for noise; the full study reports each factor
    assert total_analysis >= 0.75 * total_ideal
    for p in result["planted"]:
        assert p["analysis_rate"] >= 0.6 * p["ideal_rate"] - 0.1, p
    for name, share in result["non_triggers_called_trigger"].items():
        assert share <= 0.1, (name, share)


def test_a_generator_that_plants_thresholds_is_found_through_the_threshold_factors() -> None:
    result = run_study(12, 365, seed=8_000, generator="thresholds").as_dict()
    found = {p["factor"]: p["analysis_rate"] for p in result["planted"]}
    assert found["short_sleep"] > 0 and found["menstrual_window"] > 0.5


@pytest.mark.slow
@pytest.mark.skipif(not FULL, reason="full simulation study: set RELIEF_SIM_FULL=1")
@pytest.mark.parametrize("generator", sorted(GENERATORS))
def test_full_study_per_generator(generator: str) -> None:
    result = run_study(100, 365, seed=100_000, generator=generator).as_dict()
    for p in result["planted"]:
        # the targets are 0.9 of the ideal; docs/analysis.md reports where they are not yet met
        assert p["analysis_rate"] >= 0.75 * p["ideal_rate"], p
    for name, share in result["non_triggers_called_trigger"].items():
        assert share <= 0.05, (name, share)
