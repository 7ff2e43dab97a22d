import pytest

from relief.diary.models import Attack, DayRecord
from relief.exchange.importers import ImportFormatError, import_text, run_import
from relief.treatments.models import Dose
from tests.exchange.helpers import REAL_LOG, SAMPLES, with_catalogue
from tests.factories import make_user


@pytest.mark.django_db
def test_it_accounts_for_every_row_of_a_real_published_log():
    # The data README says 106 events, but the file holds 107 data rows (62 + 27 + 9 + 5 + 4
    # medications, as clinical-specs section 6 counts them); every one must be imported or reported.
    with_catalogue()
    user = make_user(time_zone="America/Chicago")
    data_rows = [line for line in REAL_LOG.read_text().splitlines()[1:] if line.strip()]
    assert len(data_rows) == 107
    report = run_import(user, REAL_LOG, "generic")
    assert report.rows == 107
    assert report.accounted_lines() == set(range(2, 109))
    assert report.problems == []
    assert report.saved
    assert Attack.objects.filter(user=user).count() + len(report.problems) + len(report.skipped) == 107


@pytest.mark.django_db
def test_the_real_log_maps_misspelled_medications_to_the_catalogue_and_none_to_no_dose():
    with_catalogue()
    user = make_user(time_zone="America/Chicago")
    run_import(user, REAL_LOG, "generic")
    by_key = {}
    for dose in Dose.objects.filter(user=user).select_related("substance"):
        by_key[dose.substance.key] = by_key.get(dose.substance.key, 0) + 1
    assert by_key == {"sumatriptan": 62, "excedrin": 27, "sleep-aid": 9, "ibuprofen": 5}
    assert Attack.objects.filter(user=user, doses__isnull=True).count() == 4
    first = Attack.objects.filter(user=user).order_by("started_at").first()
    assert first.started_at.date().isoformat() == "2018-11-17"
    assert first.believed_migraine is True
    assert "Suspected trigger: food" in first.notes


@pytest.mark.django_db
def test_it_reads_dates_with_and_without_zero_padding_as_month_day_year():
    with_catalogue()
    user = make_user()
    import_text(user, "Date,Type,Medication\n12-7-2019,0,None\n01-06-2019,1,Excedrin\n", "generic")
    days = sorted(a.started_at.date().isoformat() for a in Attack.objects.filter(user=user))
    assert days == ["2019-01-06", "2019-12-07"]


@pytest.mark.django_db
def test_an_attack_list_never_invents_headache_free_days():
    with_catalogue()
    user = make_user()
    run_import(user, REAL_LOG, "generic")
    assert DayRecord.objects.filter(user=user).count() == 0


@pytest.mark.django_db
def test_one_unreadable_line_saves_nothing_and_names_the_line():
    with_catalogue()
    user = make_user()
    report = run_import(user, SAMPLES / "generic_broken.csv", "generic")
    assert not report.saved
    assert Attack.objects.filter(user=user).count() == 0
    assert [p.line for p in report.problems] == [3, 5, 6]
    assert "13-45-2020" in report.problems[0].message


@pytest.mark.django_db
def test_a_dry_run_shows_what_would_be_saved_and_saves_nothing():
    with_catalogue()
    user = make_user()
    report = run_import(user, REAL_LOG, "generic", dry_run=True)
    assert report.ok and not report.saved
    assert report.created["attack"] == 107
    assert len(report.planned) == 107
    assert Attack.objects.filter(user=user).count() == 0


@pytest.mark.django_db
def test_a_mapping_names_other_columns_and_unknown_names_become_own_substances():
    with_catalogue()
    user = make_user()
    text = "When,Kind,Took,Amount,How bad\n2024-03-01,M,Sumatriptn,50 mg,7\n2024-03-02,T,Feverfew tea,,mild\n"
    report = import_text(
        user,
        text,
        "generic",
        mapping="date=When,type=Kind,medication=Took,amount=Amount,pain=How bad,types=M:migraine;T:headache",
    )
    assert report.ok, report.problems
    doses = list(Dose.objects.filter(user=user).select_related("substance").order_by("taken_at"))
    assert doses[0].substance.key == "sumatriptan"
    assert doses[0].amount == 50 and doses[0].unit == "mg"
    assert doses[1].substance.user == user and doses[1].substance.name == "Feverfew tea"
    samples = [a.pain_samples.get() for a in Attack.objects.filter(user=user).order_by("started_at")]
    assert (samples[0].nrs, samples[1].four_point) == (7, 1)


@pytest.mark.django_db
def test_a_file_without_a_date_column_is_refused_with_the_columns_it_has():
    user = make_user()
    with pytest.raises(ImportFormatError, match="no date column"):
        import_text(user, "When,What\n1,2\n", "generic")


@pytest.mark.django_db
def test_relief_import_reads_another_apps_file_and_reports_bad_lines_with_a_failing_exit():
    import json

    from click.testing import CliRunner

    from relief.cli import cli

    with_catalogue()
    user = make_user("importer")
    runner = CliRunner()
    good = runner.invoke(
        cli, ["--user", user.username, "import", str(SAMPLES / "headi.csv"), "--format", "headi"]
    )
    assert good.exit_code == 0, good.output
    assert json.loads(good.stdout)["created"]["attack"] == 3
    bad = runner.invoke(
        cli, ["--user", user.username, "import", str(SAMPLES / "headi_broken.csv"), "--format", "headi"]
    )
    assert bad.exit_code == 1
    assert [p["line"] for p in json.loads(bad.stdout)["problems"]] == [3, 4, 5]
    wrong = runner.invoke(
        cli, ["--user", user.username, "import", str(SAMPLES / "headi.csv"), "--format", "bearable"]
    )
    assert wrong.exit_code == 1
    assert "does not look like a Bearable file" in wrong.stderr


@pytest.mark.django_db
def test_a_semicolon_separated_list_with_day_month_dates_is_read_too():
    with_catalogue()
    user = make_user()
    report = import_text(
        user,
        "Datum;Medication;Extra\n25.12.2023;Ibuprofen 400mg;x\n3.1.2024;None;y\n",
        "generic",
        mapping="date=Datum",
    )
    assert report.ok, report.problems
    assert "dates read as dmy" in report.notices[0]
    assert "columns not imported: Extra" in report.notices
    days = sorted(a.started_at.date().isoformat() for a in Attack.objects.filter(user=user))
    assert days == ["2023-12-25", "2024-01-03"]
    assert Dose.objects.get(user=user).amount == 400


def test_every_import_format_is_documented():
    from pathlib import Path

    from relief.exchange.importers import FORMATS

    docs = (Path(__file__).resolve().parents[2] / "docs" / "importers.md").read_text()
    for fmt in FORMATS:
        assert f"| `{fmt}` |" in docs, f"docs/importers.md does not describe --format {fmt}"


@pytest.mark.django_db
def test_old_mac_line_endings_are_read_and_unreadable_bytes_refuse_the_file_with_the_line():
    with_catalogue()
    user = make_user()
    report = import_text(user, "Date,Medication\r1-2-2020,None\r1-3-2020,Excedrin\r", "generic")
    assert report.ok and report.created["attack"] == 2
    assert report.accounted_lines() == {2, 3}
    huge = "x" * 200_000  # longer than any field the CSV reader accepts
    with pytest.raises(ImportFormatError, match="line 3: cannot read this as CSV"):
        import_text(user, f'Date,Medication\n1-2-2020,None\n1-3-2020,"{huge}"\n', "generic")
    assert Attack.objects.filter(user=user).count() == 2


AURA_LIST = (
    "Date,Time,Pain,Aura,Aura minutes,Aura spread,Aura positive,Aura one-sided\n"
    "2024-03-01,08:00,7,visual; sensory,25,yes,yes,yes\n"
    "2024-03-05,09:00,6,no,,,,\n"
    "2024-03-09,10:00,5,,,,,\n"
    "2024-03-12,10:00,5,yes,,unknown,no,\n"
)


@pytest.mark.django_db
def test_an_attack_list_records_the_aura_columns_so_ichd_1_2_can_be_reached():
    user = make_user()
    report = import_text(user, AURA_LIST, "generic")
    assert report.saved and report.problems == []
    first, without, unknown, bare = Attack.objects.filter(user=user).order_by("started_at")
    assert (first.aura_visual, first.aura_sensory, first.aura_speech) == (True, True, None)
    assert first.aura_duration_min == 25
    assert (first.aura_spreads_gradually, first.aura_positive, first.aura_unilateral) == (True, True, True)
    # "no" is no aura of any kind; an empty cell stays unknown, never "no"
    assert all(getattr(without, f) is False for f in Attack.AURA_TYPES)
    assert all(getattr(unknown, f) is None for f in Attack.AURA_TYPES)
    assert unknown.aura_spreads_gradually is None
    # a bare "yes" names no kind: the kinds stay unknown and the notes say so
    assert all(getattr(bare, f) is None for f in Attack.AURA_TYPES)
    assert "kind of aura was not recorded" in bare.notes
    assert (bare.aura_spreads_gradually, bare.aura_positive) == (None, False)


@pytest.mark.django_db
def test_aura_columns_can_be_named_in_the_mapping():
    user = make_user()
    text = "When,A,Mins,Spread,Pos,Side\n2024-03-01,motor / speech,40,no,yes,no\n"
    mapping = "date=When,aura=A,aura_minutes=Mins,aura_spread=Spread,aura_positive=Pos,aura_one_sided=Side"
    import_text(user, text, "generic", mapping=mapping)
    attack = Attack.objects.get(user=user)
    assert (attack.aura_motor, attack.aura_speech, attack.aura_visual) == (True, True, None)
    assert attack.aura_duration_min == 40
    assert (attack.aura_spreads_gradually, attack.aura_positive, attack.aura_unilateral) == (
        False,
        True,
        False,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("smell,,", "unknown aura kind"),
        ("visual,forever,", "whole number of minutes"),
        ("visual,20,maybe", "cannot read aura spread"),
        ("no,20,", "no aura"),
    ],
)
def test_an_unreadable_cell_in_a_mapped_aura_column_saves_nothing_and_names_the_line(
    cells: str, message: str
):
    user = make_user()
    text = "Date,Aura,Aura minutes,Aura spread\n2024-03-01,visual,20,yes\n2024-03-02," + cells + "\n"
    mapping = "aura=Aura,aura_minutes=Aura minutes,aura_spread=Aura spread"
    report = import_text(user, text, "generic", mapping=mapping)
    assert not report.saved
    assert Attack.objects.filter(user=user).count() == 0
    assert [p.line for p in report.problems] == [3]
    assert message in report.problems[0].message


@pytest.mark.django_db
def test_a_daily_diary_gives_the_aura_to_the_headache_day_and_keeps_it_in_the_notes_otherwise():
    user = make_user()
    text = "Date,Headache,Aura\n2024-03-01,yes,visual\n2024-03-02,no,visual\n2024-03-03,yes,\n"
    report = import_text(user, text, "generic")
    assert report.saved
    first, third = Attack.objects.filter(user=user).order_by("started_at")
    assert first.aura_visual is True and third.aura_visual is None
    day = DayRecord.objects.get(user=user, date="2024-03-02")
    assert "Aura as recorded: visual" in day.notes


@pytest.mark.django_db
def test_free_text_under_an_aura_name_is_left_alone_unless_mapped():
    user = make_user()
    text = "Date,Aura\n2024-03-01,zigzag lines for a while\n"
    report = import_text(user, text, "generic")
    assert report.saved and Attack.objects.get(user=user).aura_visual is None
    assert "Aura" in [column for column, _ in report.unused]
    refused = import_text(make_user(), text, "generic", mapping="aura=Aura")
    assert not refused.saved and "unknown aura kind" in refused.problems[0].message
