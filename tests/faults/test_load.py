"""The load script's short mode runs end to end against a real server and PostgreSQL with zero errors.

Figures from a few seconds on a shared CI machine mean little; this test keeps the script working.
The full run (50 people, 60 s) is done by hand and written up in docs/performance.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.server import postgres_is_reachable

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "load.py"


@pytest.mark.skipif(not postgres_is_reachable(), reason="PostgreSQL is not reachable at 127.0.0.1:5432")
def test_the_short_load_run_reports_both_phases_without_errors():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--short", "--workers", "2"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=SCRIPT.parents[1],
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout)
    for phase in ("floor", "app"):
        assert report[phase]["requests"] > 0
        assert report[phase]["failures"] == 0, report[phase]["errors"]
        assert report[phase]["p99_ms"] >= report[phase]["p50_ms"] > 0
    assert report["throughput_ratio_app_to_floor"] > 0
    assert {"GET /healthz"} == set(report["floor"]["by_request"])
