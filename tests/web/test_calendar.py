"""The month calendar and the day view: at a glance, only the month shown is queried."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from relief.core.calendar import month_for
from relief.diary.services import Pain, log_attack, log_day
from tests.factories import at, make_dose, make_side_effect, make_user
from tests.web.helpers import signed_in


@pytest.mark.django_db
def test_the_month_counts_headache_migraine_and_dose_days():
    alice = make_user("alice", time_zone="Europe/Berlin")
    log_attack(
        alice,
        started_at=at("2026-10-03T08:00Z"),
        believed_migraine=True,
        pain=[Pain(at=at("2026-10-03T09:00Z"), nrs=8)],
    )
    log_attack(alice, started_at=at("2026-10-10T08:00Z"), pain=[Pain(at=at("2026-10-10T09:00Z"), nrs=3)])
    make_dose(alice, taken_at=at("2026-10-03T09:30Z"))
    log_day(alice, day=date(2026, 10, 12), worst_pain=5)
    month = month_for(alice, 2026, 10)
    assert month.totals == {"headache_days": 3, "migraine_days": 1, "dose_days": 1, "acute_days": 1}
    third = next(d for d in month.days if d.day == date(2026, 10, 3))
    assert (third.severity, third.migraine, third.doses) == (3, True, 1)


@pytest.mark.django_db
def test_an_attack_just_after_local_midnight_belongs_to_the_new_day():
    alice = make_user("alice", time_zone="Europe/Berlin")
    log_attack(alice, started_at=at("2026-10-31T23:30Z"))  # 00:30 on 1 November in Berlin
    assert month_for(alice, 2026, 10).totals["headache_days"] == 0
    assert month_for(alice, 2026, 11).totals["headache_days"] == 1


@pytest.mark.django_db
def test_the_calendar_needs_the_same_few_queries_for_one_day_or_years_of_data():
    alice = make_user("alice")
    client = signed_in(alice)
    client.get(reverse("calendar_month", args=[2026, 10]))  # the first view stores the running summary
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("calendar_month", args=[2026, 10]))
    start = at("2016-01-01T12:00Z")
    for n in range(0, 3650, 30):
        log_attack(
            alice,
            started_at=start + timedelta(days=n),
            pain=[Pain(at=start + timedelta(days=n, hours=1), nrs=5)],
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("calendar_month", args=[2026, 10]))
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.django_db
def test_impossible_months_and_days_are_404():
    client = signed_in(make_user("alice"))
    assert client.get(reverse("calendar_month", args=[2026, 13])).status_code == 404
    assert client.get(reverse("day", args=["2026-02-30"])).status_code == 404


@pytest.mark.django_db
def test_the_day_view_lists_everything_of_that_day_in_order_and_only_the_owners():
    alice = make_user("alice")
    day = timezone.localdate() - timedelta(days=1)
    noon = timezone.now().replace(hour=12, minute=0) - timedelta(days=1)
    log_day(alice, day=day, worst_pain=6)
    log_attack(alice, started_at=noon, believed_migraine=True)
    make_dose(alice, taken_at=noon + timedelta(minutes=15))
    make_side_effect(alice, "dizziness", occurred_at=noon + timedelta(hours=1))
    make_dose(make_user("bob"), "ibuprofen", amount=400, unit="mg", taken_at=noon)
    page = signed_in(alice).get(reverse("day", args=[day.isoformat()])).content.decode()
    positions = [page.index(text) for text in ("Check-in", "Migraine", "Kratom", "Dizziness")]
    assert positions == sorted(positions)
    assert "Ibuprofen" not in page
