"""Insights are computed once and reused until anything the analysis reads changes."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from relief.accounts.services import get_profile
from relief.diary.models import DayRecord
from relief.exchange.reports import data
from relief.insights import services
from relief.insights.models import StoredInsights
from relief.insights.services import diary_fingerprint, insights_for, recompute_insights
from relief.treatments.models import Dose
from relief.treatments.services import log_dose
from tests.access.people import logged_in, profile_id, share_with
from tests.factories import ago, at, make_attack, make_day, make_dose, make_user, substance

pytestmark = pytest.mark.django_db


def small_diary(user: User) -> User:
    """A fortnight with two attacks, a kratom dose for one of them and a few day records."""
    for days in (3, 9):
        attack = make_attack(user, started_at=ago(days=days))
        make_dose(user, taken_at=ago(days=days) + timedelta(minutes=30), attack=attack, reason="acute")
    for days in range(1, 12, 2):
        make_day(user, (ago(days=days)).date(), worst_pain=2, sleep_hours=7)
    return user


def analysis_must_not_run(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the analysis ran although a current stored result exists")

    monkeypatch.setattr(data, "build_report", refuse)


def page_count(page: str) -> int:
    return page.count("data:image/svg+xml;base64,")


def without_csrf(page: str) -> str:
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", page)


def test_a_fresh_result_is_stored_and_reused_without_running_the_analysis_again(monkeypatch):
    person = small_diary(make_user())

    first = insights_for(person)
    analysis_must_not_run(monkeypatch)
    again = insights_for(person)

    assert not first.stored and again.stored
    assert again.doc == first.doc and again.charts == first.charts
    assert (again.start, again.end) == (first.start, first.end)
    assert StoredInsights.objects.get(user=person).fingerprint == diary_fingerprint(person)


def test_the_page_from_a_stored_result_is_the_same_page_as_computed_live():
    from relief.diary.demo import create_demo

    create_demo("owner", days=90, seed=4)
    client = logged_in(User.objects.get(username="owner"))

    live = client.get("/insights/").content.decode()
    assert StoredInsights.objects.filter(user__username="owner").count() == 1
    stored = client.get("/insights/").content.decode()

    assert page_count(live) == 4
    assert without_csrf(stored) == without_csrf(live)


def test_a_new_attack_makes_the_stored_result_stale():
    person = small_diary(make_user())
    insights_for(person)

    make_attack(person, started_at=ago(days=1))

    assert not insights_for(person).stored


def test_an_edited_dose_makes_the_stored_result_stale():
    person = small_diary(make_user())
    before = diary_fingerprint(person)
    insights_for(person)

    dose = person_dose(person)
    dose.amount = 5
    dose.save()

    assert diary_fingerprint(person) != before
    assert not insights_for(person).stored


def person_dose(person: User) -> Dose:
    return Dose.objects.filter(user=person).order_by("taken_at").first()


def test_an_edited_dose_outcome_makes_the_stored_result_stale():
    person = make_user()
    log_dose(
        person,
        substance=substance("kratom"),
        amount=2,
        unit="g",
        taken_at=ago(hours=4),
        outcome={"pain_2h": 3},
    )
    insights_for(person)

    outcome = person_dose(person).outcome
    outcome.pain_2h = 0
    outcome.save()

    assert not insights_for(person).stored


def test_a_deleted_day_record_makes_the_stored_result_stale():
    person = small_diary(make_user())
    insights_for(person)

    DayRecord.objects.filter(user=person).order_by("date").first().delete()

    assert not insights_for(person).stored


def test_a_new_time_zone_makes_the_stored_result_stale():
    person = small_diary(make_user(time_zone="UTC"))
    insights_for(person)

    profile = get_profile(person)
    profile.time_zone = "Pacific/Auckland"
    profile.save()

    assert not insights_for(person).stored


def test_a_new_day_makes_the_default_period_stale_but_not_a_fixed_one():
    with time_machine.travel(at("2026-03-10T22:00Z"), tick=False):
        person = small_diary(make_user(time_zone="Europe/Berlin"))
        fixed = (at("2026-03-01T12:00Z").date(), at("2026-03-09T12:00Z").date())
        insights_for(person)
        insights_for(person, *fixed)
        assert insights_for(person).stored

    with time_machine.travel(at("2026-03-10T23:30Z"), tick=False):  # past midnight in Berlin
        moved = insights_for(person)
        assert not moved.stored
        assert moved.end == at("2026-03-11T12:00Z").date()


def test_another_persons_stored_result_is_never_shown_even_with_the_same_fingerprint(monkeypatch):
    first = small_diary(make_user())
    second = make_user()
    insights_for(first)
    row = StoredInsights.objects.get(user=first)
    monkeypatch.setattr(services, "diary_fingerprint", lambda user, start=None, end=None: row.fingerprint)

    theirs = insights_for(second)

    assert not theirs.stored
    assert theirs.doc["period"]["attacks"] == 0
    assert StoredInsights.objects.get(user=second).user_id == second.pk


def test_the_owner_sees_their_insights_on_the_shared_address_and_they_are_stored():
    owner = small_diary(make_user())

    response = logged_in(owner).get(f"/insights/{profile_id(owner)}/")

    assert response.status_code == 200
    assert "2 attacks" in response.content.decode()
    assert StoredInsights.objects.filter(user=owner).count() == 1


def test_a_clinician_with_a_share_reads_the_owners_stored_insights_and_writes_nothing(monkeypatch):
    owner = small_diary(make_user())
    clinician = make_user()
    share_with(owner, clinician)
    logged_in(owner).get("/insights/")
    stored = list(StoredInsights.objects.values_list("pk", "user_id", "fingerprint", "computed_at"))
    analysis_must_not_run(monkeypatch)

    response = logged_in(clinician).get(f"/insights/{profile_id(owner)}/")

    assert response.status_code == 200
    assert "2 attacks" in response.content.decode()
    assert list(StoredInsights.objects.values_list("pk", "user_id", "fingerprint", "computed_at")) == stored


def test_a_clinician_reading_stale_insights_sees_them_computed_but_stores_nothing():
    owner = small_diary(make_user())
    clinician = make_user()
    share_with(owner, clinician)

    response = logged_in(clinician).get(f"/insights/{profile_id(owner)}/")

    assert response.status_code == 200
    assert "2 attacks" in response.content.decode()
    assert not StoredInsights.objects.exists()


def test_a_stranger_and_a_signed_out_visitor_get_a_404_for_someone_elses_insights():
    owner = small_diary(make_user())
    insights_for(owner)
    stranger = make_user()

    assert logged_in(stranger).get(f"/insights/{profile_id(owner)}/").status_code == 404
    assert Client().get(f"/insights/{profile_id(owner)}/").status_code == 404
    assert "0 attacks" in logged_in(stranger).get("/insights/").content.decode()


def test_recomputing_stores_the_default_period_once_and_keeps_it_while_current(monkeypatch):
    person = small_diary(make_user())

    row = recompute_insights(person)
    analysis_must_not_run(monkeypatch)
    again = recompute_insights(person)

    assert row.user_id == person.pk and row.period == ".."
    assert again.pk == row.pk and again.computed_at == row.computed_at


def test_a_new_version_of_the_analysis_makes_the_stored_result_stale(monkeypatch):
    person = small_diary(make_user())
    insights_for(person)

    monkeypatch.setattr(services, "analysis_version", lambda: "a later release")

    assert not insights_for(person).stored


def test_only_the_most_recently_computed_periods_are_kept(monkeypatch):
    person = small_diary(make_user())
    monkeypatch.setattr(services, "MAX_STORED_PERIODS", 2)
    periods = [(ago(days=days).date(), ago(days=1).date()) for days in (5, 8, 11)]

    for start, end in periods:
        insights_for(person, start, end)

    kept = set(StoredInsights.objects.filter(user=person).values_list("start", flat=True))
    assert kept == {periods[1][0], periods[2][0]}


def test_a_link_share_visitor_reads_the_owners_insights_without_storing_any():
    from relief.sharing.services import create_link_share

    owner = small_diary(make_user())
    _, token = create_link_share(owner, label="Dr Weber")

    response = Client().get(f"/insights/{token}/")

    assert response.status_code == 200
    assert "2 attacks" in response.content.decode()
    assert not StoredInsights.objects.exists()
