"""The `relief` command, invoked as a person would, on the test database."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from relief.cli import cli
from relief.cli.admin import cli_markdown
from relief.diary.models import Attack, DayRecord
from relief.treatments.models import Dose
from tests.factories import make_user

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs"


def run(*args: str, user: str | None = "cli"):
    prefix = ["--user", user] if user else []
    return CliRunner().invoke(cli, [*prefix, *args], catch_exceptions=False)


@pytest.fixture(autouse=True)
def person():
    return make_user("cli", time_zone="Europe/Berlin")


def test_logging_an_attack_a_dose_and_its_outcome_then_listing_them():
    attack = json.loads(
        run("log", "attack", "--start", "3h ago", "--pain", "7", "--nausea", "--no-vomiting").stdout
    )
    assert attack["entry"]["nausea"] is True and attack["entry"]["vomiting"] is False
    assert attack["entry"]["photophobia"] is None
    dose = json.loads(
        run("log", "dose", "kratom", "3", "g", "--at", "150m ago", "--attack", attack["entry"]["id"]).stdout
    )
    assert dose["entry"]["amount_g"] == 3
    outcome = run("log", "outcome", "--pain-2h", "1", "--mbs-gone")
    assert outcome.exit_code == 0, outcome.output
    listed = json.loads(run("list", "doses").stdout)
    assert [d["id"] for d in listed] == [dose["entry"]["id"]]
    assert Dose.objects.get().outcome.pain_2h == 1


def test_a_day_with_factors_and_several_periods():
    assert run("log", "day", "--date", "yesterday", "--period", "morning", "--worst-pain", "3").exit_code == 0
    result = run(
        "log",
        "day",
        "--date",
        "yesterday",
        "--period",
        "evening",
        "--stress",
        "8",
        "--factor",
        "red wine=2",
        "--factor",
        "chocolate",
    )
    assert result.exit_code == 0, result.output
    assert DayRecord.objects.count() == 2
    evening = DayRecord.objects.get(period="evening")
    assert {f.tag.name: f.amount for f in evening.factors.all()} == {"red wine": 2.0, "chocolate": None}


@pytest.mark.parametrize(
    ("args", "field", "words"),
    [
        (["log", "dose", "kratom", "300", "g"], "amount", "not plausible"),
        (["log", "dose", "kratom", "3000", "g"], "amount", "did you mean 3000 mg"),
        (["log", "dose", "ibuprofen", "0", "mg"], "amount", "more than 0"),
        (["log", "dose", "kratom", "2", "scoop"], "unit", "is not a unit you have defined"),
        (["log", "attack", "--start", "1h ago", "--end", "2h ago"], "ended_at", "before the start"),
        (["log", "attack", "--start", "2099-01-01 10:00"], "started_at", "in the future"),
        (["log", "attack", "--pain", "12"], "pain[0].nrs", "between 0 and 10"),
        (["log", "day", "--worst-pain", "11"], "worst_pain", "between 0 and 10"),
        (["log", "day", "--date", "2099-01-01"], "date", "after today"),
        (["log", "side-effect", "nausea", "--at", "2099-01-01"], "occurred_at", "in the future"),
        (
            ["log", "medication", "amitriptyline", "--since", "2026-02-01", "--until", "2026-01-01"],
            "stopped_on",
            "before the start",
        ),
        (["log", "questionnaire", "hit6", "1", "2"], "answers", "needs 6 answers"),
        (["log", "dose", "unobtainium", "1", "g"], "substance", "not in the catalogue"),
        (["log", "attack", "--start", "2026-03-29 02:30"], None, "does not exist"),
    ],
)
def test_bad_input_gets_a_clear_error_naming_the_field_and_saves_nothing(args, field, words):
    result = CliRunner().invoke(cli, ["--user", "cli", *args])
    assert result.exit_code == 1, result.output
    assert "nothing was changed" in result.output
    assert words in result.output
    if field:
        assert f"{field}:" in result.output
    assert Attack.objects.count() + Dose.objects.count() + DayRecord.objects.count() == 0


def test_edit_revalidates_and_delete_removes():
    dose = json.loads(run("log", "dose", "ibuprofen", "400", "mg", "--at", "1h ago").stdout)["entry"]
    bad = CliRunner().invoke(cli, ["--user", "cli", "edit", "doses", dose["id"], "--set", "amount=-1"])
    assert bad.exit_code == 1 and "more than 0" in bad.output
    good = json.loads(run("edit", "doses", dose["id"], "--set", "amount=200").stdout)
    assert good["entry"]["amount"] == 200
    assert run("delete", "doses", dose["id"], "--yes").exit_code == 0
    assert Dose.objects.count() == 0


def test_a_stranger_cannot_list_edit_or_delete_another_persons_entries():
    dose = json.loads(run("log", "dose", "ibuprofen", "400", "mg").stdout)["entry"]
    make_user("other")
    assert json.loads(run("list", "doses", user="other").stdout) == []
    for args in (
        ["edit", "doses", dose["id"], "--set", "amount=1"],
        ["delete", "doses", dose["id"], "--yes"],
    ):
        result = CliRunner().invoke(cli, ["--user", "other", *args])
        assert result.exit_code != 0 and "no dose" in result.output
    assert Dose.objects.get().amount == 400


def test_export_and_import_through_the_command(tmp_path):
    run("log", "dose", "kratom", "2", "g", "--at", "2h ago")
    out = tmp_path / "journal.json"
    assert run("export", "-o", str(out)).exit_code == 0
    make_user("twin")
    Dose.objects.all().delete()
    result = run("import", str(out), user="twin")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["imported"]["doses"] == 1


def test_a_malformed_import_file_fails_with_a_message_and_changes_nothing(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "relief-journal", "version": 1, "doses": [{"id": "nope"}]}')
    result = CliRunner().invoke(cli, ["--user", "cli", "import", str(bad)])
    assert result.exit_code == 1
    assert "nothing was imported" in result.output and "$.doses[0]" in result.output


def test_every_command_has_help_with_an_example():
    from click import Context, Group

    def walk(command, path):
        if isinstance(command, Group):
            for name in command.list_commands(Context(command)):
                yield from walk(command.get_command(Context(command), name), [*path, name])
        else:
            yield " ".join(path), command

    missing = [name for name, command in walk(cli, []) if "Example" not in (command.help or "")]
    assert missing == []


def test_the_cli_reference_in_docs_is_up_to_date():
    assert (DOCS / "cli.md").read_text() == cli_markdown(), "run: relief docs cli > docs/cli.md"


def test_a_new_one_time_sign_in_link_for_a_named_account_signs_that_account_in_once():
    from django.test import Client

    make_user("robin")
    result = CliRunner().invoke(cli, ["user", "link", "robin", "--url", "https://journal.example.org/"])
    assert result.exit_code == 0, result.output
    link = result.stdout.strip()
    assert link.startswith("https://journal.example.org/accounts/link/")
    path = link.removeprefix("https://journal.example.org")
    browser = Client()
    assert browser.post(path).status_code == 302
    assert browser.get("/").context["user"].username == "robin"
    assert Client().post(path).status_code == 410  # used up

    unknown = CliRunner().invoke(cli, ["user", "link", "nobody"])
    assert unknown.exit_code == 1 and "no account named 'nobody'" in unknown.output


def test_an_acute_dose_logged_during_an_open_attack_treats_it_unless_told_otherwise():
    attack = json.loads(run("log", "attack", "--start", "1h ago", "--pain", "6").stdout)["entry"]
    linked = run("log", "dose", "kratom", "2", "g", "--at", "30m ago")
    assert json.loads(linked.stdout)["entry"]["attack_id"] == attack["id"]
    assert "Linked to the attack going on since" in linked.stderr and "--no-attack" in linked.stderr

    apart = json.loads(run("log", "dose", "ibuprofen", "400", "mg", "--no-attack").stdout)["entry"]
    earlier = json.loads(run("log", "dose", "kratom", "2", "g", "--at", "3h ago").stdout)["entry"]
    first_sign = json.loads(run("log", "dose", "kratom", "1", "g", "--at", "70m ago").stdout)["entry"]
    assert first_sign["attack_id"] == attack["id"]  # taken at the first sign, the attack logged later
    preventive = json.loads(run("log", "dose", "magnesium", "400", "mg", "--reason", "preventive").stdout)[
        "entry"
    ]
    assert apart["attack_id"] is None  # the person said so
    assert earlier["attack_id"] is None  # taken two hours before the attack began
    assert preventive["attack_id"] is None  # not taken for an attack
    assert Dose.objects.filter(attack_id=attack["id"]).count() == 2


def test_a_dose_is_not_linked_to_an_ended_attack_or_one_left_open_for_days():
    run("log", "attack", "--start", "5h ago", "--end", "2h ago", "--pain", "6")
    run("log", "attack", "--start", "4 days ago", "--pain", "5")
    dose = run("log", "dose", "kratom", "2", "g")
    assert json.loads(dose.stdout)["entry"]["attack_id"] is None
    assert "Linked" not in dose.stderr


def test_naming_an_attack_and_refusing_one_at_once_is_a_usage_error():
    result = run("log", "dose", "kratom", "2", "g", "--attack", "4f1c", "--no-attack")
    assert result.exit_code == 2 and "not both" in result.output
    assert not Dose.objects.exists()


def test_a_two_hour_pain_for_a_dose_just_taken_is_saved_with_a_note_on_stderr():
    dose = json.loads(run("log", "dose", "kratom", "2", "g", "--at", "10m ago").stdout)["entry"]
    result = run("log", "outcome", dose["id"], "--pain-2h", "3")
    assert result.exit_code == 0
    assert "Note: You gave the pain at 2 hours 10 minutes after the dose" in result.stderr
    assert Dose.objects.get(pk=dose["id"]).outcome.pain_2h == 3
    later = run("log", "outcome", dose["id"], "--pain-at-dose", "6")
    assert "Note:" not in later.stderr  # the pain when the dose was taken is never early
