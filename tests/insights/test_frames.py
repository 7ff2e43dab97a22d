"""The database is handed to the analysis as the frames its contract describes."""

from datetime import date, timedelta

import pandas as pd
import pytest
from django.contrib.auth.models import User

from relief.diary.demo import create_demo
from relief.diary.services import log_day
from relief.insights.frames import build_diary
from tests.factories import at, make_attack, make_dose, make_user

pytestmark = pytest.mark.django_db


def test_a_demo_diary_becomes_valid_frames_with_every_day_present():
    create_demo("frames", days=90, seed=4)
    diary = build_diary(User.objects.get(username="frames"))
    diary.validate()
    dates = diary.days["date"]
    assert (dates.diff().dropna() == pd.Timedelta(days=1)).all()
    assert len(diary.attacks) > 0 and len(diary.doses) > 0
    assert diary.doses["is_kratom"].any()
    assert diary.doses.loc[diary.doses["is_kratom"], "mitragynine_mg"].notna().any()


def test_several_entries_of_a_day_are_combined_and_unknown_stays_unknown():
    user = make_user()
    day = date.today() - timedelta(days=3)
    log_day(user, day=day, period="morning", worst_pain=2, caffeine_mg=100, factors={"chocolate": None})
    log_day(user, day=day, period="evening", worst_pain=6, caffeine_mg=80)
    log_day(user, day=day + timedelta(days=1), worst_pain=1)
    diary = build_diary(user)
    first = diary.days.iloc[0]
    assert first["worst_pain"] == 6 and first["caffeine_mg"] == 180
    assert first["tag:chocolate"] == 1.0
    second = diary.days.iloc[1]
    assert second["tag:chocolate"] == 0.0  # recorded day without the factor
    assert pd.isna(second["stress"])  # never asked: unknown, not zero


def test_attack_days_are_local_days_and_unknown_symptoms_are_na():
    user = make_user(time_zone="Europe/Berlin")
    make_attack(user, started_at=at("2026-01-14T23:30Z"), nausea=True)
    make_dose(user, "sumatriptan", amount=50, unit="mg", taken_at=at("2026-01-14T23:40Z"))
    diary = build_diary(user)
    assert diary.attacks["start_date"].iloc[0] == pd.Timestamp("2026-01-15")
    assert bool(diary.attacks["nausea"].iloc[0]) is True
    assert pd.isna(diary.attacks["photophobia"].iloc[0])
    assert diary.doses["substance_class"].iloc[0] == "triptan"
