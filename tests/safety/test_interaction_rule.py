"""Interaction rule: kratom with another substance inside the look-back window, or with an active
standing medication."""

from __future__ import annotations

import datetime as dt

import pytest

from relief.safety.config import SafetyConfig
from relief.safety.engine import acknowledge, check_diary, check_entry
from tests.factories import ago, make_dose, make_medication, make_user

pytestmark = pytest.mark.django_db


def interaction_alerts(alerts):
    return [a for a in alerts if a.rule == "interaction"]


def test_kratom_after_a_benzodiazepine_the_same_evening_is_dangerous_and_cites_its_sources():
    user = make_user()
    benzo = make_dose(user, "diazepam", amount=5, unit="mg", taken_at=ago(hours=5))
    kratom = make_dose(user, "kratom", amount=3, taken_at=ago(hours=1))

    (alert,) = interaction_alerts(check_entry(kratom))

    assert alert.level == "dangerous" and alert.needs_acknowledgement
    assert alert.title == "Dangerous combination: kratom and Diazepam"
    assert "4 h apart" in alert.message
    assert {e.id for e in alert.evidence} == {str(benzo.id), str(kratom.id)}
    assert alert.sources and all(s.url or s.locator for s in alert.sources)
    assert alert.as_of == "2026-11-21"


def test_the_other_substance_logged_after_kratom_is_checked_too():
    user = make_user()
    make_dose(user, "kratom", taken_at=ago(hours=30))
    alcohol = make_dose(user, "alcohol", amount=20, unit="g", taken_at=ago(hours=2))

    (alert,) = interaction_alerts(check_entry(alcohol))

    assert alert.level == "dangerous"
    assert "Alcohol" in alert.title


def test_a_dose_exactly_at_the_edge_of_the_window_counts_and_one_just_outside_does_not():
    user = make_user()
    kratom = make_dose(user, "kratom", taken_at=ago(hours=1))
    make_dose(user, "oxycodone", amount=5, unit="mg", taken_at=kratom.taken_at - dt.timedelta(hours=48))
    assert len(interaction_alerts(check_entry(kratom))) == 1

    other = make_user()
    kratom = make_dose(other, "kratom", taken_at=ago(hours=1))
    make_dose(
        other, "oxycodone", amount=5, unit="mg", taken_at=kratom.taken_at - dt.timedelta(hours=48, minutes=1)
    )
    assert interaction_alerts(check_entry(kratom)) == []


def test_a_longer_window_can_be_configured_but_not_a_shorter_one():
    user = make_user()
    kratom = make_dose(user, "kratom", taken_at=ago(hours=1))
    make_dose(user, "oxycodone", amount=5, unit="mg", taken_at=ago(hours=60))
    assert interaction_alerts(check_entry(kratom)) == []
    assert len(interaction_alerts(check_entry(kratom, config=SafetyConfig(lookback_hours=72)))) == 1
    with pytest.raises(ValueError, match="48"):
        SafetyConfig(lookback_hours=24)


def test_a_standing_ssri_gives_a_caution_marked_uncertain():
    user = make_user()
    med = make_medication(user, "sertraline")
    kratom = make_dose(user, "kratom")

    (alert,) = interaction_alerts(check_entry(kratom))

    assert alert.level == "caution"
    assert alert.certainty == "uncertain" and "Evidence: uncertain" in alert.message
    assert str(med.id) in alert.entry_ids


def test_a_standing_medication_stopped_the_day_before_the_dose_does_not_count():
    user = make_user()
    kratom_time = ago(hours=1)
    day = kratom_time.date()
    make_medication(
        user, "gabapentin", started_on=day - dt.timedelta(days=60), stopped_on=day - dt.timedelta(days=1)
    )
    kratom = make_dose(user, "kratom", taken_at=kratom_time)

    assert interaction_alerts(check_entry(kratom)) == []


def test_a_standing_medication_stopped_on_the_day_of_the_dose_still_counts():
    user = make_user()
    kratom_time = ago(hours=1)
    make_medication(
        user,
        "gabapentin",
        started_on=kratom_time.date() - dt.timedelta(days=60),
        stopped_on=kratom_time.date(),
    )
    kratom = make_dose(user, "kratom", taken_at=kratom_time)

    (alert,) = interaction_alerts(check_entry(kratom))
    assert alert.level == "dangerous"


def test_the_day_a_medication_is_active_is_the_day_in_the_persons_time_zone():
    # 02:30 UTC on the 10th is still the 9th in New York, where the medication was stopped on the 9th.
    user = make_user(time_zone="America/New_York")
    make_medication(user, "gabapentin", started_on=dt.date(2026, 9, 1), stopped_on=dt.date(2026, 9, 9))
    kratom = make_dose(user, "kratom", taken_at=dt.datetime(2026, 9, 10, 2, 30, tzinfo=dt.UTC))
    assert len(interaction_alerts(check_entry(kratom))) == 1

    london = make_user(time_zone="Europe/London")
    make_medication(london, "gabapentin", started_on=dt.date(2026, 9, 1), stopped_on=dt.date(2026, 9, 9))
    kratom = make_dose(london, "kratom", taken_at=dt.datetime(2026, 9, 10, 2, 30, tzinfo=dt.UTC))
    assert interaction_alerts(check_entry(kratom)) == []


def test_starting_a_standing_medication_is_checked_against_recent_kratom_use():
    user = make_user()
    make_dose(user, "kratom", taken_at=ago(days=2))
    make_dose(user, "kratom", taken_at=ago(days=1))
    med = make_medication(user, "tramadol", started_on=ago(days=3).date())

    (alert,) = interaction_alerts(check_entry(med))
    assert alert.level == "dangerous"
    assert len([e for e in alert.evidence if e.kind == "dose"]) == 2


def test_two_unrelated_drugs_or_two_leaf_doses_raise_no_interaction():
    user = make_user()
    make_dose(user, "ibuprofen", amount=400, unit="mg", taken_at=ago(hours=3))
    sumatriptan = make_dose(user, "sumatriptan", amount=50, unit="mg")
    assert interaction_alerts(check_entry(sumatriptan)) == []

    user = make_user()
    make_dose(user, "kratom", taken_at=ago(hours=6))
    kratom = make_dose(user, "kratom", taken_at=ago(hours=2))
    assert interaction_alerts(check_entry(kratom)) == []


def test_kratom_with_an_nsaid_is_unknown_and_stays_silent():
    user = make_user()
    make_dose(user, "naproxen", amount=500, unit="mg", taken_at=ago(hours=3))
    assert interaction_alerts(check_entry(make_dose(user, "kratom"))) == []


def test_leaf_with_a_7oh_product_is_unsafe():
    user = make_user()
    make_dose(user, "kratom", taken_at=ago(hours=4))
    seven = make_dose(user, "seven-oh", amount=15, unit="mg")
    levels = {a.level for a in interaction_alerts(check_entry(seven))}
    assert levels == {"unsafe"}


def test_alcohol_on_the_day_record_counts_as_alcohol_that_day():
    from tests.factories import make_day

    user = make_user()
    kratom = make_dose(user, "kratom", taken_at=ago(hours=1))
    make_day(user, kratom.taken_at.date(), alcohol_units=3)
    (alert,) = interaction_alerts(check_entry(kratom))
    assert alert.level == "dangerous" and any(e.kind == "day_record" for e in alert.evidence)


def test_an_acknowledged_dangerous_alert_is_shown_as_acknowledged_in_the_diary():
    user = make_user()
    make_dose(user, "lorazepam", amount=1, unit="mg", taken_at=ago(hours=3))
    kratom = make_dose(user, "kratom", taken_at=ago(hours=1))
    (alert,) = interaction_alerts(check_entry(kratom))
    assert alert.acknowledged_at is None

    acknowledge(user, alert)

    (again,) = interaction_alerts(check_diary(user))
    assert again.key == alert.key and again.acknowledged_at is not None


def test_check_diary_reports_each_standing_medication_once_over_recent_doses():
    user = make_user()
    make_medication(user, "sertraline")
    for days in (1, 2, 3):
        make_dose(user, "kratom", taken_at=ago(days=days))
    (alert,) = interaction_alerts(check_diary(user))
    assert len([e for e in alert.evidence if e.kind == "dose"]) == 3


def test_one_alert_per_other_dose_lists_every_kratom_dose_near_it_and_names_the_specific_risk():
    user = make_user()
    for hours in (40, 20):
        make_dose(user, "kratom", taken_at=ago(hours=hours))
    tramadol = make_dose(user, "tramadol", amount=50, unit="mg", taken_at=ago(hours=10))
    latest = make_dose(user, "kratom", taken_at=ago(hours=2))

    (alert,) = interaction_alerts(check_diary(user))
    assert alert.key == f"interaction:kratom+opioid:{tramadol.id}"
    assert "3 times within 48 hours" in alert.message and "closest 8 h apart" in alert.message
    assert "seizure threshold" in alert.message
    assert [a.key for a in interaction_alerts(check_entry(latest))] == [alert.key]


def test_a_new_kratom_dose_near_an_acknowledged_pair_asks_again():
    user = make_user()
    make_dose(user, "oxycodone", amount=5, unit="mg", taken_at=ago(hours=10))
    (first,) = interaction_alerts(check_entry(make_dose(user, "kratom", taken_at=ago(hours=8))))
    acknowledge(user, first)
    assert interaction_alerts(check_diary(user))[0].acknowledged_at is not None

    (again,) = interaction_alerts(check_entry(make_dose(user, "kratom", taken_at=ago(hours=1))))
    assert again.key == first.key and again.acknowledged_at is None
