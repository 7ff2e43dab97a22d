"""Reassessment: the benefit-risk review of a plan and the person's decision (continue, change, stop)."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from relief.accounts.services import time_zone_of, today_for
from relief.core.lazy import lazy_module
from relief.core.timeutil import day_bounds, local_day
from relief.diary.models import Attack, SideEffect
from relief.plans.models import Decision, Plan
from relief.plans.services.plans import diary_days
from relief.treatments.models import Dose

log = logging.getLogger("relief.plans")

# Imported on first use: the web app imports this module and must not load pandas and SciPy.
_frames = lazy_module("relief.insights.frames")
_review = lazy_module("relief.analysis.review")


def build_diary(user: User) -> Any:
    """The person's diary as the analysis library's tables."""
    return _frames.build_diary(user)


def review_treatment(diary: Any, treatment: str, start: date, end: date) -> Any:
    """``relief.analysis.review.review_treatment``: benefit next to cost for one treatment."""
    return _review.review_treatment(diary, treatment, start, end)


def due_reassessments(user: User, on: date | None = None) -> list[Plan]:
    on = on or today_for(user)
    return list(
        Plan.objects.filter(user=user, reassess_on__lte=on)
        .exclude(status=Plan.Status.STOPPED)
        .select_related("substance")
    )


def benefit_risk_review(plan: Plan, *, end: date | None = None) -> dict[str, Any]:
    """The review for the reassessment: diary counts before and during, plus the analysis library's review.

    ``counts`` is always there; ``analysis`` is the result of
    ``relief.analysis.review.review_treatment`` on the person's diary frames (``None`` when the
    analysis fails, with a note saying why).
    """
    end = end or min(plan.reassess_on, today_for(plan.user))
    out: dict[str, Any] = {"counts": _diary_counts(plan, end), "analysis": None, "notes": []}
    try:
        diary = build_diary(plan.user)
        result: Any = review_treatment(diary, plan.substance.name, plan.starts_on, end)
    except Exception as exc:  # the reassessment must still work when the analysis fails
        log.exception("benefit-risk review failed for plan %s", plan.pk)
        out["notes"].append(f"The fuller review could not be computed ({type(exc).__name__}); counts only.")
        return out
    analysis = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    out["analysis"] = analysis
    out["highlights"] = {
        part: [(k, v) for k, v in (analysis.get(part) or {}).items() if isinstance(v, int | float | str)]
        for part in ("benefit", "cost")
    }
    return out


def _diary_counts(plan: Plan, end: date) -> dict[str, Any]:
    """Counts from the diary: the treatment window against the same number of days before it."""
    tz = time_zone_of(plan.user)
    length = max((end - plan.starts_on).days + 1, 1)

    def window(first: date, last: date) -> dict[str, Any]:
        start, _ = day_bounds(first, tz)
        _, stop = day_bounds(last, tz)
        attacks = Attack.objects.filter(user=plan.user, started_at__gte=start, started_at__lt=stop)
        doses = Dose.objects.filter(
            user=plan.user, substance=plan.substance, taken_at__gte=start, taken_at__lt=stop
        )
        effects = SideEffect.objects.filter(user=plan.user, occurred_at__gte=start, occurred_at__lt=stop)
        recorded = diary_days(plan.user, first, last)
        return {
            "from": str(first),
            "to": str(last),
            "days": (last - first).days + 1,
            "recorded_days": len(recorded),
            "attacks": attacks.count(),
            "days_with_intake": len({local_day(d.taken_at, tz) for d in doses}),
            "side_effects": effects.count(),
            "side_effect_symptoms": sorted(set(effects.values_list("symptom", flat=True))),
        }

    during = window(plan.starts_on, end)
    before = window(plan.starts_on - timedelta(days=length), plan.starts_on - timedelta(days=1))
    return {
        "treatment": plan.substance.name,
        "start": str(plan.starts_on),
        "end": str(end),
        "before": before,
        "during": during,
        "wording": "Diary summary for discussion with a clinician; association, not proof of cause or effect.",
    }


@transaction.atomic
def record_decision(
    user: User,
    plan: Plan,
    *,
    choice: str,
    reasons: str,
    decided_on: date | None = None,
    next_reassess_on: date | None = None,
    review: dict[str, Any] | None = None,
) -> Decision:
    """Record continue / change / cut down / stop with the reasons and the review it was based on."""
    decided_on = decided_on or today_for(user)
    if choice in (Decision.Choice.CONTINUE, Decision.Choice.CHANGE) and next_reassess_on is None:
        raise ValidationError({"next_reassess_on": "choose the next reassessment date"})
    decision = Decision(
        user=user,
        plan=plan,
        choice=choice,
        reasons=reasons,
        decided_on=decided_on,
        next_reassess_on=next_reassess_on,
        review=review if review is not None else benefit_risk_review(plan),
    )
    decision.full_clean()
    decision.save()
    if choice in (Decision.Choice.CONTINUE, Decision.Choice.CHANGE) and next_reassess_on:
        plan.reassess_on = next_reassess_on
        plan.status = Plan.Status.ACTIVE
    elif choice == Decision.Choice.CUT_DOWN:
        plan.status = Plan.Status.TAPERING
        if next_reassess_on:
            plan.reassess_on = next_reassess_on
    else:
        plan.status = Plan.Status.TAPERING
    plan.save(update_fields=["reassess_on", "status"])
    return decision


def decision_history(user: User) -> list[dict[str, Any]]:
    """Every decision, newest first: date, treatment, choice, reasons and the next reassessment."""
    return [
        {
            "id": str(d.id),
            "plan": str(d.plan_id),
            "treatment": d.plan.substance.name,
            "decided_on": str(d.decided_on),
            "choice": d.choice,
            "choice_label": d.get_choice_display(),
            "reasons": d.reasons,
            "next_reassess_on": str(d.next_reassess_on) if d.next_reassess_on else None,
        }
        for d in Decision.objects.filter(user=user).select_related("plan__substance")
    ]
