"""Frequency rules: daily runs, doses per day, quick re-dosing, ICHD-3 8.2 day counts and the
medication-overuse criteria, counted in the person's own calendar days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relief.safety.engine import check_diary, check_entry
from tests.factories import make_attack, make_dose, make_user

pytestmark = pytest.mark.django_db


def keys(alerts, prefix):
    return sorted(a.key for a in alerts if a.key.startswith(prefix))


def days_ago(n: int, hour: int = 12) -> dt.datetime:
    """A time on the UTC calendar day n days before today (never in the future)."""
    now = timezone.now().astimezone(dt.UTC)
    moment = (now - dt.timedelta(days=n)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return min(moment, now - dt.timedelta(minutes=1)) if n == 0 else moment


def test_seven_days_in_a_row_of_kratom_is_flagged_and_six_is_not():
    six = make_user()
    for n in range(6):
        make_dose(six, "kratom", taken_at=days_ago(n))
    assert keys(check_diary(six), "frequency:consecutive") == []

    seven = make_user()
    for n in range(7):
        make_dose(seven, "kratom", taken_at=days_ago(n))
    (alert,) = [a for a in check_diary(seven) if a.key == "frequency:consecutive_days"]
    assert alert.title == "Kratom every day for 7 days"
    assert len(alert.evidence) == 7


def test_a_run_that_ended_yesterday_still_counts_but_one_broken_by_a_gap_does_not():
    user = make_user()
    for n in [1, 2, 3, 4, 5, 6, 7]:
        make_dose(user, "kratom", taken_at=days_ago(n))
    assert keys(check_diary(user), "frequency:consecutive") == ["frequency:consecutive_days"]

    gap = make_user()
    for n in [0, 1, 2, 4, 5, 6, 7]:
        make_dose(gap, "kratom", taken_at=days_ago(n))
    assert keys(check_diary(gap), "frequency:consecutive") == []


def test_four_doses_on_one_day_are_flagged_and_three_are_not():
    user = make_user()
    doses = [make_dose(user, "kratom", taken_at=days_ago(1, hour=h)) for h in (6, 10, 14)]
    assert keys(check_entry(doses[-1]), "frequency:doses_per_day") == []
    fourth = make_dose(user, "kratom", taken_at=days_ago(1, hour=20))
    assert keys(check_entry(fourth), "frequency:doses_per_day") == [
        f"frequency:doses_per_day:{fourth.taken_at.date()}"
    ]


def test_doses_per_day_follow_the_local_calendar_day_not_utc():
    # 23:30 UTC in January is 00:30 the next day in Berlin.
    base = dt.datetime(2026, 1, 14, tzinfo=dt.UTC)
    times = [base + dt.timedelta(hours=h) for h in (7, 11, 15)] + [base + dt.timedelta(hours=23, minutes=30)]

    berlin = make_user(time_zone="Europe/Berlin")
    last = [make_dose(berlin, "kratom", taken_at=t) for t in times][-1]
    assert keys(check_entry(last), "frequency:doses_per_day") == []

    utc = make_user(time_zone="UTC")
    last = [make_dose(utc, "kratom", taken_at=t) for t in times][-1]
    assert keys(check_entry(last), "frequency:doses_per_day") == ["frequency:doses_per_day:2026-01-14"]


def test_a_second_dose_within_two_hours_is_flagged_and_one_exactly_two_hours_later_is_not():
    user = make_user()
    first = make_dose(user, "kratom", taken_at=days_ago(2, hour=8))
    late = make_dose(user, "kratom", taken_at=first.taken_at + dt.timedelta(hours=2))
    assert keys(check_entry(late), "frequency:redose") == []
    soon = make_dose(user, "kratom", taken_at=first.taken_at + dt.timedelta(minutes=90))
    (alert,) = [a for a in check_entry(soon) if a.key.startswith("frequency:redose")]
    assert "90 minutes" in alert.message
    assert alert.certainty == "uncertain"


def test_triptans_on_ten_of_thirty_days_reach_the_ichd3_threshold_and_nine_do_not():
    nine = make_user()
    for n in range(9):
        make_dose(nine, "sumatriptan", amount=50, unit="mg", taken_at=days_ago(n * 3))
    assert keys(check_diary(nine), "overuse:") == []

    ten = make_user()
    for n in range(10):
        make_dose(ten, "sumatriptan", amount=50, unit="mg", taken_at=days_ago(n * 3))
    (alert,) = [a for a in check_diary(ten) if a.rule == "overuse"]
    assert alert.key == "overuse:triptan"
    assert "10 of the last 30 days" in alert.message and "8.2.2" in alert.message
    assert any(s.key == "ichd3_8_2" for s in alert.sources)


def test_a_dose_31_days_ago_falls_outside_the_window():
    user = make_user()
    for n in [*range(9), 30]:
        make_dose(user, "sumatriptan", amount=50, unit="mg", taken_at=days_ago(n))
    assert keys(check_diary(user), "overuse:") == []


def test_non_opioid_analgesics_count_together_with_a_threshold_of_fifteen():
    user = make_user()
    for n in range(14):
        make_dose(user, "ibuprofen" if n % 2 else "paracetamol", amount=400, unit="mg", taken_at=days_ago(n))
    assert keys(check_diary(user), "overuse:non_opioid") == []
    make_dose(user, "naproxen", amount=250, unit="mg", taken_at=days_ago(20))
    assert keys(check_diary(user), "overuse:non_opioid") == ["overuse:non_opioid_analgesic"]


def test_kratom_for_pain_counts_against_the_opioid_threshold_as_a_project_decision():
    user = make_user()
    for n in range(10):
        make_dose(user, "kratom", taken_at=days_ago(n * 2), reason="chronic")
    (alert,) = [a for a in check_diary(user) if a.key == "overuse:kratom"]
    assert "project decision" in alert.message
    assert alert.certainty == "inference"


def test_kratom_taken_for_other_reasons_does_not_count_towards_overuse():
    user = make_user()
    for n in range(12):
        make_dose(user, "kratom", taken_at=days_ago(n * 2), reason="other")
    assert keys(check_diary(user), "overuse:") == []


def test_several_classes_together_reach_the_combined_threshold():
    user = make_user()
    for n in range(5):
        make_dose(user, "sumatriptan", amount=50, unit="mg", taken_at=days_ago(n * 2))
        make_dose(user, "ibuprofen", amount=400, unit="mg", taken_at=days_ago(n * 2 + 1))
    assert keys(check_diary(user), "overuse:") == ["overuse:multiple_classes"]


def _moh_diary(user, headache_days: int, triptan_days: int, windows: int = 3):
    for w in range(windows):
        for n in range(headache_days):
            start = days_ago(w * 30 + n + 1, hour=9)
            make_attack(user, started_at=start, ended_at=start + dt.timedelta(hours=5))
        for n in range(triptan_days):
            make_dose(user, "sumatriptan", amount=50, unit="mg", taken_at=days_ago(w * 30 + n + 1, hour=10))


def test_fifteen_headache_days_and_ten_triptan_days_in_each_of_three_months_meet_the_moh_criteria():
    user = make_user()
    _moh_diary(user, headache_days=15, triptan_days=10)
    (alert,) = [a for a in check_diary(user) if a.key == "overuse:moh_criteria"]
    assert alert.title == "Criteria for medication-overuse headache met in diary data"
    assert "not a diagnosis" in alert.message
    assert len(alert.extra["windows"]) == 3


def test_fourteen_headache_days_in_one_month_do_not_meet_the_criteria():
    user = make_user()
    _moh_diary(user, headache_days=15, triptan_days=10, windows=2)
    for n in range(14):
        make_attack(user, started_at=days_ago(61 + n, hour=9), ended_at=days_ago(61 + n, hour=15))
    for n in range(10):
        make_dose(user, "sumatriptan", amount=50, unit="mg", taken_at=days_ago(61 + n, hour=10))
    assert keys(check_diary(user), "overuse:moh") == []


def test_two_months_over_the_threshold_are_not_more_than_three_months():
    user = make_user()
    _moh_diary(user, headache_days=16, triptan_days=12, windows=2)
    assert keys(check_diary(user), "overuse:moh") == []
    assert keys(check_diary(user), "overuse:triptan") == ["overuse:triptan"]


def test_an_attack_over_midnight_counts_on_both_local_days():
    user = make_user(time_zone="America/Los_Angeles")
    start = dt.datetime(2026, 6, 1, 5, 0, tzinfo=dt.UTC)  # 22:00 on 31 May in Los Angeles
    make_attack(user, started_at=start, ended_at=start + dt.timedelta(hours=4))
    from relief.safety.snapshot import load

    diary = load(user, start + dt.timedelta(days=1), since=start - dt.timedelta(days=1))
    assert diary.headache_days(dt.date(2026, 5, 1), dt.date(2026, 6, 30)) == {
        dt.date(2026, 5, 31),
        dt.date(2026, 6, 1),
    }


def test_check_diary_summarises_kratom_days_and_the_time_since_the_last_dose():
    user = make_user()
    make_dose(user, "kratom", taken_at=days_ago(10), reason="chronic")
    make_dose(user, "kratom", taken_at=days_ago(3), reason="other")
    last = make_dose(user, "kratom", taken_at=days_ago(3, hour=20), reason="acute")
    (alert,) = [a for a in check_diary(user) if a.key == "frequency:kratom_days"]
    assert alert.level == "info"
    assert alert.extra["days"] == 2 and alert.extra["pain_days"] == 2
    hours = (timezone.now() - last.taken_at).total_seconds() / 3600
    assert alert.extra["hours_since_last_dose"] == pytest.approx(hours, abs=0.1)


def test_no_kratom_in_the_window_means_no_summary():
    user = make_user()
    make_dose(user, "kratom", taken_at=days_ago(31))
    assert keys(check_diary(user), "frequency:kratom_days") == []


def test_a_daily_run_across_the_spring_clock_change_counts_every_local_day():
    # Berlin moved its clocks on 2026-03-29; 23:30 local is 22:30 UTC before and 21:30 UTC after.
    user = make_user(time_zone="Europe/Berlin")
    for day in range(25, 32):
        offset = 1 if day < 29 else 2
        make_dose(user, "kratom", taken_at=dt.datetime(2026, 3, day, 23 - offset, 30, tzinfo=dt.UTC))
    at = dt.datetime(2026, 3, 31, 23, 0, tzinfo=dt.UTC)
    (alert,) = [a for a in check_diary(user, at) if a.key == "frequency:consecutive_days"]
    assert alert.extra == {"days_in_a_row": 7, "since": "2026-03-25"}


def test_triptan_days_are_counted_in_the_local_calendar():
    # 06:00 UTC is 22:00 or 23:00 the evening before in Los Angeles, so the two doses below fall on one
    # local day there but on two UTC days.
    def doses(user):
        for n in range(2, 10):
            make_dose(user, "sumatriptan", amount=50, unit="mg", taken_at=days_ago(n * 3, hour=20))
        make_dose(user, "sumatriptan", amount=50, unit="mg", taken_at=days_ago(1, hour=6))
        make_dose(user, "sumatriptan", amount=50, unit="mg", taken_at=days_ago(2, hour=20))

    los_angeles = make_user(time_zone="America/Los_Angeles")
    doses(los_angeles)
    assert keys(check_diary(los_angeles), "overuse:triptan") == []

    utc = make_user(time_zone="UTC")
    doses(utc)
    assert keys(check_diary(utc), "overuse:triptan") == ["overuse:triptan"]
