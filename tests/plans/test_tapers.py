"""Stopping safely: the person's own taper schedule, SOWS check-ins and the withdrawal-headache window."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from relief.diary.models import QuestionnaireResponse
from relief.plans import services
from tests.factories import at, make_dose, make_user, substance
from tests.plans.helpers import kratom_plan

pytestmark = pytest.mark.django_db


def test_a_taper_keeps_the_schedule_the_person_entered():
    user = make_user()
    plan = kratom_plan(user, starts_in=-60, reassess_in=-1)
    start = date(2026, 1, 1)
    taper = services.start_taper(
        user,
        substance=substance("kratom"),
        started_on=start,
        plan=plan,
        steps=[
            (start, 3, "g", "agreed with Dr K"),
            (start + timedelta(days=7), 2, "g", ""),
            (start + timedelta(days=14), 0, "", ""),
        ],
    )
    assert str(services.current_step(taper, start + timedelta(days=9))) == "from 2026-01-08: 2 g"
    assert services.current_step(taper, start - timedelta(days=1)) is None
    plan.refresh_from_db()
    assert plan.status == "tapering"


def test_a_taper_step_with_an_amount_needs_a_unit():
    user = make_user()
    taper = services.start_taper(user, substance=substance("kratom"), started_on=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="unit"):
        services.add_taper_step(user, taper, date(2026, 1, 2), 2, "")


def test_sows_check_ins_are_diary_questionnaires_with_their_score():
    user = make_user()
    taper = services.start_taper(user, substance=substance("kratom"), started_on=date(2026, 1, 1))
    services.sows_checkin(user, taper, [1] * 10 + [0] * 6)
    assert QuestionnaireResponse.objects.get(user=user).instrument == "sows"
    assert [h["score"] for h in services.sows_history(taper)] == [10.0]
    with pytest.raises(ValidationError):
        services.sows_checkin(user, taper, [5] * 16)


def test_the_withdrawal_window_runs_from_the_day_of_the_last_intake_for_seven_days_in_local_time():
    user = make_user(time_zone="Europe/Berlin")
    taper = services.start_taper(user, substance=substance("kratom"), started_on=date(2026, 3, 1))
    assert services.withdrawal_window(taper) == []
    with time_machine.travel(at("2026-03-30T12:00Z")):
        make_dose(user, amount=1, taken_at=at("2026-03-28T23:30Z"))  # 00:30 on the 29th in Berlin
        services.record_last_intake(user, taper)
    days = services.withdrawal_window(taper)
    assert days[0] == date(2026, 3, 29) and days[-1] == date(2026, 4, 5)
    assert len(days) == 8


def test_stopping_completely_marks_the_plan_stopped():
    user = make_user()
    plan = kratom_plan(user, starts_in=-30, reassess_in=-1)
    taper = services.start_taper(user, substance=substance("kratom"), started_on=date(2026, 1, 1), plan=plan)
    services.record_last_intake(user, taper, at=at("2026-01-20T08:00Z"))
    plan.refresh_from_db()
    assert plan.status == "stopped"


def test_the_last_intake_needs_a_dose_or_a_time():
    user = make_user()
    taper = services.start_taper(user, substance=substance("kratom"), started_on=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="no dose logged"):
        services.record_last_intake(user, taper)
