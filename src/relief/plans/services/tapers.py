"""Tapers: the person's own schedule (set with their clinician), SOWS check-ins and the withdrawal window."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from relief.accounts.services import time_zone_of
from relief.core.timeutil import day_bounds, local_day
from relief.diary.models import QuestionnaireResponse
from relief.diary.questionnaires import score
from relief.diary.services import log_questionnaire
from relief.plans.models import Plan, Taper, TaperStep
from relief.treatments.models import Dose

WITHDRAWAL_RESOLUTION_DAYS = 7


@transaction.atomic
def start_taper(
    user: User,
    *,
    substance: Any,
    started_on: date,
    plan: Plan | None = None,
    steps: Iterable[tuple[date, float | None, str, str]] = (),
    daily_use_over_3_months: bool | None = None,
) -> Taper:
    """Record the person's own schedule (set with their clinician): steps as (from day, amount, unit, note)."""
    taper = Taper(
        user=user,
        substance=substance,
        started_on=started_on,
        plan=plan,
        daily_use_over_3_months=daily_use_over_3_months,
    )
    taper.full_clean()
    taper.save()
    for step in steps:
        add_taper_step(user, taper, *step)
    if plan is not None and plan.status != Plan.Status.TAPERING:
        plan.status = Plan.Status.TAPERING
        plan.save(update_fields=["status"])
    return taper


@transaction.atomic
def add_taper_step(
    user: User, taper: Taper, starts_on: date, amount: float | None, unit: str = "", note: str = ""
) -> TaperStep:
    if taper.user_id != user.pk:
        raise ValidationError({"taper": "belongs to another person"})
    step = TaperStep(taper=taper, starts_on=starts_on, amount=amount, unit=unit, note=note)
    step.full_clean()
    step.save()
    return step


def current_step(taper: Taper, on: date) -> TaperStep | None:
    return taper.steps.filter(starts_on__lte=on).order_by("-starts_on").first()


@transaction.atomic
def record_last_intake(user: User, taper: Taper, at: datetime | None = None) -> Taper:
    """Mark the last intake (default: the latest logged dose of the substance); the withdrawal window follows."""
    if taper.user_id != user.pk:
        raise ValidationError({"taper": "belongs to another person"})
    if at is None:
        last = Dose.objects.filter(user=user, substance=taper.substance).order_by("-taken_at").first()
        if last is None:
            raise ValidationError({"last_intake_at": "no dose logged; give the time of the last intake"})
        at = last.taken_at
    taper.last_intake_at = at
    taper.full_clean()
    taper.save(update_fields=["last_intake_at"])
    if taper.plan_id:
        Plan.objects.filter(pk=taper.plan_id).update(status=Plan.Status.STOPPED)
    return taper


def sows_checkin(user: User, taper: Taper, answers: list[int], answered_at: datetime | None = None) -> Any:
    """A daily SOWS check-in during the taper, stored as a diary questionnaire."""
    if taper.user_id != user.pk:
        raise ValidationError({"taper": "belongs to another person"})
    fields = {"answered_at": answered_at} if answered_at else {}
    return log_questionnaire(user, instrument="sows", answers=answers, **fields).entry


def sows_history(taper: Taper) -> list[dict[str, Any]]:
    tz = time_zone_of(taper.user)
    start, _ = day_bounds(taper.started_on, tz)
    return [
        {"date": local_day(r.answered_at, tz), "score": score("sows", r.answers), "at": r.answered_at}
        for r in QuestionnaireResponse.objects.filter(
            user=taper.user, instrument="sows", answered_at__gte=start
        )
    ]


def withdrawal_window(taper: Taper) -> list[date]:
    """ICHD-3 8.3.2: headache within 24 h of the last intake, resolving within 7 days: the days to watch."""
    if taper.last_intake_at is None:
        return []
    first = local_day(taper.last_intake_at, time_zone_of(taper.user))
    return [first + timedelta(days=i) for i in range(WITHDRAWAL_RESOLUTION_DAYS + 1)]
