"""`relief check`, invoked as a person would."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from relief.cli import cli
from relief.safety.alerts import DISCLAIMER
from tests.factories import (
    ago,
    make_batch,
    make_dose,
    make_medication,
    make_product,
    make_side_effect,
    make_user,
)

pytestmark = pytest.mark.django_db


def run(*args: str):
    return CliRunner().invoke(cli, ["--user", "checker", "check", *args], catch_exceptions=False)


def build_diary():
    user = make_user("checker", time_zone="America/Chicago", country="US", region="US-WI", drives=True)
    make_medication(user, "sertraline")
    make_dose(user, "diazepam", amount=5, unit="mg", taken_at=ago(hours=6))
    make_dose(user, "kratom", amount=6, taken_at=ago(hours=3), batch=make_batch(make_product(user)))
    make_side_effect(user, "dark_urine", occurred_at=ago(hours=1))
    return user


def test_json_output_has_the_notice_once_and_alerts_of_several_kinds_each_with_dated_sources():
    build_diary()
    result = run("--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["notice"] == DISCLAIMER
    assert result.stdout.count("not medical advice") == 1
    rules = {a["rule"] for a in data["alerts"]}
    assert rules >= {"interaction", "red_flag", "dose", "product", "legal", "special"}
    for alert in data["alerts"]:
        assert alert["sources"], alert["key"]
        assert dt.date(2026, 11, 21) <= dt.date.fromisoformat(alert["as_of"]) <= dt.date.today()
        assert alert["message"] and alert["actions"] and alert["evidence"]
    assert data["alerts"][0]["level"] == "dangerous"
    assert data["needs_acknowledgement"] == 2


def test_text_output_says_what_to_do_and_where_the_facts_come_from():
    build_diary()
    result = run()
    assert result.exit_code == 0
    assert result.stdout.startswith("Relief Journal gives information, not medical advice.")
    assert "[DANGEROUS] Seek care now: dark urine - please acknowledge" in result.stdout
    assert "Source: " in result.stdout and "Knowledge as of 2026-11-21" in result.stdout


def test_acknowledging_an_alert_by_key_is_recorded():
    build_diary()
    data = json.loads(run("--json").stdout)
    key = next(a["key"] for a in data["alerts"] if a["rule"] == "red_flag")
    after = json.loads(run("--json", "--acknowledge", key).stdout)
    (alert,) = [a for a in after["alerts"] if a["key"] == key]
    assert alert["acknowledged_at"] is not None
    assert after["needs_acknowledgement"] == 1


def test_acknowledging_an_unknown_key_fails_with_a_hint():
    build_diary()
    result = CliRunner().invoke(cli, ["--user", "checker", "check", "--acknowledge", "nope"])
    assert result.exit_code == 1 and "relief check" in result.output


def test_an_empty_diary_has_no_alerts():
    make_user("checker")
    assert "No active alerts." in run().stdout
    assert json.loads(run("--json").stdout)["alerts"] == []


def test_at_moves_the_check_back_in_time():
    user = make_user("checker")
    make_dose(user, "kratom", amount=6, taken_at=dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC))
    early = json.loads(run("--json", "--at", "2026-10-01T13:00+00:00").stdout)
    assert any(a["rule"] == "dose" for a in early["alerts"])
    assert json.loads(run("--json").stdout)["alerts"] == []


@pytest.mark.slow
def test_the_demo_diary_shows_alerts_of_several_kinds_each_with_a_source_and_date():
    from relief.diary.demo import create_demo

    create_demo("checker", days=365, seed=1)
    data = json.loads(run("--json").stdout)
    assert len({a["rule"] for a in data["alerts"]}) >= 3
    assert all(a["sources"] and a["as_of"] for a in data["alerts"])
