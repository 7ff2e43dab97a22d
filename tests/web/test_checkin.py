"""The daily check-in: own factors first, saved through the day service, editable and deletable."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from relief.accounts.services import checkin_day_for
from relief.diary.models import DayFactor, DayRecord, FactorTag
from relief.diary.services import log_day
from tests.factories import make_user
from tests.web.helpers import post_form, signed_in, strict


def _tags(user, *names):
    return [FactorTag.objects.create(user=user, name=name) for name in names]


@pytest.mark.django_db
def test_the_check_in_lists_tracked_factors_before_the_questions():
    alice = make_user("alice")
    _tags(alice, "Red wine")
    page = signed_in(alice).get(reverse("diary:checkin")).content.decode()
    assert page.index("Red wine") < page.index("Worst pain today")


@pytest.mark.django_db
def test_a_check_in_saves_the_day_its_factors_and_new_ones():
    alice = make_user("alice")
    wine, _ = _tags(alice, "Red wine", "Skipped lunch")
    data = {
        f"tag_{wine.pk}": "on",
        "worst_pain": "3",
        "sleep_hours": "6.5",
        "new_factors": "Bright sun, long drive",
    }
    response = post_form(strict(alice), reverse("diary:checkin"), data)
    assert response.status_code == 302
    record = DayRecord.objects.get(user=alice)
    # today, or yesterday evening's check-in between midnight and 04:00 ("my day ends at")
    assert (record.date, record.worst_pain, record.sleep_hours) == (checkin_day_for(alice), 3, 6.5)
    names = sorted(f.tag.name for f in DayFactor.objects.filter(day=record))
    assert names == ["Bright sun", "Red wine", "long drive"]


@pytest.mark.django_db
def test_changing_a_check_in_unticks_factors_and_keeps_one_record():
    alice = make_user("alice")
    today = timezone.localdate()
    log_day(alice, day=today, worst_pain=5, factors={"Red wine": None})
    response = signed_in(alice).post(reverse("diary:checkin"), {"date": today.isoformat(), "worst_pain": "2"})
    assert response.status_code == 302
    record = DayRecord.objects.get(user=alice)
    assert record.worst_pain == 2
    assert DayFactor.objects.filter(day=record).count() == 0


@pytest.mark.django_db
def test_a_check_in_for_an_earlier_day_and_a_part_of_the_day():
    alice = make_user("alice")
    day = timezone.localdate() - timedelta(days=3)
    url = f"{reverse('diary:checkin')}?date={day}&period=morning"
    assert signed_in(alice).get(url).status_code == 200
    signed_in(alice).post(
        reverse("diary:checkin"), {"date": day.isoformat(), "period": "morning", "stress": "6"}
    )
    assert DayRecord.objects.get(user=alice).period == "morning"


@pytest.mark.django_db
def test_a_check_in_for_tomorrow_is_refused_with_the_reason():
    alice = make_user("alice")
    tomorrow = timezone.localdate() + timedelta(days=2)
    response = signed_in(alice).post(
        reverse("diary:checkin"), {"date": tomorrow.isoformat(), "worst_pain": "1"}
    )
    assert response.status_code == 200
    assert "after today" in response.content.decode()
    assert not DayRecord.objects.exists()


@pytest.mark.django_db
def test_period_tracking_shows_bleeding_only_when_turned_on():
    assert (
        "Menstrual bleeding" not in signed_in(make_user("a")).get(reverse("diary:checkin")).content.decode()
    )
    tracked = make_user("b", track_menstruation=True)
    assert "Menstrual bleeding" in signed_in(tracked).get(reverse("diary:checkin")).content.decode()


@pytest.mark.django_db
def test_deleting_a_check_in_is_the_owners_alone():
    alice = make_user("alice")
    record = log_day(alice, day=timezone.localdate(), worst_pain=4).entry
    url = reverse("diary:day_record_delete", args=[record.pk])
    assert signed_in(make_user("mallory")).post(url).status_code == 404
    assert signed_in(alice).post(url).status_code == 302
    assert not DayRecord.objects.exists()


@pytest.mark.django_db
def test_a_person_on_us_units_types_fluid_ounces_and_fahrenheit_and_metric_is_stored():
    alice = make_user("alice", units="us")
    data = {"water_l": "64", "temperature_c": "86", "pressure_hpa": "29.92"}
    assert signed_in(alice).post(reverse("diary:checkin"), data).status_code == 302
    record = DayRecord.objects.get(user=alice)
    assert (round(record.water_l, 2), round(record.temperature_c), round(record.pressure_hpa)) == (
        1.89,
        30,
        1013,
    )
    page = signed_in(alice).get(reverse("diary:checkin")).content.decode()
    assert "Water (fl oz)" in page and 'value="64.0"' in page
