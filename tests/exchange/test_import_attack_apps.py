from datetime import UTC, datetime

import pytest

from relief.diary.models import Attack, DayRecord
from relief.exchange.importers import run_import
from relief.treatments.models import Dose
from tests.exchange.helpers import SAMPLES, with_catalogue
from tests.factories import make_user


@pytest.mark.django_db
def test_headi_rows_become_attacks_from_epoch_milliseconds_with_strength_kept_raw():
    with_catalogue()
    user = make_user()
    report = run_import(user, SAMPLES / "headi.csv", "headi")
    assert report.ok, report.problems
    first, second, third = Attack.objects.filter(user=user).order_by("started_at")
    assert first.started_at == datetime(2020, 9, 14, 8, 0, tzinfo=UTC)
    assert first.ended_at == datetime(2020, 9, 14, 14, 0, tzinfo=UTC)
    assert first.pain_samples.get().nrs == 7
    assert "Headi strength: 7 (scale not stated)" in first.notes
    assert 'woke up with it, "pulsing"' in first.notes
    assert second.ended_at == datetime(2020, 9, 16, 10, 0, tzinfo=UTC)  # from the duration
    assert third.doses.count() == 0
    assert DayRecord.objects.filter(user=user).count() == 0


@pytest.mark.django_db
def test_headi_amounts_without_a_unit_stay_as_written():
    with_catalogue()
    user = make_user()
    run_import(user, SAMPLES / "headi.csv", "headi")
    sumatriptan = Dose.objects.get(user=user, substance__key="sumatriptan")
    assert sumatriptan.amount is None
    assert "amount as written: '1'" in sumatriptan.notes
    assert Dose.objects.get(user=user, substance__key="ibuprofen").amount == 400


@pytest.mark.django_db
def test_a_broken_headi_file_names_each_bad_line_and_saves_nothing():
    with_catalogue()
    user = make_user()
    report = run_import(user, SAMPLES / "headi_broken.csv", "headi")
    assert [p.line for p in report.problems] == [3, 4, 5]
    assert Attack.objects.filter(user=user).count() == 0


@pytest.mark.django_db
def test_migraine_navigator_rows_become_attacks_in_their_zone_without_gps_or_duplicates():
    with_catalogue()
    user = make_user(time_zone="America/New_York")
    report = run_import(user, SAMPLES / "migraine_navigator.csv", "migraine-navigator")
    assert report.ok, report.problems
    assert [p.line for p in report.skipped] == [4]
    assert report.accounted_lines() == {2, 3, 4, 5}
    assert any("no GPS" in n for n in report.notices)
    attacks = list(Attack.objects.filter(user=user).order_by("started_at"))
    assert len(attacks) == 3
    assert attacks[0].started_at == datetime(2024, 5, 1, 5, 30, tzinfo=UTC)  # 07:30 in Berlin
    assert attacks[2].started_at == datetime(2024, 5, 8, 2, 0, tzinfo=UTC)  # 22:00 in New York
    assert "52.52" not in " ".join(a.notes for a in attacks)
    assert "Sleep: Poor." in attacks[0].notes
    assert attacks[0].doses.get().substance.key == "rizatriptan"
    assert attacks[1].doses.count() == 0


@pytest.mark.django_db
def test_a_broken_migraine_navigator_file_names_each_bad_line():
    with_catalogue()
    user = make_user()
    report = run_import(user, SAMPLES / "migraine_navigator_broken.csv", "migraine-navigator")
    assert [p.line for p in report.problems] == [3, 4, 5]
    assert Attack.objects.filter(user=user).count() == 0
