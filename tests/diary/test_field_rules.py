"""Every range and choice rule of the journal's fields, tested at and beyond its edges."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from relief.diary.models import DayFactor, DayRecord, PainSample
from relief.diary.services import Pain, log_attack, log_day
from relief.products.models import LabReport
from relief.treatments.models import DoseOutcome
from tests.factories import ago, make_batch, make_dose, make_product, make_user

pytestmark = pytest.mark.django_db

# field, lowest allowed, highest allowed, a value just below, a value just above
DAY_RANGES = [
    ("worst_pain", 0, 10, -1, 11),
    ("function", 0, 3, -1, 4),
    ("sleep_hours", 0, 24, -0.5, 24.5),
    ("sleep_quality", 1, 5, 0, 6),
    ("stress", 0, 10, -1, 11),
    ("mood", 0, 10, -1, 11),
    ("water_l", 0, 15, -0.1, 15.1),
    ("caffeine_mg", 0, 3000, -1, 3001),
    ("alcohol_units", 0, 60, -1, 61),
    ("exercise_min", 0, 1440, -1, 1441),
    ("skipped_meals", 0, 6, -1, 7),
    ("pressure_hpa", 870, 1090, 869, 1091),
    ("temperature_c", -60, 60, -61, 61),
    ("humidity_pct", 0, 100, -1, 101),
]


@pytest.mark.parametrize(("field", "low", "high", "below", "above"), DAY_RANGES)
def test_a_day_record_accepts_the_edges_of_each_range_and_refuses_beyond(field, low, high, below, above):
    user = make_user()
    day = ago(days=3).date()
    for value in (low, high):
        log_day(user, day=day, **{field: value})
    for value in (below, above):
        with pytest.raises(ValidationError) as err:
            log_day(user, day=day, **{field: value})
        assert field in err.value.message_dict
        assert "between" in err.value.message_dict[field][0] or "greater" in err.value.message_dict[field][0]
    assert getattr(DayRecord.objects.get(user=user), field) == high


def test_a_day_record_refuses_a_day_after_today_in_the_persons_zone():
    user = make_user()
    with pytest.raises(ValidationError) as err:
        log_day(user, day=ago(days=-2).date(), worst_pain=3)
    assert "after today" in err.value.message_dict["date"][0]
    assert DayRecord.objects.count() == 0


def test_several_day_records_per_day_are_possible_one_per_period():
    user = make_user()
    day = ago(days=1).date()
    for period in ("morning", "afternoon", "evening"):
        log_day(user, day=day, period=period, worst_pain=4)
    log_day(user, day=day, period="morning", worst_pain=6)  # updates, does not duplicate
    assert DayRecord.objects.filter(user=user, date=day).count() == 3
    assert DayRecord.objects.get(user=user, date=day, period="morning").worst_pain == 6


def test_a_bad_factor_amount_leaves_the_day_unsaved():
    user = make_user()
    with pytest.raises(ValidationError):
        log_day(user, day=ago(days=1).date(), worst_pain=2, factors={"red wine": -1})
    assert DayRecord.objects.count() == 0 and DayFactor.objects.count() == 0


def test_unknown_symptoms_stay_unknown_and_are_not_read_as_absent():
    user = make_user()
    saved = log_attack(user, started_at=ago(hours=2), nausea=True)
    attack = saved.entry
    attack.refresh_from_db()
    assert attack.nausea is True
    assert attack.photophobia is None and attack.vomiting is None and attack.aura_visual is None


def test_a_pain_sample_needs_a_score_in_range_inside_the_attack():
    user = make_user()
    start = ago(hours=3)
    with pytest.raises(ValidationError) as err:
        log_attack(user, started_at=start, pain=[Pain(at=start, nrs=11)])
    assert "pain[0].nrs" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        log_attack(user, started_at=start, pain=[Pain(at=start)])
    assert "0-10 or on the 4-point scale" in err.value.message_dict["pain[0].nrs"][0]
    with pytest.raises(ValidationError) as err:
        log_attack(user, started_at=start, pain=[Pain(at=start - timedelta(minutes=10), four_point=2)])
    assert "before the attack started" in err.value.message_dict["pain[0].at"][0]
    with pytest.raises(ValidationError):
        log_attack(user, started_at=start, pain=[Pain(at=start, four_point=4)])
    assert PainSample.objects.count() == 0
    from relief.diary.models import Attack

    assert Attack.objects.count() == 0  # the attack is not half-saved without its samples


def test_an_attack_disability_is_0_to_3_and_aura_duration_positive():
    user = make_user()
    for field, value in (("disability", 4), ("aura_duration_min", 0)):
        with pytest.raises(ValidationError) as err:
            log_attack(user, started_at=ago(hours=1), **{field: value})
        assert field in err.value.message_dict


def test_times_more_than_a_few_minutes_ahead_are_refused_but_clock_skew_is_not():
    user = make_user()
    log_attack(user, started_at=ago(minutes=-3))
    with pytest.raises(ValidationError) as err:
        log_attack(user, started_at=ago(minutes=-30))
    assert "in the future" in err.value.message_dict["started_at"][0]


def test_dose_outcome_pains_are_0_to_10_and_at_least_one_answer_is_needed():
    user = make_user()
    dose = make_dose(user)
    with pytest.raises(ValidationError) as err:
        DoseOutcome(dose=dose).full_clean()
    assert "at least one answer" in err.value.message_dict["pain_2h"][0]
    for field in ("pain_at_dose", "pain_30m", "pain_1h", "pain_2h", "pain_24h"):
        with pytest.raises(ValidationError) as err:
            DoseOutcome(dose=dose, **{field: 11}).full_clean()
        assert field in err.value.message_dict
    DoseOutcome(dose=dose, pain_2h=0, mbs_gone_2h=True).full_clean()


def test_lab_report_contents_cannot_be_negative_or_above_100_percent():
    user = make_user()
    batch = make_batch(make_product(user))
    for field, value in (
        ("lead_ppm", -0.1),
        ("seven_oh_pct_alkaloids", 101),
        ("mitragynine_mg_per_g", -1),
        ("yeast_mould_cfu_g", -5),
    ):
        with pytest.raises(ValidationError) as err:
            LabReport(batch=batch, **{field: value}).full_clean()
        assert field in err.value.message_dict


def test_a_time_with_an_unusual_offset_is_stored_in_utc():
    from datetime import datetime

    user = make_user()
    saved = log_attack(user, started_at=datetime.fromisoformat("2026-01-10T08:00:00-09:30"))
    saved.entry.refresh_from_db()
    assert saved.entry.started_at.isoformat() == "2026-01-10T17:30:00+00:00"


def test_a_time_centuries_ago_is_refused_with_a_hint_about_the_year():
    from datetime import datetime

    user = make_user()
    with pytest.raises(ValidationError) as err:
        log_attack(user, started_at=datetime.fromisoformat("0427-02-25T12:33:56-21:45"))
    assert "check the year" in err.value.message_dict["started_at"][0]
