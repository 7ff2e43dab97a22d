"""A late check-in belongs to the day that has not ended yet for the person ("my day ends at")."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from relief.accounts.models import Profile
from relief.accounts.services import checkin_day_for, get_profile
from relief.diary.models import DayRecord
from tests.factories import make_user
from tests.web.helpers import post_form, strict

BERLIN = ZoneInfo("Europe/Berlin")
pytestmark = pytest.mark.django_db


def berlin(text: str):
    return time_machine.travel(datetime.fromisoformat(text).replace(tzinfo=BERLIN), tick=False)


def test_before_four_in_the_morning_the_check_in_is_for_the_day_before():
    person = make_user("mia", time_zone="Europe/Berlin")
    with berlin("2026-03-11T01:30"):  # 00:30 UTC: the UTC date is the 11th too
        assert checkin_day_for(person) == date(2026, 3, 10)
    with berlin("2026-03-11T04:00"):
        assert checkin_day_for(person) == date(2026, 3, 11)
    with berlin("2026-03-10T23:50"):  # 22:50 UTC
        assert checkin_day_for(person) == date(2026, 3, 10)


def test_the_day_end_follows_the_persons_setting():
    person = make_user("mia", time_zone="Europe/Berlin")
    profile = get_profile(person)
    profile.day_ends_at = time(0, 0)
    profile.save()
    with berlin("2026-03-11T00:10"):
        assert checkin_day_for(person) == date(2026, 3, 11)


def test_a_late_check_in_is_saved_on_the_evening_it_describes_and_the_page_says_which_day():
    person = make_user("mia", time_zone="Europe/Berlin")
    client = strict(person)
    with berlin("2026-12-02T01:15"):
        page = client.get(reverse("diary:checkin")).content.decode()
        assert "How was yesterday?" in page
        assert "Tue 1 Dec" in page
        assert 'aria-current="page">Yesterday' in page
        response = post_form(
            client, reverse("diary:checkin"), {"date": "2026-12-01", "period": "day", "worst_pain": "4"}
        )
    assert response.status_code == 302
    assert DayRecord.objects.get(user=person).date == date(2026, 12, 1)


def test_the_person_can_choose_today_instead():
    person = make_user("mia", time_zone="Europe/Berlin")
    client = strict(person)
    with berlin("2026-12-02T01:15"):
        page = client.get(reverse("diary:checkin") + "?date=2026-12-02").content.decode()
        assert "How was today?" in page and "Wed 2 Dec" in page
        post_form(
            client,
            reverse("diary:checkin") + "?date=2026-12-02",
            {"date": "2026-12-02", "period": "day", "worst_pain": "2"},
        )
    assert DayRecord.objects.get(user=person).date == date(2026, 12, 2)


def test_the_setting_is_saved_from_the_settings_page():
    person = make_user("mia", time_zone="Europe/Berlin")
    client = strict(person)
    data = {"time_zone": "Europe/Berlin", "units": "metric", "day_ends_at": "03:00", "pregnant": "unknown",
            "breastfeeding": "unknown", "drives": "unknown"}  # fmt: skip
    response = post_form(client, reverse("accounts:settings"), data)
    assert response.status_code == 302
    assert Profile.objects.get(user=person).day_ends_at == time(3, 0)
