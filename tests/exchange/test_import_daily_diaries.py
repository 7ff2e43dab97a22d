import csv
from collections import Counter
from datetime import date, timedelta

import pytest

from relief.diary.models import Attack, DayFactor, DayRecord
from relief.exchange.importers import ImportFormatError, import_text, run_import
from relief.insights.frames import build_diary
from relief.treatments.models import Dose, Substance
from tests.exchange.helpers import SAMPLES, with_catalogue
from tests.factories import make_user

YEAR = SAMPLES / "daily_headache_2025.csv"
STUDY = SAMPLES / "daily_headache_study.csv"
pytestmark = pytest.mark.django_db


def year_rows() -> list[dict[str, str]]:
    with YEAR.open() as f:
        return list(csv.DictReader(f))


def as_date(text: str) -> date:
    day, month, year = (int(x) for x in text.split("/"))
    return date(year, month, day)


def test_a_year_of_yes_no_days_becomes_day_records_with_attacks_only_on_yes_days():
    with_catalogue()
    user = make_user(time_zone="Europe/Berlin")
    rows = year_rows()
    yes = [as_date(r["Date"]) for r in rows if r["Headache"] == "yes"]
    no = [as_date(r["Date"]) for r in rows if r["Headache"] == "no"]
    blank = [as_date(r["Date"]) for r in rows if not r["Headache"]]
    report = run_import(user, YEAR, "generic")
    assert report.ok, report.problems
    assert report.accounted_lines() == set(range(2, len(rows) + 2))
    assert DayRecord.objects.filter(user=user).count() == len(yes) + len(no)
    attacks = Attack.objects.filter(user=user)
    assert attacks.count() == len(yes)
    assert sorted(a.started_at.date() for a in attacks) == sorted(yes)  # noon in Berlin, same UTC day
    assert not DayRecord.objects.filter(user=user, date__in=blank).exists()  # unknown is not headache-free
    assert all("left out" in p.message for p in report.skipped)
    first = attacks.order_by("started_at").first()
    assert first.ended_at == first.started_at
    assert sum("headache: an attack, times unknown" in p.summary for p in report.planned) == len(yes)


def test_the_medication_phase_is_never_read_as_doses():
    with_catalogue()
    user = make_user()
    report = run_import(user, YEAR, "generic")
    assert Dose.objects.filter(user=user).count() == 0
    assert not Substance.objects.filter(user=user).exists()  # no substance called "reduced"
    why = dict(report.unused)["Medication"]
    assert "not medicine names" in why and "factors=Medication" in why


def test_the_analysis_counts_headache_days_per_month_from_the_imported_diary():
    from relief.exchange.reports.data import build_report

    with_catalogue()
    user = make_user(time_zone="Europe/Berlin")
    run_import(user, YEAR, "generic", mapping="factors=Medication;Air quality")
    rows = year_rows()
    expected = Counter(as_date(r["Date"]).strftime("%Y-%m") for r in rows if r["Headache"] == "yes")
    recorded = Counter(as_date(r["Date"]).strftime("%Y-%m") for r in rows if r["Headache"])
    doc = build_report(user, date(2025, 1, 1), date(2025, 12, 31)).doc
    monthly = {m["month"]: m for m in doc["frequency"]["monthly"]}
    assert sorted(monthly) == sorted(expected)
    for month, count in expected.items():
        assert monthly[month]["headache_days"] == count, month
        assert monthly[month]["recorded_days"] == recorded[month], month
        assert monthly[month]["migraine_days"] == 0  # yes/no says nothing about migraine features


def test_categorical_columns_become_factors_the_analysis_reads():
    from relief.analysis.factors import daily_factors

    with_catalogue()
    user = make_user()
    run_import(user, YEAR, "generic", mapping="factors=Medication;Air quality")
    rows = year_rows()
    poor = sum(1 for r in rows if r["Headache"] and r["Air quality"] == "poor")
    assert DayFactor.objects.filter(day__user=user, tag__name="Air quality: poor").count() == poor
    diary = build_diary(user, date(2025, 1, 1), date(2025, 12, 31))
    factors = daily_factors(diary.days)
    for name in ("Medication: none", "Medication: continuing", "Medication: reduced", "Air quality: poor"):
        assert f"tag:{name}" in factors.columns
    assert int(factors["tag:Air quality: poor"].sum()) == poor
    july = diary.days.index[diary.days["date"] == "2025-07-03"][0]  # no headache answer that day
    assert factors["tag:Air quality: poor"].isna()[july]


def test_a_second_import_of_a_daily_diary_duplicates_nothing():
    with_catalogue()
    user = make_user()
    run_import(user, YEAR, "generic")
    attacks, days = Attack.objects.filter(user=user).count(), DayRecord.objects.filter(user=user).count()
    again = run_import(user, YEAR, "generic")
    assert again.created == {}
    assert (Attack.objects.filter(user=user).count(), DayRecord.objects.filter(user=user).count()) == (
        attacks,
        days,
    )


def test_a_multi_person_file_asks_whose_rows_and_lists_the_ids():
    user = make_user()
    with pytest.raises(ImportFormatError, match=r"3 people .*P01, P02, P07.*--person"):
        run_import(user, STUDY, "generic", mapping="day1=2025-03-01")
    with pytest.raises(ImportFormatError, match="no rows of person 'P99'"):
        run_import(user, STUDY, "generic", mapping="day1=2025-03-01", person="P99")


def test_day_numbers_need_the_date_of_day_one():
    user = make_user()
    with pytest.raises(ImportFormatError, match=r"'dos' holds day numbers \(1 to 56\).*day1=") as caught:
        run_import(user, STUDY, "generic", person="P02")
    assert "time" not in str(caught.value).split("day numbers")[0]


def test_one_persons_rows_of_a_study_file_import_with_day_numbers_and_factors():
    with_catalogue()
    user = make_user()
    with STUDY.open() as f:
        mine = [r for r in csv.DictReader(f) if r["id"] == "P07"]
    report = run_import(
        user, STUDY, "generic", mapping="day1=2025-03-01,factors=medication;airq", person="P07"
    )
    assert report.ok, report.problems
    assert report.people == ["P01", "P02", "P07"] and report.person == "P07"
    assert len(report.skipped) == 112 and all("another person's row" in p.message for p in report.skipped)
    days = {r.date: r for r in DayRecord.objects.filter(user=user)}
    expected_days = {date(2025, 3, 1) + timedelta(days=int(r["dos"]) - 1): r for r in mine}
    assert set(days) == set(expected_days)
    yes = sorted(d for d, r in expected_days.items() if r["headache"] == "yes")
    assert sorted(a.started_at.date() for a in Attack.objects.filter(user=user)) == yes
    reduced = sum(1 for r in mine if r["medication"] == "reduced")
    assert DayFactor.objects.filter(day__user=user, tag__name="medication: reduced").count() == reduced
    unused = dict(report.unused)
    assert "not clock times" in unused["time"]
    assert "a property of the person" in unused["hatype"]
    assert Dose.objects.filter(user=user).count() == 0


def test_a_column_named_time_with_whole_numbers_is_not_read_as_hours():
    with_catalogue()
    user = make_user(time_zone="UTC")
    report = import_text(
        user, "Date,time,Medication\n2024-01-02,-3,Ibuprofen\n2024-01-03,40,None\n", "generic"
    )
    assert report.ok, report.problems
    starts = sorted(a.started_at.hour for a in Attack.objects.filter(user=user))
    assert starts == [12, 12]  # the date alone: noon, unknown time
    assert "not clock times" in dict(report.unused)["time"]
    clock = make_user(time_zone="UTC")
    import_text(clock, "Date,time\n2024-01-02,14:30\n", "generic")
    assert Attack.objects.get(user=clock).started_at.hour == 14


def test_a_severity_column_gives_pain_and_zero_is_a_headache_free_day():
    with_catalogue()
    user = make_user()
    report = import_text(
        user, "date,migraine\n2024-01-01,0\n2024-01-02,7\n2024-01-03,\n2024-01-04,mild\n", "generic"
    )
    assert report.ok, report.problems
    free = DayRecord.objects.get(user=user, date=date(2024, 1, 1))
    assert free.worst_pain == 0
    assert not Attack.objects.filter(user=user, started_at__date=date(2024, 1, 1)).exists()
    severe = Attack.objects.get(user=user, started_at__date=date(2024, 1, 2))
    assert severe.pain_samples.get().nrs == 7
    assert DayRecord.objects.get(user=user, date=date(2024, 1, 2)).worst_pain == 7
    assert not DayRecord.objects.filter(user=user, date=date(2024, 1, 3)).exists()
    assert Attack.objects.get(user=user, started_at__date=date(2024, 1, 4)).pain_samples.get().four_point == 1


def test_an_unreadable_headache_answer_names_the_line_and_saves_nothing():
    user = make_user()
    report = import_text(user, "date,headache\n2024-01-01,yes\n2024-01-02,perhaps\n", "generic")
    assert [p.line for p in report.problems] == [3]
    assert "yes/no" in report.problems[0].message
    assert DayRecord.objects.filter(user=user).count() == 0


def test_a_yes_for_today_imports_even_before_noon():
    from relief.accounts.services import today_for

    user = make_user(time_zone="Pacific/Kiritimati")  # UTC+14: often before noon there
    today = today_for(user)
    report = import_text(user, f"date,headache\n{today.isoformat()},yes\n", "generic")
    assert report.ok, report.problems
    assert Attack.objects.filter(user=user).count() == 1
