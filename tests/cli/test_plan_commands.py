"""`relief plan` and `relief trial`, invoked as a person would, on the test database."""

import json
from datetime import timedelta

import numpy as np
import pytest
from click.testing import CliRunner

from relief.accounts.services import today_for
from relief.cli import cli
from relief.plans import services
from relief.plans.models import Decision, Plan, PlanStep
from tests.factories import make_user
from tests.plans.helpers import acute_trial, kratom_plan

pytestmark = pytest.mark.django_db


def run(*args: str, user: str = "cli"):
    return CliRunner().invoke(cli, ["--user", user, *args])


def ok(*args: str, user: str = "cli"):
    result = run(*args, user=user)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


@pytest.fixture(autouse=True)
def person():
    return make_user("cli", time_zone="Europe/Berlin")


def days_from_today(person, n: int) -> str:
    return str(today_for(person) + timedelta(days=n))


def sealed_trial(person, attacks: int = 4):
    trial = acute_trial(person, attacks=attacks)
    return services.start_trial(person, trial, rng=np.random.default_rng(5))


def test_starting_a_plan_then_listing_and_showing_it(person):
    started = json.loads(
        ok(
            "plan",
            "start",
            "--treatment",
            "kratom",
            "--kind",
            "acute",
            "--starts-on",
            days_from_today(person, 1),
            "--reassess-on",
            days_from_today(person, 31),
            "--goal",
            "fewer days lost",
        ).stdout
    )
    plan = Plan.objects.get()
    assert started["id"] == str(plan.pk) and started["treatment"] == "Kratom"
    assert [s["key"] for s in started["steps"]] == PlanStep.ORDER

    listed = json.loads(ok("plan", "list").stdout)
    assert [p["id"] for p in listed] == [str(plan.pk)]

    shown = json.loads(ok("plan", "show", str(plan.pk)[:8], "--json").stdout)
    assert shown["goal"] == "fewer days lost"
    assert shown["steps"][0]["label"] == "Talk with your clinician"
    assert {"baseline", "interaction_screen", "lab_report_check", "progress", "limits"} <= set(shown)
    assert shown["baseline"]["days"] == 0 and shown["baseline"]["enough"] is False
    assert sum(shown["progress"].values()) == 7

    assert json.loads(ok("plan", "show", str(plan.pk)).stdout) == shown  # JSON is the default
    text = ok("plan", "show", str(plan.pk), "--text").stdout
    assert "Acute plan for Kratom" in text and "fewer days lost" in text
    assert "Talk with your clinician" in text and "Baseline:" in text


def test_setting_a_step_and_limits_is_saved_and_checks_the_limits_step(person):
    plan = kratom_plan(person)
    step = json.loads(
        ok("plan", "step", str(plan.pk), "clinician", "--state", "done", "--note", "saw Dr Lee").stdout
    )
    assert step == {"plan": str(plan.pk), "key": "clinician", "state": "done", "note": "saw Dr Lee"}
    assert plan.steps.get(key="storage").state == "not_yet"
    assert plan.steps.get(key="limits").state == "not_yet"

    limits = json.loads(
        ok(
            "plan",
            "limits",
            str(plan.pk),
            "--max-days-per-month",
            "8",
            "--min-hours-between",
            "24",
            "--max-daily-amount",
            "4",
            "--unit",
            "g",
        ).stdout
    )
    assert limits["text"] == [
        "at most 8 days a month",
        "at least 24 hours between doses",
        "at most 4 g a day",
    ]
    plan.refresh_from_db()
    assert (plan.max_days_per_month, plan.min_hours_between, plan.max_daily_amount, plan.max_daily_unit) == (
        8,
        24,
        4,
        "g",
    )
    assert plan.steps.get(key="clinician").state == "done"
    assert plan.steps.get(key="limits").state == "done"


def test_an_out_of_range_limit_names_the_field_and_keeps_the_old_limits(person):
    plan = kratom_plan(person, max_days_per_month=6)
    result = run("plan", "limits", str(plan.pk), "--max-days-per-month", "40", "--min-hours-between", "12")
    assert result.exit_code == 1
    assert "nothing was changed" in result.output and "max_days_per_month:" in result.output
    plan.refresh_from_db()
    assert (plan.max_days_per_month, plan.min_hours_between) == (6, None)


@pytest.mark.parametrize(
    ("args", "field", "words"),
    [
        (
            ["--treatment", "kratom", "--starts-on", "2026-13-01", "--reassess-on", "2027-01-01"],
            "starts_on",
            "cannot read the date",
        ),
        (
            ["--treatment", "kratom", "--starts-on", "2026-12-01", "--reassess-on", "soon"],
            "reassess_on",
            "cannot read the date",
        ),
        (
            ["--treatment", "unobtainium", "--starts-on", "2026-12-01", "--reassess-on", "2027-01-01"],
            "substance",
            "not in the catalogue",
        ),
        (
            ["--treatment", "kratom", "--starts-on", "2026-12-01", "--reassess-on", "2026-11-01"],
            "reassess_on",
            "must be after the start",
        ),
    ],
)
def test_a_bad_date_or_unknown_treatment_names_the_field_and_creates_nothing(args, field, words):
    result = run("plan", "start", *args)
    assert result.exit_code == 1, result.output
    assert "nothing was changed" in result.output
    assert f"{field}: " in result.output and words in result.output
    assert Plan.objects.count() == 0 and PlanStep.objects.count() == 0


def test_the_review_and_a_decision_recorded_and_seen_in_the_history(person):
    plan = kratom_plan(person, starts_in=-20, reassess_in=0)
    review = json.loads(ok("plan", "review", str(plan.pk), "--json").stdout)
    assert review["counts"]["treatment"] == "Kratom"
    assert review["counts"]["during"]["days"] == 21 and review["counts"]["before"]["days"] == 21
    assert "before" in ok("plan", "review", str(plan.pk), "--text").stdout

    missing_date = run("plan", "decide", str(plan.pk), "--decision", "continue", "--reasons", "helps")
    assert missing_date.exit_code == 1 and "next_reassess_on:" in missing_date.output
    assert Decision.objects.count() == 0

    next_on = days_from_today(person, 60)
    decided = json.loads(
        ok(
            "plan",
            "decide",
            str(plan.pk),
            "--decision",
            "continue",
            "--reasons",
            "fewer attack days, no side effects",
            "--next-reassessment",
            next_on,
        ).stdout
    )
    assert decided["choice"] == "continue" and decided["next_reassess_on"] == next_on
    plan.refresh_from_db()
    assert str(plan.reassess_on) == next_on and plan.status == "active"
    assert Decision.objects.get().review["counts"]["treatment"] == "Kratom"

    history = json.loads(ok("plan", "history").stdout)
    assert [(h["plan"], h["choice"], h["reasons"]) for h in history] == [
        (str(plan.pk), "continue", "fewer attack days, no side effects")
    ]


def test_another_persons_plan_id_is_no_such_plan_and_nothing_changes(person):
    plan = kratom_plan(person)
    make_user("other")
    for args in (
        ["plan", "show", str(plan.pk)],
        ["plan", "show", str(plan.pk)[:8]],
        ["plan", "step", str(plan.pk), "clinician", "--state", "done"],
        ["plan", "limits", str(plan.pk), "--max-days-per-month", "3"],
        ["plan", "review", str(plan.pk)],
        ["plan", "decide", str(plan.pk), "--decision", "stop", "--reasons", "mine now"],
    ):
        result = run(*args, user="other")
        assert result.exit_code == 1, args
        assert "no such plan" in result.output
        assert "Kratom" not in result.output
    assert json.loads(ok("plan", "list", user="other").stdout) == []
    assert json.loads(ok("plan", "history", user="other").stdout) == []
    plan.refresh_from_db()
    assert plan.max_days_per_month is None and plan.steps.get(key="clinician").state == "not_yet"
    assert Decision.objects.count() == 0


def test_a_too_short_or_unknown_id_is_no_such_plan(person):
    plan = kratom_plan(person)
    assert "no such plan" in run("plan", "show", str(plan.pk)[:3]).output
    assert "no such plan" in run("plan", "show", "not-an-id").output


def test_a_trial_shown_from_the_command_never_reveals_a_sealed_allocation(person):
    trial = sealed_trial(person, attacks=4)
    first = services.log_attack_and_reveal(person, trial)
    sealed_labels = {
        a.sealed_option.label
        for a in trial.allocations.filter(revealed_at__isnull=True).select_related("sealed_option")
    }
    assert sealed_labels == {"Sumatriptan", "Ibuprofen"}  # so the checks below can fail

    shown = json.loads(ok("trial", "show", str(trial.pk), "--json").stdout)
    assert shown["slots"][0]["option"] == first.option.label
    sealed = [s for s in shown["slots"] if not s["revealed"]]
    assert len(sealed) == 3
    for label in sealed_labels:
        assert label not in json.dumps(sealed)
    assert "sequence_digest" not in shown
    assert {o["label"] for o in shown["options"]} == {"Sumatriptan", "Ibuprofen"}

    lines = ok("trial", "show", str(trial.pk), "--text").stdout.splitlines()
    sealed_lines = [line for line in lines if line.strip().startswith(("#2", "#3", "#4"))]
    assert sealed_lines == ["  #2: sealed", "  #3: sealed", "  #4: sealed"]
    assert f"  #1: {first.option.label}, attack {first.attack_id}" in lines


def test_the_trial_list_and_a_strangers_trial_id(person):
    trial = sealed_trial(person)
    listed = json.loads(ok("trial", "list").stdout)
    assert [(t["id"], t["places"], t["revealed"]) for t in listed] == [(str(trial.pk), 4, 0)]
    make_user("other")
    assert json.loads(ok("trial", "list", user="other").stdout) == []
    for args in (
        ["trial", "show", str(trial.pk)],
        ["trial", "result", str(trial.pk)],
        ["trial", "attack", str(trial.pk)],
    ):
        result = run(*args, user="other")
        assert result.exit_code == 1 and "no such trial" in result.output
    assert trial.allocations.filter(revealed_at__isnull=False).count() == 0


def test_logging_an_attack_reveals_its_option_and_the_outcome_feeds_the_result(person):
    trial = sealed_trial(person)
    expected = trial.allocations.get(position=1).sealed_option.label
    revealed = json.loads(ok("trial", "attack", str(trial.pk), "--start", "3h ago").stdout)
    assert (revealed["position"], revealed["option"]) == (1, expected)

    too_early = run("trial", "outcome", str(trial.pk), "2", "--pain-2h", "0")
    assert too_early.exit_code == 1 and "allocation: is not revealed yet" in too_early.output

    recorded = json.loads(
        ok(
            "trial", "outcome", str(trial.pk), "1", "--pain-at-dose", "6", "--pain-2h", "0", "--rescue", "no"
        ).stdout
    )
    assert recorded["taken"] == expected and recorded["dose"]

    result = json.loads(ok("trial", "result", str(trial.pk), "--json").stdout)
    assert {"design", "arms", "comparisons", "deviations", "notes", "warnings", "cent"} <= set(result)
    assert result["deviations"]["allocated"] == 1
    assert result["arms"][expected]["successes"] == 1
    assert "Verdict: not_enough_data" in ok("trial", "result", str(trial.pk), "--text").stdout


def test_trial_result_json_has_the_analysis_keys_even_before_any_attack(person):
    trial = acute_trial(person, attacks=4)
    result = json.loads(ok("trial", "result", str(trial.pk), "--json").stdout)
    assert {
        "design",
        "prior",
        "margin",
        "threshold",
        "arms",
        "comparisons",
        "deviations",
        "cent",
        "warnings",
    } <= set(result)
    assert result["design"] == "attack-level" and result["deviations"]["allocated"] == 0
    assert result["warnings"]  # too little data is said out loud
    assert set(result["arms"]) == {"Sumatriptan", "Ibuprofen"}


def test_a_running_trial_is_finished_or_stopped_early_once(person):
    trial = sealed_trial(person)
    stopped = json.loads(ok("trial", "finish", str(trial.pk), "--early").stdout)
    assert stopped["status"] == "stopped" and stopped["ended"]
    trial.refresh_from_db()
    assert trial.status == "stopped" and trial.ended_at is not None
    again = run("trial", "finish", str(trial.pk))
    assert again.exit_code == 1 and "not running" in again.output
    make_user("other")
    stranger = run("trial", "finish", str(trial.pk), user="other")
    assert stranger.exit_code == 1 and "no such trial" in stranger.output
