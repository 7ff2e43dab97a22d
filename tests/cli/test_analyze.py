"""`relief analyze` on the demo diary: valid against the schema, and finds what the demo planted."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from relief.cli import cli
from relief.diary.demo import create_demo

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.django_db
def test_analyze_on_the_demo_validates_and_finds_the_planted_red_wine_trigger():
    create_demo("demo", days=365, seed=1)
    result = CliRunner().invoke(cli, ["--user", "demo", "analyze"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    schema = json.loads((DOCS / "analysis.schema.json").read_text())
    errors = list(Draft202012Validator(schema).iter_errors(document))
    assert errors == [], errors[:3]
    verdicts = {(t["factor"], t["lag_days"]): t["verdict"] for t in document["triggers"]}
    assert verdicts[("tag:red wine", 1)] == "trigger"  # planted at lag 1
    assert verdicts.get(("tag:red wine", 0)) != "trigger"
    assert verdicts[("exercise", 1)] == "protector"
    assert not any(
        v == "trigger" for (factor, _), v in verdicts.items() if factor in {"tag:citrus", "tag:travel"}
    )
    kratom = [t for t in document["treatments"] if t["treatment"] == "Kratom" and t["dose_band"]]
    assert {t["dose_band"] for t in kratom} >= {"1-3 g", "3-5 g"}


@pytest.mark.django_db
def test_a_second_run_prints_the_stored_result_until_the_diary_changes_and_fresh_runs_it_again(monkeypatch):
    from relief.analysis import report
    from tests.factories import ago, make_attack, make_day, make_user

    person = make_user("steady")
    for days in (2, 5):
        make_attack(person, started_at=ago(days=days))
        make_day(person, ago(days=days).date(), worst_pain=5)
    runner = CliRunner()
    first = runner.invoke(cli, ["--user", "steady", "analyze"], catch_exceptions=False)
    assert first.exit_code == 0, first.output

    calls = []
    real = report.analyze
    monkeypatch.setattr(report, "analyze", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = runner.invoke(cli, ["--user", "steady", "analyze"], catch_exceptions=False)
    assert again.stdout == first.stdout and calls == []

    assert runner.invoke(cli, ["--user", "steady", "analyze", "--fresh"]).stdout == first.stdout
    assert calls == [1]

    make_attack(person, started_at=ago(hours=3))
    changed = runner.invoke(cli, ["--user", "steady", "analyze"], catch_exceptions=False)
    assert calls == [1, 1]
    assert json.loads(changed.stdout)["period"]["attacks"] == 3


PROBE = """
import sys, runpy
sys.argv = ["relief", *sys.argv[1:]]
try:
    runpy.run_module("relief.cli", run_name="__main__")
except SystemExit:
    pass
from django.apps import apps
loaded = [m for m in ("pandas", "scipy", "matplotlib", "numpy") if m in sys.modules]
print("LOADED", apps.ready, loaded, file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--help"], ["log", "--help"], ["log", "dose", "--help"]])
def test_help_is_answered_without_setting_up_django_or_the_analysis_stack(args, tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "RELIEF_DATA_DIR": str(tmp_path),
        "RELIEF_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert "Usage: relief" in done.stdout
    assert "LOADED False []" in done.stderr


@pytest.mark.django_db
def test_aura_spread_positive_and_one_sided_can_be_logged_so_1_2_is_reachable_from_the_cli():
    from tests.factories import make_user

    make_user("aura", time_zone="Europe/Berlin")
    runner = CliRunner()
    for day in (20, 10):
        logged = runner.invoke(
            cli,
            [
                "--user",
                "aura",
                "log",
                "attack",
                "--start",
                f"{day * 24}h ago",
                "--end",
                f"{day * 24 - 8}h ago",
                "--pain",
                "7",
                "--side",
                "left",
                "--quality",
                "pulsating",
                "--nausea",
                "--aura-visual",
                "--aura-minutes",
                "20",
                "--aura-spread",
                "--aura-positive",
                "--aura-one-sided",
            ],
            catch_exceptions=False,
        )
        assert logged.exit_code == 0, logged.output
        entry = json.loads(logged.stdout)["entry"]
        assert (entry["aura_spreads_gradually"], entry["aura_positive"], entry["aura_unilateral"]) == (
            True,
            True,
            True,
        )
    result = runner.invoke(cli, ["--user", "aura", "analyze", "--json"], catch_exceptions=False)
    findings = {f["code"]: f for f in json.loads(result.stdout)["classification"]["findings"]}
    assert findings["1.2"]["status"] == "met"
    assert findings["1.1"]["status"] == "not_met"
