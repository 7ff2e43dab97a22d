"""Hostile import files: any input either imports completely or fails with a clear error and writes nothing.

Hypothesis mutates a valid export (one value replaced, a key added or removed)
and throws arbitrary JSON and text at the JSON import and at every importer
of other apps' files.  Crashes with any other exception, partial writes and
changes to another person's journal are failures.
"""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relief.exchange.importers import FORMATS, ImportFormatError, import_text
from relief.exchange.jsonformat import ImportFailed, export_document, import_document
from tests.factories import ago, make_attack, make_dose, make_user

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["", "2026-02-30", "2026-11-20T25:00Z", "9999-12-31T23:59Z", "00000000-0000-0000-0000-000000000000", "<script>alert(1)</script>", "'; DROP TABLE diary_attack; --", "\x00", "1e309"])
)  # fmt: skip
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
suspicious_keys = st.sampled_from(["id", "user", "user_id", "owner", "pk", "created_at", "substance", "attack", "dose", "product", "batch", "__proto__", "format", "version"])  # fmt: skip


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    """Each example makes new people; Argon2 is slow on purpose and is not what is tested here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def leaf_paths(value: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(value, dict):
        found = [path] if path else []
        for key, child in value.items():
            found += leaf_paths(child, (*path, key))
        return found
    if isinstance(value, list):
        found = [path] if path else []
        for index, child in enumerate(value):
            found += leaf_paths(child, (*path, index))
        return found
    return [path]


def replace_at(doc: Any, path: tuple, new: Any) -> Any:
    changed = copy.deepcopy(doc)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return changed


def a_small_journal(person):
    attack = make_attack(person, started_at=ago(hours=5), notes="with aura")
    make_dose(person, "kratom", amount=2, attack=attack, taken_at=ago(hours=4))
    return person


def import_must_be_all_or_nothing(person, doc: Any) -> None:
    before = row_counts()
    try:
        import_document(person, doc)
    except ImportFailed as exc:
        assert exc.problems, "a failed import must say what is wrong"
        assert all(str(p) for p in exc.problems)
        assert row_counts() == before, "a failed import must write nothing"


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_a_mutated_export_imports_completely_or_writes_nothing(data):
    source = a_small_journal(make_user())
    doc = json.loads(json.dumps(export_document(source)))
    path = data.draw(st.sampled_from(leaf_paths(doc)), label="path")
    mutated = replace_at(doc, path, data.draw(json_values, label="value"))
    theirs = row_counts()

    import_must_be_all_or_nothing(make_user(), mutated)

    assert_source_untouched(source, theirs)


def assert_source_untouched(source, counts_before) -> None:
    """Whatever was imported, the person whose export it was keeps exactly their rows."""
    from relief.diary.models import Attack

    assert Attack.objects.filter(user=source).count() == 1
    del counts_before  # the importer's own rows may be new; the source's must not move


@pytest.mark.django_db
@FUZZ
@given(key=suspicious_keys, value=json_values, table=st.sampled_from(["profile", "attacks", "doses"]))
def test_extra_keys_in_records_cannot_reach_other_fields_or_people(key, value, table):
    source = a_small_journal(make_user())
    doc = json.loads(json.dumps(export_document(source)))
    records = doc[table] if isinstance(doc[table], list) else [doc[table]]
    for record in records:
        record[key] = value
    stranger = make_user()

    import_must_be_all_or_nothing(stranger, doc)

    from relief.accounts.models import Profile
    from relief.diary.models import Attack

    assert Attack.objects.filter(user=source).count() == 1
    assert Profile.objects.get(user=source).user_id == source.pk
    assert Profile.objects.filter(user=stranger).count() == 1


@pytest.mark.django_db
@FUZZ
@given(doc=json_values)
def test_arbitrary_json_is_refused_with_problems_not_a_crash(doc):
    import_must_be_all_or_nothing(make_user(), doc)


@pytest.mark.django_db
def test_importing_someone_elses_export_cannot_overwrite_their_entries():
    source = a_small_journal(make_user())
    doc = json.loads(json.dumps(export_document(source)))
    before = json.dumps(export_document(source), sort_keys=True)

    with pytest.raises(ImportFailed, match="exists already"):
        import_document(make_user(), doc)

    assert json.dumps(export_document(source), sort_keys=True) == before


@pytest.mark.django_db
def test_numbers_json_cannot_hold_are_refused():
    person = make_user()
    doc = json.loads(json.dumps(export_document(a_small_journal(make_user()))))
    for attack in doc["attacks"]:
        attack["id"] = "6a1f0c52-4c0e-4f6e-9d4e-0a0b0c0d0e0f"
        for sample in attack.get("pain", []):
            sample["nrs"] = math.nan
    import_must_be_all_or_nothing(person, doc)


csvish = st.lists(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20) | scalars.map(str),
        max_size=6,
    ),
    max_size=6,
).map(lambda rows: "\n".join(",".join(cells) for cells in rows))


@pytest.mark.django_db
@FUZZ
@given(
    fmt=st.sampled_from(sorted(FORMATS)),
    text=csvish | st.text(max_size=300) | json_values.map(json.dumps),
    as_bytes=st.booleans(),
)
def test_every_importer_refuses_garbage_cleanly_and_saves_all_or_nothing(fmt, text, as_bytes):
    person = make_user()
    before = row_counts()
    payload: str | bytes = text.encode("utf-8", "surrogatepass") if as_bytes else text
    mapping = "date=Date,medication=Medication" if fmt == "generic" else None
    try:
        report = import_text(person, payload, fmt, mapping=mapping)
    except ImportFormatError as exc:
        assert str(exc), "a refused file must say why"
        assert row_counts() == before
        return
    if report.problems:
        assert not report.saved
        assert row_counts() == before, "an import with problems must write nothing"
        assert all(p.message for p in report.problems)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["bearable", "flaredown", "generic"])
def test_a_file_with_a_bare_carriage_return_is_refused_cleanly(fmt):
    person = make_user()
    mapping = "date=Date,medication=Medication" if fmt == "generic" else None
    with pytest.raises(ImportFormatError):
        import_text(person, "Date\r0\n", fmt, mapping=mapping)
