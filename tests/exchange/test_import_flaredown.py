import pytest

from relief.diary.models import DayRecord
from relief.exchange.importers import ImportFormatError, run_import
from relief.treatments.models import Dose
from tests.exchange.helpers import SAMPLES, with_catalogue
from tests.factories import make_user


@pytest.mark.django_db
def test_a_flaredown_checkin_becomes_a_day_with_ratings_kept_raw_and_headache_mapped_to_0_10():
    with_catalogue()
    user = make_user(time_zone="America/New_York")
    report = run_import(user, SAMPLES / "flaredown.csv", "flaredown")
    assert report.ok, report.problems
    first, second, third = DayRecord.objects.filter(user=user).order_by("date")
    assert first.date.isoformat() == "2017-03-01"
    assert first.worst_pain == 8  # Migraine 3 of 4
    assert "Flaredown ratings (0-4): Migraine 3, Fatigue 2" in first.notes
    assert second.worst_pain == 2  # Headache 1 of 4 beats Migraine 0
    assert third.worst_pain is None  # nothing rated: unknown, not pain-free
    assert {f.tag.name for f in first.factors.all()} == {"stress", "poor sleep", "food: Coffee, brewed"}


@pytest.mark.django_db
def test_flaredown_weather_is_converted_and_the_raw_values_kept():
    with_catalogue()
    user = make_user()
    run_import(user, SAMPLES / "flaredown.csv", "flaredown")
    first, second, _ = DayRecord.objects.filter(user=user).order_by("date")
    assert first.pressure_hpa == pytest.approx(1013.2, abs=0.1)  # 29.92 inHg
    assert first.temperature_c == pytest.approx(7.2, abs=0.1)  # mean of 50 and 40 °F
    assert first.humidity_pct == 81
    assert second.pressure_hpa == 1016.2  # already hPa
    assert "pressure 29.92" in first.notes
    assert first.weather_source == "flaredown"


@pytest.mark.django_db
def test_flaredown_treatments_taken_become_doses_and_not_taken_is_nothing():
    with_catalogue()
    user = make_user()
    run_import(user, SAMPLES / "flaredown.csv", "flaredown")
    doses = [
        (d.substance.name, d.amount, d.unit)
        for d in Dose.objects.filter(user=user).order_by("taken_at", "substance__name")
    ]
    assert ("Sumatriptan", 50.0, "mg") in doses
    assert [d for d in doses if d[0] == "Sumatriptan"] == [("Sumatriptan", 50.0, "mg")]
    assert sum(1 for d in doses if d[0] == "Magnesium") == 2


@pytest.mark.django_db
def test_a_broken_flaredown_file_names_every_bad_line_and_saves_nothing():
    with_catalogue()
    user = make_user()
    report = run_import(user, SAMPLES / "flaredown_broken.csv", "flaredown")
    assert [p.line for p in report.problems] == [3, 4, 5]
    assert "outside Flaredown's 0-4 scale" in report.problems[0].message
    assert DayRecord.objects.filter(user=user).count() == 0


@pytest.mark.django_db
def test_the_research_format_needs_a_chosen_person_when_it_holds_several():
    with_catalogue()
    user = make_user()
    with pytest.raises(ImportFormatError, match="holds 2 people"):
        run_import(user, SAMPLES / "flaredown_research.csv", "flaredown-research")


@pytest.mark.django_db
def test_the_research_format_groups_rows_into_checkins_for_the_chosen_person():
    with_catalogue()
    user = make_user()
    report = run_import(
        user,
        SAMPLES / "flaredown_research.csv",
        "flaredown-research",
        mapping={"user_id": "QEVuQwEAWRNGnuTRqXG2FQ=="},
    )
    assert report.ok, report.problems
    assert report.accounted_lines() == set(range(2, 15))
    assert [p.line for p in report.skipped] == [14]
    first, second = DayRecord.objects.filter(user=user).order_by("date")
    assert (first.worst_pain, second.worst_pain) == (8, 0)
    assert first.pressure_hpa == 1003.5
    doses = {d.substance.key: d for d in Dose.objects.filter(user=user).select_related("substance")}
    assert doses["ibuprofen"].amount == 400
    assert doses["kratom"].amount is None  # "Kratum" is a known misspelling
