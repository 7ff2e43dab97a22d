"""Dose rules: bands by each reference, above the person's usual range, a rising trend, unit slips."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relief.safety.engine import check_diary, check_entry
from relief.safety.kb import load_knowledge
from relief.safety.rules.dose import classify
from tests.factories import ago, make_batch, make_dose, make_product, make_user

pytestmark = pytest.mark.django_db


def by_prefix(alerts, prefix):
    return [a for a in alerts if a.key.startswith(prefix)]


@pytest.mark.parametrize(
    ("grams", "expected"),
    [
        (
            0.4,
            {
                "seed_articles": "below_listed_range",
                "psychonautwiki": "below_listed_range",
                "tripsit": "below_listed_range",
            },
        ),
        (1, {"seed_articles": "low", "psychonautwiki": "light", "tripsit": "light"}),
        (3, {"seed_articles": "moderate", "psychonautwiki": "common", "tripsit": "strong"}),
        (5, {"seed_articles": "high", "psychonautwiki": "strong", "tripsit": "strong"}),
        (6, {"seed_articles": "high", "psychonautwiki": "strong", "tripsit": "above_listed_range"}),
        (8, {"seed_articles": "high", "psychonautwiki": "heavy", "tripsit": "above_listed_range"}),
    ],
)
def test_a_dose_exactly_on_a_band_edge_belongs_to_the_higher_band(grams, expected):
    kb = load_knowledge()
    assert {e.key: classify(e, grams)[0] for e in kb.of("dose_bands")} == expected


def test_a_common_leaf_dose_gets_an_info_note_naming_each_reference():
    user = make_user()
    (alert,) = by_prefix(check_entry(make_dose(user, "kratom", amount=2)), "dose:band")
    assert alert.level == "info"
    assert "'light' by PsychonautWiki (1-3 g)" in alert.message
    assert "'common' by TripSit (1.5-3 g)" in alert.message
    assert "not a recommendation" in alert.message
    assert {s.key for s in alert.sources} >= {
        "psychonautwiki_kratom",
        "tripsit_kratom",
        "seed_kratom_for_migraines",
    }


def test_a_dose_two_references_call_strong_is_a_caution_and_one_reference_is_not():
    user = make_user()
    assert by_prefix(check_entry(make_dose(user, "kratom", amount=4)), "dose:band")[0].level == "info"
    assert (
        by_prefix(check_entry(make_dose(user, "kratom", amount=5, taken_at=ago(hours=5))), "dose:band")[
            0
        ].level
        == "caution"
    )


def test_check_diary_shows_only_the_strong_band_doses():
    user = make_user()
    make_dose(user, "kratom", amount=2, taken_at=ago(hours=30))
    big = make_dose(user, "kratom", amount=6, taken_at=ago(hours=3))
    assert [a.key for a in by_prefix(check_diary(user), "dose:band")] == [f"dose:band:{big.id}"]


def test_extracts_are_not_compared_with_leaf_bands():
    user = make_user()
    extract = make_product(user, "Extract shot", form="extract")
    dose = make_dose(user, "kratom", amount=2, product=extract)
    alerts = check_entry(dose)
    assert by_prefix(alerts, "dose:band:") == []
    assert by_prefix(alerts, "dose:bands_not_applicable") != []


def test_a_dose_above_the_persons_usual_range_is_flagged():
    user = make_user()
    for n, grams in enumerate([2, 2, 2.5, 2, 3, 2.5], start=2):
        make_dose(user, "kratom", amount=grams, taken_at=ago(days=n))
    usual = make_dose(user, "kratom", amount=3, taken_at=ago(hours=20))
    assert by_prefix(check_entry(usual), "dose:above_usual") == []
    high = make_dose(user, "kratom", amount=4, taken_at=ago(hours=2))
    (alert,) = by_prefix(check_entry(high), "dose:above_usual")
    assert "above your usual range" in alert.message


def test_with_fewer_than_five_earlier_doses_there_is_no_usual_range_yet():
    user = make_user()
    for n in range(2, 6):
        make_dose(user, "kratom", amount=1, taken_at=ago(days=n))
    assert by_prefix(check_entry(make_dose(user, "kratom", amount=4)), "dose:above_usual") == []


def test_milligrams_of_leaf_look_like_a_unit_slip():
    user = make_user()
    (alert,) = by_prefix(check_entry(make_dose(user, "kratom", amount=3, unit="mg")), "dose:unit_check")
    assert "did you mean grams" in alert.message


def test_a_dose_ten_times_the_usual_looks_like_a_unit_slip():
    user = make_user()
    for n in range(2, 8):
        make_dose(user, "kratom", amount=2, taken_at=ago(days=n))
    (alert,) = by_prefix(check_entry(make_dose(user, "kratom", amount=20)), "dose:unit_check")
    assert "usual 2 g" in alert.message
    assert (
        by_prefix(
            check_entry(make_dose(user, "kratom", amount=2.5, taken_at=ago(hours=3))), "dose:unit_check"
        )
        == []
    )


def test_daily_amounts_rising_over_weeks_suggest_tolerance():
    user = make_user()
    now = timezone.now()
    for week in range(8):
        for day in (1, 3, 5):
            make_dose(
                user, "kratom", amount=2 + 0.4 * (7 - week), taken_at=now - dt.timedelta(days=week * 7 + day)
            )
    (alert,) = by_prefix(check_diary(user), "dose:rising_trend")
    assert "tolerance" in alert.message


def test_a_steady_amount_is_not_a_trend():
    user = make_user()
    now = timezone.now()
    for week in range(8):
        for day in (1, 3, 5):
            make_dose(user, "kratom", amount=3, taken_at=now - dt.timedelta(days=week * 7 + day))
    assert by_prefix(check_diary(user), "dose:rising_trend") == []


def test_a_batch_without_a_product_form_defaults_to_leaf():
    user = make_user()
    batch = make_batch(make_product(user))
    dose = make_dose(user, "kratom", amount=2, batch=batch)
    assert by_prefix(check_entry(dose), "dose:band:")
