"""Export -> import into an empty database -> export gives the same document."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from relief.diary.demo import create_demo
from relief.exchange.jsonformat import export_document, import_document
from relief.exchange.schema import build_schema, schema_problems
from tests.factories import make_user

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_a_year_of_demo_diary_survives_export_and_import_unchanged():
    create_demo("roundtrip", days=370, seed=7)
    first = export_document(User.objects.get(username="roundtrip"))
    assert len(first["day_records"]) > 300 and len(first["doses"]) > 100 and len(first["attacks"]) > 20
    User.objects.get(username="roundtrip").delete()  # the database is empty of that diary again

    newcomer = make_user("newcomer")
    summary = import_document(newcomer, json.loads(json.dumps(first)))
    second = export_document(newcomer)

    assert summary.counts["doses"] == len(first["doses"])
    assert second == first  # ids, values and order


def test_the_export_validates_against_the_published_schema():
    create_demo("schema", days=40, seed=3)
    assert schema_problems(export_document(User.objects.get(username="schema"))) == []


def test_the_committed_schema_file_matches_the_models():
    committed = json.loads((DOCS / "format.schema.json").read_text())
    assert committed == build_schema(), "run: relief docs schema > docs/format.schema.json"


def test_a_dry_run_checks_everything_and_saves_nothing():
    create_demo("dry", days=30, seed=2)
    doc = export_document(User.objects.get(username="dry"))
    User.objects.get(username="dry").delete()
    target = make_user()
    summary = import_document(target, doc, dry_run=True)
    assert summary.dry_run and summary.counts["day_records"] == len(doc["day_records"])
    assert export_document(target)["day_records"] == []


def test_a_demo_whose_last_attack_is_still_going_keeps_it_open():
    from relief.diary.models import Attack

    create_demo("open", days=200, seed=6)  # this seed ends during an attack
    user = User.objects.get(username="open")
    assert Attack.objects.filter(user=user, ended_at__isnull=True).count() == 1
