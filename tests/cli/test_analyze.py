"""`relief analyze --json` on the demo diary: valid against the schema, and finds what the demo planted."""

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
    result = CliRunner().invoke(cli, ["--user", "demo", "analyze", "--json"], catch_exceptions=False)
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
