"""Background tasks: reminders go out once and carry no health data; one failure never stops the rest."""

from __future__ import annotations

from datetime import time

import pytest
from django.core import mail

from relief.accounts.services import get_profile
from relief.core import tasks
from relief.exchange import weather
from relief.exchange.reports import data as report_data
from relief.insights import services as insights_services
from relief.insights.models import StoredInsights
from tests.access.people import logged_in
from tests.factories import ago, at, make_attack, make_day, make_dose, make_user


def fresh_queue() -> None:
    tasks.huey.flush()


def with_email(user, address: str = "me@example.org"):
    user.email = address
    user.save(update_fields=["email"])
    return user


def with_checkin_at(user, when: time, zone: str = "Europe/Berlin"):
    profile = get_profile(user)
    profile.checkin_reminder_time = when
    profile.time_zone = zone
    profile.save()
    return user


@pytest.mark.django_db
def test_a_due_outcome_prompt_is_emailed_once_without_naming_the_dose():
    fresh_queue()
    person = with_email(make_user())
    make_dose(person, "kratom", reason="acute", taken_at=ago(hours=3))

    assert tasks.send_reminders() == {"outcome_prompts": 1, "checkins": 0}
    assert tasks.send_reminders() == {"outcome_prompts": 0, "checkins": 0}

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["me@example.org"]
    assert "kratom" not in (message.subject + message.body).lower()
    assert "3 g" not in message.body


@pytest.mark.django_db
def test_doses_too_recent_or_too_old_are_not_prompted():
    fresh_queue()
    person = with_email(make_user())
    make_dose(person, reason="acute", taken_at=ago(minutes=30))
    make_dose(person, reason="acute", taken_at=ago(hours=30))

    assert tasks.send_reminders()["outcome_prompts"] == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_people_without_an_email_address_get_no_reminders():
    fresh_queue()
    person = make_user()
    make_dose(person, reason="acute", taken_at=ago(hours=3))

    assert tasks.send_reminders() == {"outcome_prompts": 0, "checkins": 0}


@pytest.mark.django_db
def test_the_daily_checkin_is_due_after_its_local_time_and_only_without_a_day_record():
    person = with_checkin_at(make_user(), time(20, 0), zone="Europe/Berlin")

    assert not tasks.checkin_due(person, at("2026-11-20T18:30Z"))  # 19:30 in Berlin
    assert tasks.checkin_due(person, at("2026-11-20T19:05Z"))  # 20:05 in Berlin

    make_day(person, at("2026-11-20T12:00Z").date(), worst_pain=2)
    assert not tasks.checkin_due(person, at("2026-11-20T19:05Z"))


@pytest.mark.django_db
def test_the_checkin_reminder_is_sent_once_per_local_day():
    fresh_queue()
    with_checkin_at(with_email(make_user()), time(0, 0), zone="UTC")

    assert tasks.send_reminders()["checkins"] == 1
    assert tasks.send_reminders()["checkins"] == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_queued_task_travels_through_the_sqlite_queue():
    fresh_queue()
    assert tasks.describe_queue().startswith("sqlite:")

    result = tasks.ping()
    queued = tasks.huey.dequeue()
    tasks.huey.execute(queued)

    assert result.get() == "pong"


@pytest.mark.django_db
def test_weather_is_skipped_when_turned_off(monkeypatch):
    monkeypatch.setenv("RELIEF_WEATHER_ENABLED", "false")
    assert tasks.fetch_weather() == {"skipped": "weather is turned off (RELIEF_WEATHER_ENABLED)"}


@pytest.mark.django_db
def test_weather_is_filled_for_everyone_with_a_city_even_when_one_fails(monkeypatch):
    monkeypatch.setenv("RELIEF_WEATHER_ENABLED", "true")
    make_user(city="Berlin")
    failing = make_user(city="Atlantis")
    make_user()
    called = []

    def fill_weather(user):
        called.append(user.pk)
        if user.pk == failing.pk:
            raise ConnectionError("no such city")

    monkeypatch.setattr(weather, "fill_weather", fill_weather)

    assert tasks.fetch_weather() == {"people": 1}
    assert len(called) == 2


@pytest.mark.django_db
def test_insights_are_recomputed_through_the_insights_service(monkeypatch):
    first, second = make_user(), make_user()
    seen = []
    monkeypatch.setattr(insights_services, "recompute_insights", lambda user: seen.append(user.pk))

    assert tasks.recompute_insights() == {"people": 2}
    assert tasks.recompute_insights(second.pk) == {"people": 1}
    assert seen == [first.pk, second.pk, second.pk]


@pytest.mark.django_db
def test_one_persons_failing_insights_do_not_stop_the_others(monkeypatch):
    failing, fine = make_user(), make_user()
    seen = []

    def recompute(user):
        if user.pk == failing.pk:
            raise ValueError("a broken diary")
        seen.append(user.pk)

    monkeypatch.setattr(insights_services, "recompute_insights", recompute)

    assert tasks.recompute_insights() == {"people": 1, "failed": 1}
    assert seen == [fine.pk]


def small_diary(user):
    for days in (2, 6):
        attack = make_attack(user, started_at=ago(days=days))
        make_dose(user, taken_at=ago(days=days, minutes=-30), attack=attack, reason="acute")
        make_day(user, ago(days=days).date(), worst_pain=6)
    return user


@pytest.mark.django_db
def test_the_queued_task_stores_a_persons_insights_and_the_page_then_skips_the_analysis(monkeypatch):
    person = small_diary(make_user())
    other = small_diary(make_user())

    assert tasks.recompute_insights_for.call_local(person.pk) == {"people": 1}
    assert list(StoredInsights.objects.values_list("user_id", flat=True)) == [person.pk]

    def refuse(*args, **kwargs):
        raise AssertionError("a page ran the analysis")

    monkeypatch.setattr(report_data, "build_report", refuse)
    page = logged_in(person).get("/insights/")
    assert page.status_code == 200
    assert "2 attacks" in page.content.decode()
    waiting = logged_in(other).get("/insights/")  # nothing stored yet: no analysis in the request either
    assert waiting.status_code == 200 and "being prepared" in waiting.content.decode()


@pytest.mark.django_db
def test_the_nightly_task_stores_insights_for_everyone_and_recomputes_only_what_changed(monkeypatch):
    first, second = small_diary(make_user()), make_user()

    assert tasks.insights_task.call_local() == {"people": 2}
    stored = dict(StoredInsights.objects.values_list("user_id", "computed_at"))
    assert set(stored) == {first.pk, second.pk}

    make_attack(second, started_at=ago(hours=5))
    assert tasks.recompute_insights() == {"people": 2}
    again = dict(StoredInsights.objects.values_list("user_id", "computed_at"))
    assert again[first.pk] == stored[first.pk]
    assert again[second.pk] > stored[second.pk]
    assert StoredInsights.objects.get(user=second).diary_version == insights_services.diary_version(second)


@pytest.mark.django_db
def test_a_saved_import_queues_the_persons_insights_and_a_dry_run_or_refused_one_does_not(
    monkeypatch, django_capture_on_commit_callbacks
):
    from relief.exchange.importers import import_text
    from relief.exchange.jsonformat import export_document, import_document

    queued = []
    monkeypatch.setattr(tasks, "recompute_insights_for", queued.append)
    person = make_user("importer")
    attacks = "date,time,pain\n2026-03-01,08:00,6\n"
    mapping = {"date": "date", "time": "time", "pain": "pain"}

    with django_capture_on_commit_callbacks(execute=True):
        import_text(person, attacks, "generic", mapping=mapping, dry_run=True)
        assert not import_text(
            person, "date,time,pain\nnot a date,08:00,6\n", "generic", mapping=mapping
        ).saved
    assert queued == []

    with django_capture_on_commit_callbacks(execute=True):
        assert import_text(person, attacks, "generic", mapping=mapping).saved
    assert queued == [person.pk]

    document = export_document(person)
    first = person.pk
    person.delete()  # the file's ids are free again
    newcomer = make_user("newcomer")
    with django_capture_on_commit_callbacks(execute=True):
        import_document(make_user("trying"), document, dry_run=True)
        import_document(newcomer, document)
    assert queued == [first, newcomer.pk]


def test_a_queue_that_cannot_be_reached_does_not_fail_the_import(monkeypatch, caplog):
    def unreachable(user_id):
        raise ConnectionError("no queue")

    monkeypatch.setattr(tasks, "recompute_insights_for", unreachable)
    monkeypatch.setattr(tasks.transaction, "on_commit", lambda callback: callback())
    tasks.queue_insights_recompute(7)
    assert "could not queue the insights recompute" in caplog.text
