"""Insights are computed on the worker and stored; pages read the stored result and never run the analysis.

Freshness is a comparison of version numbers: every write raises the person's diary version in
its own transaction, and a stored result is current while it was computed from that version (and
the same analysis code, and for an open period the same local day).
"""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client

from relief.accounts.services import get_profile
from relief.diary.models import DayRecord
from relief.exchange.reports import data
from relief.insights import services
from relief.insights.models import DiaryVersion, StoredInsights
from relief.insights.services import (
    DEFAULT_PERIOD,
    Insights,
    basis,
    diary_version,
    page_state,
    period_key,
    refresh_insights,
    store_result,
)
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


def analysis_must_not_run(monkeypatch) -> list[str]:
    """Make every way into the analysis fail loudly; returns the list of calls (always empty if it passes)."""
    calls: list[str] = []

    def refuse(*args, **kwargs):
        calls.append("analysis")
        raise AssertionError("the analysis ran where it must not")

    monkeypatch.setattr(data, "build_report", refuse)
    monkeypatch.setattr(services, "compute_insights", refuse)
    return calls


EMPTY_DOC = {
    "disclaimer": "Self-reported diary data; not a diagnosis.",
    "period": {"days": 31, "start": "2026-02-08", "end": "2026-03-10", "recorded_days": 0, "attacks": 0},
    "notes": [],
    "frequency": {"monthly": []},
    "treatments": [],
    "untreated": {"treatment": "Untreated", "treated_attacks": 0},
    "dose_response": [],
    "triggers": [],
    "side_effects": [],
    "tolerance": [],
    "classification": {"wording": "", "findings": []},
}


def hand_made_result(
    user: User, period: str = DEFAULT_PERIOD, *, version: int | None = None
) -> StoredInsights:
    """A stored result written directly, as the worker would leave it, without running the analysis."""
    today = date(2026, 3, 10)
    return StoredInsights.objects.create(
        user=user,
        period=period,
        start=today - timedelta(days=30),
        end=today,
        diary_version=diary_version(user) if version is None else version,
        basis=basis(user, period),
        doc=json.dumps(EMPTY_DOC),
        charts={},
        computed_at=datetime.now().astimezone(),
    )


# --- the diary version -----------------------------------------------------------------------------


def test_every_write_raises_the_persons_diary_version_and_no_one_elses():
    person, other = make_user(), make_user()
    before, others = diary_version(person), diary_version(other)

    attack = make_attack(person, started_at=ago(hours=5))
    after_attack = diary_version(person)
    make_day(person, ago(days=1).date(), worst_pain=3)
    after_day = diary_version(person)
    attack.delete()

    assert before < after_attack < after_day < diary_version(person)
    assert diary_version(other) == others


def test_a_write_that_is_rolled_back_leaves_the_version_as_it_was():
    person = make_user()
    before = diary_version(person)

    with pytest.raises(RuntimeError), transaction.atomic():
        make_attack(person, started_at=ago(hours=5))
        raise RuntimeError("the save failed later in its transaction")

    assert diary_version(person) == before


def test_parts_of_entries_raise_their_owners_version():
    person = make_user()
    log_dose(
        person,
        substance=substance("kratom"),
        amount=2,
        unit="g",
        taken_at=ago(hours=4),
        outcome={"pain_2h": 3},
    )
    before = diary_version(person)

    outcome = Dose.objects.get(user=person).outcome
    outcome.pain_2h = 0
    outcome.save()

    assert diary_version(person) == before + 1


def test_a_new_time_zone_raises_the_version():
    person = make_user(time_zone="UTC")
    before = diary_version(person)

    profile = get_profile(person)
    profile.time_zone = "Pacific/Auckland"
    profile.save()

    assert diary_version(person) > before


def test_deleting_an_account_deletes_its_version_with_it():
    person = small_diary(make_user())
    assert DiaryVersion.objects.filter(user=person).exists()

    person.delete()

    assert not DiaryVersion.objects.exists()


# --- freshness, from the versions alone --------------------------------------------------------------


def test_a_stored_result_is_current_until_the_next_write(monkeypatch):
    person = make_user()
    analysis_must_not_run(monkeypatch)
    hand_made_result(person)
    assert page_state(person).current

    make_attack(person, started_at=ago(hours=2))

    state = page_state(person)
    assert state.row is not None and not state.current


def test_a_deleted_day_record_makes_the_stored_result_stale():
    person = make_user()
    make_day(person, ago(days=2).date(), worst_pain=4)
    hand_made_result(person)

    DayRecord.objects.get(user=person).delete()

    assert not page_state(person).current


def test_a_new_day_makes_the_default_period_stale_but_not_a_fixed_one():
    with time_machine.travel(at("2026-03-10T22:00Z"), tick=False):
        person = make_user(time_zone="Europe/Berlin")
        fixed = (date(2026, 3, 1), date(2026, 3, 9))
        hand_made_result(person)
        hand_made_result(person, period_key(*fixed))
        assert page_state(person).current and page_state(person, *fixed).current

    with time_machine.travel(at("2026-03-10T23:30Z"), tick=False):  # past midnight in Berlin
        assert not page_state(person).current
        assert page_state(person, *fixed).current


def test_a_new_version_of_the_analysis_makes_the_stored_result_stale(monkeypatch):
    person = make_user()
    hand_made_result(person)

    monkeypatch.setattr(services, "analysis_version", lambda: "a later release")

    assert not page_state(person).current


def test_another_persons_stored_result_is_never_used_even_with_the_same_version():
    first, second = make_user(), make_user()
    hand_made_result(first, version=diary_version(second))

    assert page_state(second).row is None


def test_only_the_most_recently_computed_periods_are_kept(monkeypatch):
    person = make_user()
    monkeypatch.setattr(services, "MAX_STORED_PERIODS", 2)
    periods = [period_key(ago(days=days).date(), ago(days=1).date()) for days in (5, 8, 11)]
    for number, period in enumerate(periods):
        result = Insights(date(2026, 1, 1), date(2026, 1, 31), {}, {}, ago(minutes=10 - number), stored=False)
        store_result(person, period, 0, "basis", result)

    assert set(StoredInsights.objects.filter(user=person).values_list("period", flat=True)) == set(
        periods[1:]
    )


# --- the one full analysis: stored once, then reused -----------------------------------------------------


def test_the_worker_stores_a_result_once_and_reuses_it_while_the_diary_is_unchanged(monkeypatch):
    person = small_diary(make_user())

    row = refresh_insights(person)
    calls = analysis_must_not_run(monkeypatch)
    again = refresh_insights(person)

    assert again.pk == row.pk and again.computed_at == row.computed_at and calls == []
    assert row.diary_version == diary_version(person) and row.period == DEFAULT_PERIOD
    assert json.loads(row.doc)["period"]["attacks"] == 2
    assert set(row.charts) >= {"monthly", "response", "doses", "pain"}

    page = logged_in(person).get("/insights/")
    assert page.status_code == 200 and calls == []
    text = page.content.decode()
    assert "2 attacks" in text
    local = row.computed_at.astimezone(UTC)  # the person's time zone
    assert f"Computed {local.day} {local:%b %Y}, {local:%H:%M}" in text
    assert text.count('<figure class="chart chart-') == 4  # the charts, drawn from the stored numbers
    assert "No treated attacks with a 2-hour answer yet" in text


# --- the page ------------------------------------------------------------------------------------------


def test_a_first_view_says_the_insights_are_being_prepared_and_queues_them(monkeypatch):
    from relief.insights import views

    person = make_user()
    calls = analysis_must_not_run(monkeypatch)
    queued = []
    monkeypatch.setattr(views, "prepare_period", lambda user_id, period: queued.append((user_id, period)))

    page = logged_in(person).get("/insights/")

    assert page.status_code == 200 and calls == []
    assert "being prepared" in page.content.decode()
    assert queued == [(person.pk, DEFAULT_PERIOD)]
    assert not StoredInsights.objects.exists()


def test_the_status_partial_reloads_the_page_once_the_first_result_is_ready():
    person = make_user()
    client = logged_in(person)
    waiting = client.get("/insights/state/?shown=")
    assert waiting.status_code == 200 and "HX-Refresh" not in waiting
    assert 'hx-trigger="every' in waiting.content.decode()

    hand_made_result(person)

    ready = client.get("/insights/state/?shown=")
    assert ready["HX-Refresh"] == "true"
    assert 'hx-trigger="every' not in ready.content.decode()


def test_a_stale_result_is_shown_as_updating_and_the_status_offers_the_new_one_when_ready(monkeypatch):
    from relief.insights import views

    person = make_user()
    old = hand_made_result(person)
    make_attack(person, started_at=ago(hours=1))
    scheduled = []
    monkeypatch.setattr(views, "schedule_recompute", scheduled.append)
    client = logged_in(person)

    page = client.get("/insights/").content.decode()
    assert "Updating…" in page and scheduled == [person.pk]

    old.delete()
    hand_made_result(person)
    shown = old.computed_at.isoformat()
    ready = client.get("/insights/state/", {"shown": shown}).content.decode()
    assert "Updated insights are ready" in ready and 'href="/insights/"' in ready


def test_a_clinician_with_a_share_reads_the_stored_result_and_the_request_writes_nothing(monkeypatch):
    owner = make_user()
    clinician = make_user()
    share_with(owner, clinician)
    hand_made_result(owner)
    rows = list(StoredInsights.objects.values_list("pk", "diary_version", "computed_at"))
    calls = analysis_must_not_run(monkeypatch)

    response = logged_in(clinician).get(f"/insights/{profile_id(owner)}/")

    assert response.status_code == 200 and calls == []
    assert list(StoredInsights.objects.values_list("pk", "diary_version", "computed_at")) == rows


def test_a_link_share_visitor_reads_the_owners_stored_insights():
    from relief.sharing.services import create_link_share

    owner = make_user()
    hand_made_result(owner)
    _, token = create_link_share(owner, label="Dr Weber")

    response = Client().get(f"/insights/{token}/")
    state = Client().get(f"/insights/{token}/state/")

    assert response.status_code == 200 and "Computed" in response.content.decode()
    assert state.status_code == 200


def test_a_stranger_and_a_signed_out_visitor_get_a_404_for_someone_elses_insights_and_status():
    owner = make_user()
    hand_made_result(owner)
    stranger = make_user()

    for path in (f"/insights/{profile_id(owner)}/", f"/insights/{profile_id(owner)}/state/"):
        assert logged_in(stranger).get(path).status_code == 404
        assert Client().get(path).status_code == 404
    assert Client().get("/insights/state/").status_code == 302
