"""Short simulation study in CI; the full one runs with RELIEF_SIM_FULL=1 (or bench/simulation_study.py)."""

from __future__ import annotations

import os

import pytest

from relief.analysis.study import run_study

FULL = os.environ.get("RELIEF_SIM_FULL") == "1"


@pytest.mark.parametrize("days", [180, 365])
def test_short_study_keeps_close_to_the_oracle_and_rarely_calls_non_triggers(days: int) -> None:
    result = run_study(30, days, seed=7_000).as_dict()
    total_analysis = sum(p["analysis_rate"] for p in result["planted"])
    total_oracle = sum(p["oracle_rate"] for p in result["planted"])
    # few diaries: compare pooled detection and allow for noise; the full study checks each factor at 90 %
    assert total_analysis >= 0.8 * total_oracle
    for p in result["planted"]:
        assert p["analysis_rate"] >= 0.6 * p["oracle_rate"] - 0.1, p
    for name, share in result["non_triggers_called_trigger"].items():
        assert share <= 0.1, (name, share)


@pytest.mark.slow
@pytest.mark.skipif(not FULL, reason="full simulation study: set RELIEF_SIM_FULL=1")
@pytest.mark.parametrize("days", [180, 365])
def test_full_study_meets_the_targets(days: int) -> None:
    result = run_study(500, days, seed=100_000).as_dict()
    for p in result["planted"]:
        assert p["analysis_rate"] >= 0.9 * p["oracle_rate"], p
    for name, share in result["non_triggers_called_trigger"].items():
        assert share <= 0.05, (name, share)
