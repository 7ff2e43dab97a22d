"""Limits the person set in their own plan are enforced by the safety engine as personal alerts."""

from datetime import timedelta

import pytest

from relief.plans.services import start_plan
from relief.treatments.services import log_dose
from tests.factories import ago, make_user, substance

pytestmark = pytest.mark.django_db


def _plan(user, **limits):
    today = ago(hours=0).date()
    return start_plan(
        user,
        substance=substance("kratom"),
        starts_on=today - timedelta(days=40),
        reassess_on=today + timedelta(days=30),
        **limits,
    )


def test_a_dose_sooner_than_the_persons_own_spacing_raises_a_personal_alert_with_the_plan_as_source():
    user = make_user()
    plan = _plan(user, min_hours_between=6)
    log_dose(user, substance=substance("kratom"), amount=2, unit="g", taken_at=ago(hours=5))
    saved = log_dose(user, substance=substance("kratom"), amount=2, unit="g", taken_at=ago(hours=1))
    personal = [a for a in saved.alerts if a.rule == "personal_limit"]
    assert len(personal) == 1
    alert = personal[0]
    assert "your plan says at least 6 hours" in alert.message
    assert alert.sources[0].locator == f"/plans/{plan.id}/"
    assert len(alert.evidence) == 2
    assert saved.entry.pk is not None  # the alert never stopped the save


def test_doses_within_the_persons_limits_raise_no_personal_alert():
    user = make_user()
    _plan(user, min_hours_between=6, max_daily_amount=8, max_daily_unit="g")
    log_dose(user, substance=substance("kratom"), amount=2, unit="g", taken_at=ago(hours=7))
    saved = log_dose(user, substance=substance("kratom"), amount=2, unit="g", taken_at=ago(minutes=30))
    assert [a for a in saved.alerts if a.rule == "personal_limit"] == []


def test_without_a_plan_there_are_no_personal_limits():
    user = make_user()
    log_dose(user, substance=substance("kratom"), amount=2, unit="g", taken_at=ago(hours=2))
    saved = log_dose(user, substance=substance("kratom"), amount=2, unit="g", taken_at=ago(minutes=10))
    assert [a for a in saved.alerts if a.rule == "personal_limit"] == []
