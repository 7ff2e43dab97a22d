"""A malformed import file gets a clear error with the path of the bad record, and nothing is saved."""

import copy
from datetime import date

import pytest
from django.contrib.auth.models import User

from relief.diary.demo import create_demo
from relief.diary.models import Attack, DayRecord
from relief.exchange.jsonformat import ImportFailed, export_document, import_document, parse_text
from relief.treatments.models import Dose
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported():
    create_demo("source", days=60, seed=5)
    doc = export_document(User.objects.get(username="source"))
    User.objects.get(username="source").delete()
    return doc


def _rows():
    return Attack.objects.count() + DayRecord.objects.count() + Dose.objects.count()


def test_text_that_is_not_json_is_refused_with_line_and_column():
    with pytest.raises(ImportFailed) as err:
        parse_text('{"format": "relief-journal",\n "version": 1,,}')
    assert "line 2" in str(err.value) and "not valid JSON" in str(err.value)


def test_a_structural_error_names_its_json_path(exported):
    doc = copy.deepcopy(exported)
    doc["doses"][3]["amount"] = "three"
    doc["attacks"][1]["mystery"] = 1
    with pytest.raises(ImportFailed) as err:
        import_document(make_user(), doc)
    paths = [p.path for p in err.value.problems]
    assert "$.doses[3].amount" in paths and "$.attacks[1]" in paths
    assert _rows() == 0


def test_a_record_that_breaks_a_rule_late_in_the_file_rolls_back_everything_before_it(exported):
    doc = copy.deepcopy(exported)
    last = len(doc["doses"]) - 1
    doc["doses"][last]["amount"] = 300
    doc["doses"][last]["unit"] = "g"
    doc["doses"][last]["substance_id"] = next(d["substance_id"] for d in doc["doses"] if d["unit"] == "g")
    doc["attacks"][0]["ended_at"] = "2000-01-01T00:00:00Z"
    with pytest.raises(ImportFailed) as err:
        import_document(make_user(), doc)
    messages = {p.path: p.message for p in err.value.problems}
    assert "not plausible" in messages[f"$.doses[{last}].amount"]
    assert "before the start" in messages["$.attacks[0].ended_at"]
    assert _rows() == 0


def test_a_reference_to_a_record_that_is_not_in_the_file_is_refused(exported):
    doc = copy.deepcopy(exported)
    dose = next(d for d in doc["doses"] if d["attack_id"])
    dose["attack_id"] = "6b1f0b7e-0000-4000-8000-000000000000"
    with pytest.raises(ImportFailed) as err:
        import_document(make_user(), doc)
    assert any("not earlier in this file" in p.message for p in err.value.problems)
    assert _rows() == 0


def test_importing_the_same_file_twice_is_refused_the_second_time(exported):
    user = make_user()
    import_document(user, exported)
    before = _rows()
    with pytest.raises(ImportFailed) as err:
        import_document(user, exported)
    assert "imported before" in err.value.problems[0].message
    assert _rows() == before


def test_a_document_of_another_format_is_refused():
    with pytest.raises(ImportFailed) as err:
        import_document(make_user(), {"format": "something-else", "version": 1})
    assert err.value.problems[0].path == "$.format"


def test_a_day_the_account_has_already_recorded_is_refused_with_its_path(exported):
    from tests.factories import make_day

    user = make_user()
    first_day = exported["day_records"][0]
    make_day(user, date.fromisoformat(first_day["date"]), period=first_day["period"], worst_pain=1)
    with pytest.raises(ImportFailed) as err:
        import_document(user, exported)
    assert any(p.path == "$.day_records[0]" and "already exists" in p.message for p in err.value.problems)
    assert DayRecord.objects.filter(user=user).count() == 1


def test_the_same_id_twice_in_one_file_is_refused_the_second_time(exported):
    doc = copy.deepcopy(exported)
    doc["attacks"].append(copy.deepcopy(doc["attacks"][0]))
    with pytest.raises(ImportFailed) as err:
        import_document(make_user(), doc)
    assert err.value.problems[0].path == f"$.attacks[{len(doc['attacks']) - 1}].id"
    assert _rows() == 0


def test_a_saved_import_raises_the_diary_version_so_stored_insights_are_stale(exported):
    from relief.insights.services import diary_version

    user = make_user()
    before = diary_version(user)
    import_document(user, exported)
    assert diary_version(user) > before
