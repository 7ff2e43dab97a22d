import json

import pytest
from click.testing import CliRunner

from relief.cli import cli
from relief.diary.models import Attack, DayRecord
from relief.exchange.importers import ImportFormatError, import_text
from relief.exchange.importers.detect import detect
from tests.exchange.helpers import REAL_LOG, SAMPLES, with_catalogue
from tests.factories import make_attack, make_user


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("migraine_buddy.csv", "migraine-buddy"),
        ("headi.csv", "headi"),
        ("bearable.csv", "bearable"),
        ("flaredown.csv", "flaredown"),
        ("flaredown_research.csv", "flaredown-research"),
        ("migraine_navigator.csv", "migraine-navigator"),
        ("psychonautwiki.json", "psychonautwiki"),
        ("daily_headache_2025.csv", "generic"),
        ("daily_headache_study.csv", "generic"),
    ],
)
def test_each_apps_export_is_recognised_from_its_content(name, fmt):
    assert detect((SAMPLES / name).read_bytes()).fmt == fmt


def test_a_real_attack_list_is_recognised_as_a_generic_csv():
    found = detect(REAL_LOG.read_bytes())
    assert found.fmt == "generic"
    assert "attack list" in found.reason


@pytest.mark.django_db
def test_the_projects_own_export_is_recognised_and_a_fhir_bundle_is_refused_with_the_reason():
    from relief.exchange.fhir import export_bundle
    from relief.exchange.jsonformat import dumps, export_document

    user = make_user()
    make_attack(user)
    assert detect(dumps(export_document(user))).fmt == "json"
    with pytest.raises(ImportFormatError, match="FHIR bundle; importing FHIR is not supported"):
        detect(json.dumps(export_bundle(user)))


def test_a_file_that_fits_no_format_names_every_format_and_the_option():
    with pytest.raises(ImportFormatError) as caught:
        detect("colour,size\nred,3\n")
    message = str(caught.value)
    assert "--format" in message
    for fmt in ("json", "migraine-buddy", "generic", "bearable", "headi", "psychonautwiki"):
        assert fmt in message


@pytest.mark.django_db
def test_import_text_with_auto_says_what_it_recognised():
    with_catalogue()
    user = make_user()
    report = import_text(user, (SAMPLES / "headi.csv").read_bytes(), "auto")
    assert report.format == "headi"
    assert "Headi export" in report.detected
    assert Attack.objects.filter(user=user).count() == 3


@pytest.mark.django_db
class TestTheCommandLine:
    def run(self, user, *args):
        return CliRunner().invoke(cli, ["--user", user.username, "import", *map(str, args)])

    def test_a_csv_without_format_is_recognised_and_imported(self):
        with_catalogue()
        user = make_user(time_zone="Europe/Berlin")
        result = self.run(user, SAMPLES / "migraine_buddy.csv")
        assert result.exit_code == 0, result.output
        assert "recognised migraine_buddy.csv as a Migraine Buddy export" in result.stderr
        assert json.loads(result.stdout)["created"]["attack"] == 15

    def test_an_unrecognised_csv_fails_naming_the_formats_and_the_option(self, tmp_path):
        user = make_user()
        odd = tmp_path / "odd.csv"
        odd.write_text("colour,size\nred,3\n")
        result = self.run(user, odd)
        assert result.exit_code == 1
        assert "--format" in result.stderr and "migraine-buddy" in result.stderr
        assert "not valid JSON" not in result.stderr

    def test_a_dry_run_previews_counts_unused_columns_and_sample_rows_and_saves_nothing(self):
        with_catalogue()
        user = make_user()
        result = self.run(user, SAMPLES / "daily_headache_2025.csv", "--dry-run")
        assert result.exit_code == 0, result.output
        preview = json.loads(result.stdout)
        assert preview["dry_run"] and not preview["saved"]
        assert preview["created"]["day record"] == 362
        assert {u["column"] for u in preview["unused_columns"]} == {"Medication", "Air quality"}
        assert preview["sample"][0] == {"line": 2, "entry": "day 2025-01-01: no headache"}
        assert DayRecord.objects.filter(user=user).count() == 0

    def test_a_multi_person_file_lists_the_ids_and_person_picks_one(self):
        with_catalogue()
        user = make_user()
        study = SAMPLES / "daily_headache_study.csv"
        asked = self.run(user, study, "--mapping", "day1=2025-03-01")
        assert asked.exit_code == 1
        assert "P01, P02, P07" in asked.stderr and "--person" in asked.stderr
        chosen = self.run(
            user, study, "--mapping", "day1=2025-03-01,factors=medication;airq", "--person", "P01"
        )
        assert chosen.exit_code == 0, chosen.output
        out = json.loads(chosen.stdout)
        assert out["person"] == "P01" and out["people"] == ["P01", "P02", "P07"]
        assert out["created"]["day record"] == 56

    def test_the_projects_json_is_still_imported_without_a_format(self, tmp_path):
        from relief.exchange.jsonformat import dumps, export_document

        with_catalogue()
        source = make_user()
        make_attack(source, notes="carried over")
        path = tmp_path / "journal.json"
        path.write_text(dumps(export_document(source)))
        source.delete()
        target = make_user()
        result = self.run(target, path)
        assert result.exit_code == 0, result.output
        assert Attack.objects.get(user=target).notes == "carried over"
