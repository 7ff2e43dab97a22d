"""Text a spreadsheet would run as a formula is written as text in every CSV the app makes."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from relief.exchange.csvexport import export_csv, neutralised
from tests.access.people import logged_in
from tests.factories import ago, make_attack, make_product, make_user

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_starting_like_a_formula_gets_a_leading_apostrophe(text):
    assert neutralised(text) == "'" + text


@pytest.mark.parametrize("text", ["kratom", "2 g at night", "", "'already quoted", "a=b", "1-2"])
def test_other_text_is_written_as_it_is(text):
    assert neutralised(text) == text


@pytest.mark.django_db
def test_notes_and_names_that_look_like_formulas_are_neutralised_in_the_export(tmp_path):
    person = make_user()
    make_attack(person, started_at=ago(hours=3), notes=FORMULAS[0])
    make_product(person, name="@evil", notes="-1+1")

    export_csv(person, tmp_path)

    attacks = list(csv.DictReader((tmp_path / "attacks.csv").read_text().splitlines()))
    products = list(csv.DictReader((tmp_path / "products.csv").read_text().splitlines()))
    assert attacks[0]["notes"] == "'" + FORMULAS[0]
    assert (products[0]["name"], products[0]["notes"]) == ("'@evil", "'-1+1")


@pytest.mark.django_db
def test_the_zip_download_carries_the_same_neutralised_cells():
    person = make_user()
    make_attack(person, started_at=ago(hours=3), notes="=1+1")

    response = logged_in(person).get("/exchange/export/csv/")

    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        text = archive.read("attacks.csv").decode()
    assert "'=1+1" in text
    assert ",=1+1" not in text
