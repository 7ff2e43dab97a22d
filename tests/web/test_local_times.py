"""Every time a person sees is in their own zone, with the date when it is not today, written one way."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from relief.core.display import day_text, moment_text
from relief.core.templatetags.relief import day, hours_ago, when
from relief.sharing.services import create_link_share, invite_reader
from relief.treatments.models import Substance
from tests.access.people import share_with
from tests.factories import ago, make_attack, make_dose, make_product, make_side_effect, make_user
from tests.web.helpers import post_form, signed_in, strict

TOKYO = ZoneInfo("Asia/Tokyo")


def _visible_text(html: str) -> str:
    """The page as read: without the zone suggestions list (UTC is offered there on purpose)."""
    html = re.sub(r'<datalist id="zones">.*?</datalist>', "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.django_db
def test_no_page_shows_utc_to_a_person_in_another_zone():
    person = make_user("aki", time_zone="Asia/Tokyo")
    attack = make_attack(person, started_at=ago(hours=30))
    dose = make_dose(person, taken_at=ago(hours=29), attack=attack, reason="acute")
    make_side_effect(person, dose=dose, occurred_at=ago(hours=28))
    make_product(person)
    create_link_share(person, label="Dr Weber", days=14)
    make_user("reader")
    invite_reader(person, username_or_email="reader", label="Nurse")
    client = signed_in(person)
    pages = [
        reverse("today"),
        reverse("log"),
        reverse("calendar"),
        reverse("diary:history"),
        reverse("diary:side_effects"),
        reverse("diary:side_effect_new"),
        reverse("treatments:dose_new"),
        reverse("treatments:dose_edit", args=[dose.pk]),
        reverse("diary:attack", args=[attack.pk]),
        reverse("diary:attack_edit", args=[attack.pk]),
        reverse("sharing:manage"),
        reverse("accounts:settings"),
        reverse("day", args=[timezone.localtime(attack.started_at, TOKYO).date().isoformat()]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "UTC" not in _visible_text(response.content.decode()), url


@pytest.mark.django_db
def test_the_side_effect_form_lists_doses_in_the_persons_zone_and_preselects_no_severity():
    person = make_user("aki", time_zone="Asia/Tokyo")
    dose = make_dose(person, taken_at=ago(days=2))
    html = signed_in(person).get(reverse("diary:side_effect_new")).content.decode()
    local = timezone.localtime(dose.taken_at, TOKYO)
    assert f"3 g Kratom at {local:%a} {local.day} {local:%b} {local:%H:%M}" in html
    assert not re.search(r'name="severity"[^>]*checked', html)


@pytest.mark.django_db
def test_a_time_in_the_future_is_refused_with_the_persons_own_clock():
    person = make_user("aki", time_zone="Asia/Tokyo")
    later = timezone.localtime(timezone.now() + timedelta(hours=3), TOKYO)
    data = {
        "substance": Substance.objects.get(key="kratom").pk,
        "amount": "3",
        "unit": "g",
        "taken_at": later.strftime("%Y-%m-%dT%H:%M"),
        "reason": "chronic",
        "route": "oral",
    }
    response = post_form(strict(person), reverse("treatments:dose_new"), data)
    html = response.content.decode()
    assert "is in the future" in html
    assert later.strftime("%H:%M") in html
    assert "Asia/Tokyo" in html
    assert "UTC" not in _visible_text(html)


@pytest.mark.django_db
def test_one_date_format_with_the_year_only_outside_this_year():
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO), tick=False), timezone.override(TOKYO):
        assert day(date(2026, 12, 1)) == "Tue 1 Dec"
        assert day(date(2025, 12, 1)) == "Mon 1 Dec 2025"
        assert day("2026-06-01") == "Mon 1 Jun"
        assert when(datetime(2026, 12, 1, 0, 30, tzinfo=TOKYO)) == "00:30"
        assert when(datetime(2026, 11, 30, 23, 30, tzinfo=TOKYO)) == "Mon 30 Nov 23:30"
        # 23:30 UTC on 30 November is 08:30 on 1 December in Tokyo: today, so the time alone
        assert moment_text(datetime(2026, 11, 30, 23, 30, tzinfo=ZoneInfo("UTC"))) == "08:30"
        assert day_text(datetime(2026, 11, 30, 20, 0, tzinfo=ZoneInfo("UTC"))) == "Tue 1 Dec"
        assert day(None) == "" and when(None) == ""


@pytest.mark.django_db
def test_a_moment_ago_reads_just_now_rather_than_zero_hours():
    assert hours_ago(timezone.now()) == "just now"
    assert hours_ago(timezone.now() - timedelta(minutes=25)) == "25 min ago"
    assert hours_ago(timezone.now() - timedelta(hours=3, minutes=10)) == "3 h ago"


def _one_attack_known_by_its_day_and_one_timed(person):
    """A date-only import (stored at noon with no length) on 20 Nov, and an attack at 09:30 on 21 Nov."""
    noon = datetime(2026, 11, 20, 12, 0, tzinfo=TOKYO)
    dated = make_attack(person, started_at=noon, ended_at=noon)
    timed = make_attack(person, started_at=datetime(2026, 11, 21, 9, 30, tzinfo=TOKYO))
    return dated, timed


@pytest.mark.django_db
def test_an_attack_known_only_by_its_day_shows_no_clock_time_anywhere():
    """A date-only import is stored at noon with no length: no page may present 12:00 as its time."""
    person = make_user("dee", time_zone="Asia/Tokyo")
    attack, timed = _one_attack_known_by_its_day_and_one_timed(person)
    client = signed_in(person)
    reader = make_user("rea")
    share_with(person, reader)

    pages = {
        "day": client.get(reverse("day", args=["2026-11-20"])),
        "history": client.get(reverse("diary:history")),
        "attack": client.get(reverse("diary:attack", args=[attack.pk])),
        "shared timeline": signed_in(reader).get(
            reverse("sharing:timeline", args=[person.profile.pk]) + "?until=2026-11-21&days=3"
        ),
    }

    for name, response in pages.items():
        assert response.status_code == 200, name
        text = _visible_text(response.content.decode())
        assert "12:00" not in text, name
        assert "times not recorded" in text, name
    assert "09:30" in _visible_text(pages["history"].content.decode())  # a timed attack keeps its time
    assert attack.times_unknown and not timed.times_unknown


@pytest.mark.django_db
def test_the_edit_form_of_an_attack_known_only_by_its_day_says_the_time_is_a_stand_in():
    person = make_user("dee", time_zone="Asia/Tokyo")
    dated, timed = _one_attack_known_by_its_day_and_one_timed(person)
    client = signed_in(person)

    dated_form = _visible_text(client.get(reverse("diary:attack_edit", args=[dated.pk])).content.decode())
    timed_form = _visible_text(client.get(reverse("diary:attack_edit", args=[timed.pk])).content.decode())

    assert "Only the day of this attack was recorded" in dated_form
    assert "Only the day of this attack was recorded" not in timed_form
