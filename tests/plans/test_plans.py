"""Plans: the careful steps, the person's own limits, reassessment and the decision history."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from relief.accounts.services import today_for
from relief.plans import services
from relief.plans.models import Decision, Plan, PlanStep
from relief.plans.services import reassessment
from relief.safety.rules.personal_limits import dose_alerts
from tests.factories import (
    ago,
    at,
    make_attack,
    make_batch,
    make_dose,
    make_lab_report,
    make_medication,
    make_product,
    make_side_effect,
    make_user,
    substance,
)
from tests.plans.helpers import diary_days, kratom_plan

pytestmark = pytest.mark.django_db


def states(plan: Plan) -> dict[str, str]:
    return {s.key: s.state for s in services.steps_of(plan)}


def test_a_new_plan_has_the_seven_steps_in_order():
    plan = kratom_plan(make_user())
    assert [s.key for s in services.steps_of(plan)] == [
        "clinician",
        "interactions",
        "lab_report",
        "limits",
        "baseline",
        "reassess",
        "storage",
    ]
    assert states(plan)["clinician"] == "not_yet"
    assert states(plan)["reassess"] == "done"


def test_the_reassessment_must_come_after_the_start():
    user = make_user()
    with pytest.raises(ValidationError, match="after the start"):
        kratom_plan(user, starts_in=5, reassess_in=5)


def test_a_preventive_plan_waits_for_28_days_of_baseline_diary():
    user = make_user()
    diary_days(user, today_for(user) - timedelta(days=1), 20)
    plan = kratom_plan(user, kind="preventive")
    step = next(s for s in services.steps_of(plan) if s.key == "baseline")
    assert step.state == "not_yet"
    assert "20 of 28" in step.explanation and "8 more days" in step.explanation


def test_the_baseline_step_is_done_once_the_diary_covers_28_days_before_the_start():
    user = make_user()
    diary_days(user, today_for(user) - timedelta(days=1), 28)
    plan = kratom_plan(user, kind="preventive")
    assert states(plan)["baseline"] == "done"


def test_the_interaction_screen_names_the_standing_medications():
    user = make_user()
    make_medication(user, "sertraline")
    plan = kratom_plan(user)
    step = next(s for s in services.steps_of(plan) if s.key == "interactions")
    assert "Sertraline" in step.explanation
    screen = services.interaction_screen(plan)
    assert screen["medications"] == ["Sertraline"]


def test_a_treatment_the_safety_knowledge_does_not_cover_stays_not_yet_with_the_medications_listed():
    user = make_user()
    make_medication(user, "sertraline")
    plan = services.start_plan(
        user,
        substance=substance("ibuprofen"),
        starts_on=today_for(user),
        reassess_on=today_for(user) + timedelta(days=30),
    )
    step = next(s for s in services.steps_of(plan) if s.key == "interactions")
    assert step.state == "not_yet"
    assert "Ask your pharmacist about: Sertraline" in step.explanation


def test_the_lab_report_step_is_done_when_the_product_has_a_report():
    user = make_user()
    product = make_product(user)
    plan = kratom_plan(user, product=product)
    assert states(plan)["lab_report"] == "not_yet"
    make_lab_report(make_batch(product), lab="Example Labs", mitragynine_mg_per_g=15)
    services.refresh_steps(plan)
    assert states(plan)["lab_report"] == "done"


def test_a_step_the_person_skipped_stays_skipped_after_a_refresh():
    user = make_user()
    plan = kratom_plan(user)
    services.set_step(user, plan, "baseline", "skipped", note="acute use only")
    services.refresh_steps(plan)
    step = plan.steps.get(key="baseline")
    assert (step.state, step.note) == ("skipped", "acute use only")


def test_someone_else_cannot_change_a_step():
    plan = kratom_plan(make_user())
    with pytest.raises(ValidationError):
        services.set_step(make_user(), plan, "clinician", "done")


def test_the_clinician_sheet_lists_medications_limits_and_own_questions():
    user = make_user()
    make_medication(user, "sertraline", dose_text="50 mg in the morning")
    plan = kratom_plan(user, questions="Can I drive after it?\n\n")
    services.set_limits(user, plan, max_days_per_month=8)
    sheet = services.clinician_sheet(plan)
    assert "Sertraline 50 mg in the morning" in sheet["medications"]
    assert sheet["questions"][-1] == "Can I drive after it?"
    assert sheet["limits"] == ["at most 8 days a month"]


# ------------------------------------------------------------------ personal limits


def test_a_dose_beyond_each_own_limit_gives_a_personal_alert():
    with time_machine.travel(at("2026-03-15T12:00Z")):
        user = make_user()
        plan = kratom_plan(user, starts_in=-10)
        services.set_limits(
            user, plan, max_days_per_month=1, min_hours_between=6, max_daily_amount=4, max_daily_unit="g"
        )
        assert states(plan)["limits"] == "done"
        make_dose(user, amount=2, taken_at=at("2026-03-14T09:00Z"))
        make_dose(user, amount=3, taken_at=at("2026-03-15T09:00Z"))
        dose = make_dose(user, amount=2, taken_at=at("2026-03-15T11:00Z"))
        alerts = {a.key.split(":")[1]: a for a in dose_alerts(dose)}
        assert set(alerts) == {"days", "gap", "daily"}
        assert "2 days with Kratom in March 2026; your plan says at most 1" in alerts["days"].message
        assert "2.0 hours after the previous dose; your plan says at least 6 hours" in alerts["gap"].message
        assert "5 g on 2026-03-15; your plan says at most 4 g a day" in alerts["daily"].message


def test_days_a_month_are_counted_in_the_persons_own_time_zone():
    with time_machine.travel(at("2026-04-01T12:00Z")):
        user = make_user(time_zone="Europe/Berlin")
        plan = kratom_plan(user, starts_in=-30)
        services.set_limits(user, plan, max_days_per_month=1)
        make_dose(user, amount=1, taken_at=at("2026-03-30T12:00Z"))
        # 22:30 UTC on 31 March is already 1 April in Berlin (summer time): a new month, so no alert
        late = make_dose(user, amount=1, taken_at=at("2026-03-31T22:30Z"))
        assert dose_alerts(late) == []


def test_doses_within_the_limits_or_of_other_substances_give_no_personal_alert():
    user = make_user()
    plan = kratom_plan(user)
    services.set_limits(user, plan, max_days_per_month=10, min_hours_between=4)
    assert dose_alerts(make_dose(user, amount=1)) == []
    assert dose_alerts(make_dose(user, "ibuprofen", amount=400, unit="mg")) == []


def test_personal_limits_never_suggest_an_amount():
    user = make_user()
    plan = kratom_plan(user)
    services.set_limits(user, plan, max_daily_amount=1, max_daily_unit="g")
    alerts = dose_alerts(make_dose(user, amount=3))
    text = " ".join(a.message for a in alerts).lower()
    assert "your plan says" in text
    for word in ("take ", "try ", "reduce to", "increase"):
        assert word not in text


# ------------------------------------------------------------------ reassessment


def test_without_the_analysis_the_review_falls_back_to_diary_counts():
    user = make_user()
    plan = kratom_plan(user, starts_in=-14, reassess_in=0)
    make_attack(user, started_at=ago(days=20))
    make_attack(user, started_at=ago(days=3))
    make_dose(user, amount=2, taken_at=ago(days=2))
    make_side_effect(user, "constipation", occurred_at=ago(days=2))
    review = reassessment._diary_counts(plan, today_for(user))
    assert review["during"]["attacks"] == 1 and review["before"]["attacks"] == 1
    assert review["during"]["side_effect_symptoms"] == ["constipation"]
    assert review["during"]["days_with_intake"] == 1


def test_a_failing_analysis_leaves_the_counts_and_says_so(monkeypatch):
    monkeypatch.setattr(reassessment, "build_diary", lambda user: None)
    monkeypatch.setattr(reassessment, "review_treatment", lambda *args: 1 / 0)
    plan = kratom_plan(make_user(), starts_in=-30, reassess_in=0)
    result = services.benefit_risk_review(plan)
    assert result["analysis"] is None and result["counts"]["during"]["days"] == 31
    assert "ZeroDivisionError" in result["notes"][0]


def test_the_review_runs_the_analysis_library_on_the_persons_diary(monkeypatch):
    calls = []
    monkeypatch.setattr(reassessment, "build_diary", lambda user: ("diary of", user.username))
    monkeypatch.setattr(
        reassessment,
        "review_treatment",
        lambda diary, treatment, start, end: (
            calls.append((diary, treatment, start, end))
            or {"treatment": treatment, "benefit": {"attacks_per_28_days": [6, 4]}}
        ),
    )
    user = make_user("reviewed")
    plan = kratom_plan(user, starts_in=-30, reassess_in=0)
    result = services.benefit_risk_review(plan)
    assert result["analysis"]["benefit"] == {"attacks_per_28_days": [6, 4]}
    assert result["counts"]["treatment"] == "Kratom"
    assert calls == [(("diary of", "reviewed"), "Kratom", plan.starts_on, today_for(user))]


def test_a_decision_keeps_its_reasons_and_review_and_moves_the_next_reassessment():
    user = make_user()
    plan = kratom_plan(user, starts_in=-30, reassess_in=0)
    later = today_for(user) + timedelta(days=60)
    decision = services.record_decision(
        user, plan, choice="continue", reasons="fewer bad days", next_reassess_on=later, review={"x": 1}
    )
    plan.refresh_from_db()
    assert (plan.reassess_on, plan.status) == (later, "active")
    assert decision.review == {"x": 1}


def test_continuing_needs_a_next_reassessment_date_and_every_decision_needs_reasons():
    user = make_user()
    plan = kratom_plan(user, starts_in=-30, reassess_in=0)
    with pytest.raises(ValidationError, match="next reassessment"):
        services.record_decision(user, plan, choice="continue", reasons="fine", review={})
    with pytest.raises(ValidationError, match="why"):
        services.record_decision(user, plan, choice="stop", reasons="  ", review={})
    assert not Decision.objects.exists()


def test_the_decision_history_lists_every_decision_newest_first():
    user = make_user()
    plan = kratom_plan(user, starts_in=-60, reassess_in=-30)
    today = today_for(user)
    services.record_decision(
        user,
        plan,
        choice="continue",
        reasons="helps",
        decided_on=today - timedelta(days=30),
        next_reassess_on=today,
        review={},
    )
    services.record_decision(user, plan, choice="stop", reasons="constipation", decided_on=today, review={})
    history = services.decision_history(user)
    assert [(h["choice"], h["reasons"]) for h in history] == [("stop", "constipation"), ("continue", "helps")]
    assert services.decision_history(make_user()) == []
    plan.refresh_from_db()
    assert plan.status == "tapering"


def test_plans_due_for_reassessment_are_listed():
    user = make_user()
    due = kratom_plan(user, starts_in=-30, reassess_in=0)
    kratom_plan(user, reassess_in=20)
    assert services.due_reassessments(user) == [due]


def test_a_plan_step_state_must_be_known():
    user = make_user()
    plan = kratom_plan(user)
    with pytest.raises(ValidationError, match="choose one of"):
        services.set_step(user, plan, "clinician", "maybe")
    assert PlanStep.objects.filter(plan=plan, state="done").count() >= 1


def test_deleting_an_account_removes_its_plans_trials_and_tapers_even_on_its_own_substances():
    from relief.accounts.deletion import delete_account
    from relief.plans.models import Taper, Trial
    from relief.treatments.services import add_substance

    user = make_user()
    own = add_substance(user, name="My tea blend", kind="herbal")
    services.start_plan(
        user, substance=own, starts_on=today_for(user), reassess_on=today_for(user) + timedelta(days=9)
    )
    trial = services.create_trial(
        user,
        title="tea or not",
        design="period",
        options=[("Tea", own), ("Off", None)],
        outcome="daily_pain",
        planned_units=2,
    )
    services.start_trial(user, trial)
    services.start_taper(user, substance=own, started_on=today_for(user))
    delete_account(user)
    assert not Plan.objects.exists() and not Trial.objects.exists() and not Taper.objects.exists()


def test_a_substance_used_by_a_plan_cannot_be_deleted_on_its_own():
    from django.db.models import RestrictedError

    from relief.treatments.services import add_substance

    user = make_user()
    own = add_substance(user, name="My tea blend", kind="herbal")
    services.start_plan(
        user, substance=own, starts_on=today_for(user), reassess_on=today_for(user) + timedelta(days=9)
    )
    with pytest.raises(RestrictedError):
        own.delete()
