from datetime import UTC, date, datetime, timedelta

import pytest

from relief.diary.models import Attack, DayFactor, DayRecord
from relief.exchange.importers import import_text, run_import
from relief.exchange.importers.migrainebuddy import parse_lasted, parse_started, split_list
from relief.exchange.models import ImportedEntry
from relief.treatments.models import Dose, Substance
from tests.exchange.helpers import SAMPLES, with_catalogue
from tests.factories import make_user

SAMPLE = SAMPLES / "migraine_buddy.csv"
pytestmark = pytest.mark.django_db


def attack_number(user, number: int) -> Attack:
    return Attack.objects.get(user=user, notes__contains=f"attack #{number}.")


def test_every_row_of_the_export_is_an_attack_or_a_reported_line():
    with_catalogue()
    user = make_user(time_zone="Europe/Berlin")
    report = run_import(user, SAMPLE, "migraine-buddy")
    assert report.ok, report.problems
    assert report.saved
    # lines 1-3: the ongoing events, 4: blank, 5: the header, 6-20: fifteen attacks
    assert report.accounted_lines() == {1, 2, 3, *range(6, 21)}
    assert [p.line for p in report.skipped] == [1, 2, 3]
    assert Attack.objects.filter(user=user).count() == 15
    assert report.created["attack"] == 15
    assert report.created["dose"] == Dose.objects.filter(user=user).count() == 21
    assert report.created["factor"] == DayFactor.objects.filter(day__user=user).count()


def test_times_are_exact_across_the_daylight_saving_change_and_durations_span_days():
    with_catalogue()
    user = make_user(time_zone="Europe/Berlin")
    run_import(user, SAMPLE, "migraine-buddy")
    first = attack_number(user, 1)
    assert first.started_at == datetime(2024, 8, 3, 5, 15, tzinfo=UTC)  # 07:15 at UTC+2
    assert first.ended_at - first.started_at == timedelta(hours=5, minutes=30)
    over_the_change = attack_number(user, 8)  # 23:30 summer time, lasted across the night clocks went back
    assert over_the_change.started_at == datetime(2024, 10, 26, 21, 30, tzinfo=UTC)
    assert over_the_change.ended_at == datetime(2024, 10, 28, 1, 10, tzinfo=UTC)
    assert "offset changed during the attack (120 -> 60 min)" in over_the_change.notes
    winter = attack_number(user, 9)
    assert winter.started_at == datetime(2024, 11, 7, 12, 0, tzinfo=UTC)  # 13:00 at UTC+1
    assert attack_number(user, 11).ended_at - attack_number(user, 11).started_at == timedelta(
        days=2, hours=1, minutes=5
    )


def test_fields_the_model_has_are_mapped_and_the_rest_is_kept_in_the_notes():
    with_catalogue()
    user = make_user(time_zone="Europe/Berlin")
    run_import(user, SAMPLE, "migraine-buddy")
    aura = attack_number(user, 3)
    assert aura.pain_samples.get().nrs == 9
    assert (aura.nausea, aura.vomiting, aura.photophobia, aura.phonophobia, aura.dizziness) == (True,) * 5
    assert aura.most_bothersome == "nausea"
    assert aura.aura_visual is True and aura.aura_sensory is True
    assert aura.aura_speech is None  # not stated, so unknown
    assert aura.side == "right"
    assert aura.believed_migraine is True
    assert "Attack Types: Migraine with aura." in aura.notes
    assert "Relief Methods: Sleep, Ice pack." in aura.notes
    assert "Zigzag lines for ~20 min" in aura.notes
    without = attack_number(user, 1)
    assert without.aura_visual is False and without.aura_retinal is False  # "without aura" says so
    assert without.side == "left"
    tension = attack_number(user, 2)
    assert tension.believed_migraine is False
    assert tension.region == "forehead"
    assert tension.nausea is None  # a symptom not listed stays unknown, it is not "no"


def test_unknown_stays_unknown_when_the_export_leaves_cells_empty():
    with_catalogue()
    user = make_user(time_zone="Europe/Berlin")
    run_import(user, SAMPLE, "migraine-buddy")
    unsure = attack_number(user, 5)
    assert unsure.believed_migraine is None
    assert unsure.ended_at == unsure.started_at
    assert "no duration: the end is unknown" in unsure.notes
    assert unsure.doses.count() == 0
    assert all(getattr(unsure, name) is None for name in Attack.SYMPTOMS)
    assert not DayFactor.objects.filter(day__user=user, tag__name="No idea").exists()


def test_medications_match_the_catalogue_by_name_and_brand_and_keep_their_rating():
    with_catalogue()
    user = make_user(time_zone="Europe/Berlin")
    run_import(user, SAMPLE, "migraine-buddy")
    aura = attack_number(user, 3)
    doses = {d.substance.key: d for d in aura.doses.select_related("substance")}
    assert set(doses) == {"rizatriptan", "excedrin"}
    assert doses["rizatriptan"].amount == 10 and doses["rizatriptan"].unit == "mg"
    assert "Migraine Buddy rating: helpful" in doses["rizatriptan"].notes
    assert "Migraine Buddy rating: unhelpful" in doses["excedrin"].notes
    assert doses["rizatriptan"].taken_at == aura.started_at
    brands = {d.substance.key for d in attack_number(user, 11).doses.select_related("substance")}
    assert brands == {"ubrogepant", "sumatriptan", "paracetamol", "feverfew"}
    assert {d.substance.key for d in attack_number(user, 10).doses.select_related("substance")} == {
        "ibuprofen"
    }
    own = set(Substance.objects.filter(user=user).values_list("name", flat=True))
    assert own == {"Mum's ginger tea", "CBD oil 5 drops"}


def test_the_preview_names_the_substances_that_will_be_new_and_saves_nothing():
    with_catalogue()
    user = make_user(time_zone="Europe/Berlin")
    report = run_import(user, SAMPLE, "migraine-buddy", dry_run=True)
    assert report.ok and not report.saved
    assert report.new_substances == ["Mum's ginger tea", "CBD oil 5 drops"]
    assert ("Geohash", "a location (geohash); this journal never stores where you were") in report.unused
    assert len(report.sample()) == 5
    assert Attack.objects.filter(user=user).count() == 0
    assert not Substance.objects.filter(user=user).exists()


def test_triggers_become_factor_tags_on_the_local_day_the_attack_started():
    with_catalogue()
    user = make_user(time_zone="Europe/Berlin")
    run_import(user, SAMPLE, "migraine-buddy")
    day = DayRecord.objects.get(user=user, date=date(2024, 10, 26))
    assert sorted(f.tag.name for f in day.factors.all()) == ["Alcohol", "Lack of sleep"]
    # an attack list does not invent headache-free days: only attack days with triggers get a record
    assert DayRecord.objects.filter(user=user).count() == 14


def test_the_geohash_is_never_stored_anywhere():
    with_catalogue()
    user = make_user(time_zone="Europe/Berlin")
    run_import(user, SAMPLE, "migraine-buddy")
    text = " ".join(
        [
            *Attack.objects.filter(user=user).values_list("notes", flat=True),
            *Dose.objects.filter(user=user).values_list("notes", flat=True),
            *DayRecord.objects.filter(user=user).values_list("notes", flat=True),
            *ImportedEntry.objects.filter(user=user).values_list("key", flat=True),
        ]
    )
    for geohash in ("u33dbfq", "u33dc0b", "u33db2x", "u0yjjd3", "Geohash"):
        assert geohash not in text


def test_a_second_import_of_the_same_export_saves_nothing_twice():
    with_catalogue()
    user = make_user(time_zone="Europe/Berlin")
    run_import(user, SAMPLE, "migraine-buddy")
    again = run_import(user, SAMPLE, "migraine-buddy")
    assert again.ok and again.already == 15
    assert again.created == {}
    assert Attack.objects.filter(user=user).count() == 15
    assert Dose.objects.filter(user=user).count() == 21
    assert any("imported before" in n for n in again.notices)


def test_an_attack_deleted_after_the_import_comes_back_on_the_next_import_alone():
    with_catalogue()
    user = make_user(time_zone="Europe/Berlin")
    run_import(user, SAMPLE, "migraine-buddy")
    attack_number(user, 4).delete()
    again = run_import(user, SAMPLE, "migraine-buddy")
    assert again.created["attack"] == 1 and again.already == 14
    assert Attack.objects.filter(user=user).count() == 15


def test_another_person_importing_the_same_file_gets_their_own_attacks():
    with_catalogue()
    one, two = make_user(time_zone="Europe/Berlin"), make_user()
    run_import(one, SAMPLE, "migraine-buddy")
    report = run_import(two, SAMPLE, "migraine-buddy")
    assert report.created["attack"] == 15 and report.already == 0


def test_unreadable_rows_are_named_by_line_and_nothing_is_saved():
    with_catalogue()
    user = make_user()
    head = '"#","Started","Lasted","Start UTC Offset (min)","End UTC Offset (min)","Pain Level"\n'
    text = (
        '"Ongoing Events"\n\n'
        + head
        + '"1","03/14/24 21:05","01h 00m","-300","-300","6"\n'
        + '"2","2024-03-15 08:00","01h 00m","-300","-300","5"\n'
        + '"3","03/16/24 08:00","an hour","-300","-300","5"\n'
        + '"4","03/17/24 08:00","02h 00m","-300","-300","11"\n'
    )
    report = import_text(user, text, "migraine-buddy")
    assert [p.line for p in report.problems] == [5, 6, 7]
    assert "month/day/year" in report.problems[0].message
    assert "Lasted 'an hour'" in report.problems[1].message
    assert "Pain Level '11'" in report.problems[2].message
    assert Attack.objects.filter(user=user).count() == 0


def test_the_small_readers_of_the_format():
    assert parse_lasted("01h 00m") == timedelta(hours=1)
    assert parse_lasted("1d 02h 15m") == timedelta(days=1, hours=2, minutes=15)
    assert parse_lasted("45m") == timedelta(minutes=45)
    assert parse_lasted("") is None
    assert parse_started("03/14/24 21:05", "-300") == datetime(2024, 3, 15, 2, 5, tzinfo=UTC)
    assert split_list("Excedrin (Acetaminophen, Aspirin, Caffeine), no medication, Imitrex") == [
        "Excedrin (Acetaminophen, Aspirin, Caffeine)",
        "Imitrex",
    ]
