"""Which calendar day an entry belongs to is decided in the person's zone, across midnight and DST."""

from datetime import date, datetime, timedelta

import pytest
import time_machine

from relief.core.timeutil import TimeInputError, day_bounds, local_day, parse_when
from relief.diary.services import entries_for_day, log_attack
from tests.factories import at, make_dose, make_user


def test_an_attack_after_local_midnight_belongs_to_the_new_day_even_when_utc_is_still_yesterday():
    # 23:30 UTC on 14 Jan is 00:30 on 15 Jan in Berlin (UTC+1)
    assert local_day(at("2026-01-14T23:30Z"), "Europe/Berlin") == date(2026, 1, 15)
    assert local_day(at("2026-01-14T23:30Z"), "UTC") == date(2026, 1, 14)
    # and in New York (UTC-5) 03:30 UTC is still the evening before
    assert local_day(at("2026-01-15T03:30Z"), "America/New_York") == date(2026, 1, 14)


def test_a_spring_forward_day_lasts_23_hours_and_a_fall_back_day_25():
    start, end = day_bounds(date(2026, 3, 29), "Europe/Berlin")
    assert end - start == timedelta(hours=23)
    assert start == at("2026-03-28T23:00Z")
    start, end = day_bounds(date(2026, 10, 25), "Europe/Berlin")
    assert end - start == timedelta(hours=25)
    assert end == at("2026-10-25T23:00Z")


def test_a_wall_clock_time_inside_the_spring_gap_is_refused_with_a_fix():
    with pytest.raises(TimeInputError, match="does not exist"):
        parse_when("2026-03-29 02:30", "Europe/Berlin")


def test_a_wall_clock_time_in_the_repeated_hour_asks_for_the_offset():
    with pytest.raises(TimeInputError, match="happens twice"):
        parse_when("2026-10-25 02:30", "Europe/Berlin")
    assert parse_when("2026-10-25T02:30+01:00", "Europe/Berlin") == at("2026-10-25T01:30Z")


def test_relative_and_local_times_are_read_in_the_persons_zone():
    now = at("2026-07-01T12:00Z")
    assert parse_when("30m ago", "Europe/Berlin", now=now) == at("2026-07-01T11:30Z")
    assert parse_when("2026-07-01 09:00", "Europe/Berlin", now=now) == at("2026-07-01T07:00Z")  # CEST, UTC+2


@pytest.mark.django_db
def test_the_day_view_puts_an_entry_on_the_persons_local_day_across_the_dst_night():
    user = make_user(time_zone="Europe/Berlin")
    with time_machine.travel(datetime.fromisoformat("2026-03-30T12:00:00+00:00"), tick=False):
        # 29 March in Berlin runs from 23:00 UTC on the 28th to 22:00 UTC on the 29th
        early = log_attack(user, started_at=at("2026-03-28T23:10Z")).entry
        late = make_dose(user, taken_at=at("2026-03-29T21:50Z"))
        next_day = make_dose(user, taken_at=at("2026-03-29T22:10Z"))
        items = [entry for _, _, entry in entries_for_day(user, date(2026, 3, 29))]
    assert early in items and late in items
    assert next_day not in items
    assert [type(e).__name__ for e in items] == ["Attack", "Dose"]


@pytest.mark.django_db
def test_today_moves_at_local_midnight_not_utc_midnight():
    from relief.accounts.services import today_for

    user = make_user(time_zone="Pacific/Auckland")
    with time_machine.travel(datetime.fromisoformat("2026-06-30T13:00:00+00:00"), tick=False):
        assert today_for(user) == date(2026, 7, 1)  # already 1 July in Auckland (UTC+12)
