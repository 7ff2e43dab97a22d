import csv
from datetime import date
from pathlib import Path

import pytest

from relief.exchange.csvexport import TABLES, csv_docs, export_csv, header
from tests.exchange.helpers import with_catalogue
from tests.factories import ago, make_attack, make_day, make_dose, make_user

DOCS = Path(__file__).resolve().parents[2] / "docs" / "csv.md"


@pytest.mark.django_db
def test_it_writes_one_file_per_table_with_the_documented_header(tmp_path):
    with_catalogue()
    user = make_user()
    paths = export_csv(user, tmp_path / "out")
    assert [p.name for p in paths] == [t.filename for t in TABLES]
    for table, path in zip(TABLES, paths, strict=True):
        with path.open() as handle:
            assert next(csv.reader(handle)) == header(table)


def test_the_csv_docs_agree_with_the_code():
    assert DOCS.read_text() == csv_docs(), "regenerate docs/csv.md from csv_docs()"


@pytest.mark.django_db
def test_it_writes_only_the_persons_own_rows_with_unknowns_left_empty(tmp_path):
    with_catalogue()
    alice, bob = make_user(), make_user()
    attack = make_attack(alice, started_at=ago(hours=5), nausea=True, notes='said "ouch", then, slept')
    make_attack(bob)
    make_dose(alice, "kratom", amount=2.5, unit="g", attack=attack)
    make_day(alice, date(2026, 1, 2), worst_pain=4)
    export_csv(alice, tmp_path)
    with (tmp_path / "attacks.csv").open() as handle:
        attacks = list(csv.DictReader(handle))
    assert len(attacks) == 1
    assert attacks[0]["nausea"] == "true"
    assert attacks[0]["vomiting"] == ""
    assert attacks[0]["notes"] == 'said "ouch", then, slept'
    assert attacks[0]["started_at"].endswith("Z")
    with (tmp_path / "doses.csv").open() as handle:
        (dose,) = list(csv.DictReader(handle))
    assert dose["amount_g"] == "2.5"
    assert dose["attack_id"] == str(attack.id)
    with (tmp_path / "day_records.csv").open() as handle:
        (day,) = list(csv.DictReader(handle))
    assert day["date"] == "2026-01-02"
    assert day["sleep_hours"] == ""
