"""A backup taken while the app runs brings back every row of every table, exactly."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core import serializers

from relief.core import backup as backups
from tests.factories import make_attack, make_batch, make_day, make_dose, make_product, make_user


def everything() -> dict[str, list[dict]]:
    """Every row of every table, serialized field by field, in primary-key order."""
    return {
        model._meta.label: serializers.serialize("python", model._base_manager.order_by("pk"))
        for model in apps.get_models()
    }


def a_journal():
    person = make_user("ada", city="Berlin")
    attack = make_attack(person, notes="left side, <b>throbbing</b> — ünïcode")
    make_dose(person, "kratom", amount=2.5, attack=attack, notes="before lunch")
    make_day(person, attack.started_at.date(), worst_pain=6, sleep_hours=6.5)
    make_batch(make_product(person), lot="LOT-9")
    return person


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("method", [backups.SQLITE_METHOD, backups.JSON_METHOD])
def test_a_restore_brings_back_every_row_of_every_table(tmp_path, method, django_db_blocker):
    from django.db import connection

    if method == backups.SQLITE_METHOD and connection.vendor != "sqlite":
        pytest.skip("the SQLite method is for SQLite databases; PostgreSQL is covered by the JSON snapshot")
    person = a_journal()
    before = everything()

    made = backups.backup(tmp_path / "copy.bak", method=method)
    assert made.method == method
    assert made.rows == sum(len(rows) for rows in before.values())
    assert made.path.stat().st_mode & 0o777 == 0o600

    make_attack(person, notes="after the backup")
    person.delete()
    make_user("someone-new")
    assert everything() != before

    report = backups.restore(made.path, keep_current=False)

    assert report["method"] == method
    assert everything() == before


@pytest.mark.django_db(transaction=True)
def test_a_restore_keeps_a_copy_of_what_it_replaces(tmp_path, settings):
    a_journal()
    made = backups.backup(tmp_path / "first.json", method=backups.JSON_METHOD)
    make_user("added-later")
    after_change = everything()

    report = backups.restore(made.path)

    assert report["previous"], "the database as it was should be backed up first"
    backups.restore(type(made.path)(report["previous"]), keep_current=False)
    assert everything() == after_change


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_and_changes_nothing(tmp_path):
    a_journal()
    before = everything()
    broken = tmp_path / "broken.json"
    broken.write_text('[{"model": "auth.user", "pk": 1, "fields": {"username": ')

    with pytest.raises(Exception):  # noqa: B017 - whichever parser error, the point is what follows
        backups.restore(broken, keep_current=False)

    assert everything() == before


@pytest.mark.django_db(transaction=True)
def test_a_file_that_is_not_a_backup_is_refused_with_a_clear_message(tmp_path):
    stray = tmp_path / "notes.txt"
    stray.write_text("shopping list")

    with pytest.raises(backups.BackupError, match="not a Relief Journal backup"):
        backups.restore(stray, keep_current=False)
