import pytest

from relief.diary.models import DayRecord
from relief.exchange.importers import run_import
from relief.treatments.models import Dose
from tests.exchange.helpers import SAMPLES, with_catalogue
from tests.factories import make_user


@pytest.mark.django_db
def test_bearable_readings_of_a_date_become_one_day_record_with_raw_ratings_kept():
    with_catalogue()
    user = make_user(time_zone="Europe/London")
    report = run_import(user, SAMPLES / "bearable.csv", "bearable")
    assert report.ok, report.problems
    day = DayRecord.objects.get(user=user, date="2020-09-22")
    assert day.worst_pain == 8  # Migraine (Severe) is the worst of the day
    assert day.mood == 7
    assert day.sleep_hours == 6.75
    assert day.sleep_quality == 2
    assert "Bearable mood 7 (scale not stated)" in day.notes
    assert "Headache (Moderate) (rating 2)" in day.notes
    assert 'came on after lunch, "awful"' in day.notes
    assert {f.tag.name for f in day.factors.all()} == {"Coffee", "Stress", "Red wine"}


@pytest.mark.django_db
def test_bearable_medications_become_doses_at_their_clock_time_and_unknown_units_stay_raw():
    with_catalogue()
    user = make_user(time_zone="Europe/London")
    run_import(user, SAMPLES / "bearable.csv", "bearable")
    ibuprofen = Dose.objects.get(user=user, substance__key="ibuprofen")
    assert (ibuprofen.amount, ibuprofen.unit) == (400, "mg")
    assert ibuprofen.taken_at.isoformat() == "2020-09-22T13:30:00+00:00"  # 14:30 BST
    kratom = Dose.objects.get(user=user, substance__key="kratom")
    assert kratom.amount is None
    assert "'2 capsules'" in kratom.notes


@pytest.mark.django_db
def test_a_broken_bearable_file_names_each_bad_line_and_saves_nothing():
    with_catalogue()
    user = make_user()
    report = run_import(user, SAMPLES / "bearable_broken.csv", "bearable")
    assert [p.line for p in report.problems] == [3, 4, 5]
    assert not report.saved
    assert DayRecord.objects.filter(user=user).count() == 0
