"""The person's own limits from an active plan: days a month, hours between doses, amount a day.

The limits are the person's own, set with their clinician (``relief.plans``); this rule only says
when a saved dose goes beyond one of them. It checks the saved dose (``check_entry``), not the
whole diary, so a limit reached once is mentioned once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from relief.accounts.services import time_zone_of
from relief.core.timeutil import day_bounds, local_day
from relief.plans.models import Plan
from relief.safety.alerts import Alert, Evidence
from relief.safety.config import SafetyConfig
from relief.safety.kb import Knowledge, Source
from relief.safety.rules.base import Focus
from relief.safety.snapshot import Diary
from relief.treatments.models import Dose

ACTIVE = (Plan.Status.PREPARING, Plan.Status.ACTIVE, Plan.Status.TAPERING)
ACTION = "This is a limit you set in your plan; if it no longer fits, change it with your clinician."


def check(diary: Diary, kb: Knowledge, cfg: SafetyConfig, focus: Focus) -> list[Alert]:
    if focus.mode != "entry":
        return []
    alerts: list[Alert] = []
    for view in focus.doses:
        alerts.extend(dose_alerts(view.model, view.tz))
    return alerts


def dose_alerts(dose: Dose, tz: str | None = None) -> list[Alert]:
    """Alerts for a saved dose that goes beyond a limit of an active plan of its substance.

    Days and months are the person's own (``tz``, default: the zone in their profile).
    """
    plans = list(
        Plan.objects.filter(user_id=dose.user_id, substance_id=dose.substance_id, status__in=ACTIVE)
        .select_related("substance")
        .order_by("-starts_on", "id")
    )
    if not plans:
        return []
    tz = tz or time_zone_of(dose.user)
    same = Dose.objects.filter(user_id=dose.user_id, substance_id=dose.substance_id)
    alerts: list[Alert] = []
    for plan in plans:
        alerts += _days_a_month(plan, dose, same, tz)
        alerts += _hours_between(plan, dose, same)
        alerts += _amount_a_day(plan, dose, same, tz)
    return alerts


def _alert(plan: Plan, key: str, title: str, message: str, doses: list[Dose]) -> Alert:
    return Alert(
        key=key,
        rule="personal_limit",
        level="caution",
        title=title,
        message=message,
        actions=(ACTION,),
        evidence=tuple(Evidence("dose", str(d.pk), str(d)) for d in doses),
        sources=(Source(key="own_plan", title="Your own plan", locator=f"/plans/{plan.id}/"),),
    )


def _days_a_month(plan: Plan, dose: Dose, same: Any, tz: str) -> list[Alert]:
    if not plan.max_days_per_month:
        return []
    day = local_day(dose.taken_at, tz)
    month_start, _ = day_bounds(day.replace(day=1), tz)
    next_month = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    month_end, _ = day_bounds(next_month, tz)
    in_month = same.filter(taken_at__gte=month_start, taken_at__lt=month_end, taken_at__lte=dose.taken_at)
    days = {local_day(d.taken_at, tz) for d in in_month}
    if len(days) <= plan.max_days_per_month:
        return []
    name = plan.substance.name
    return [
        _alert(
            plan,
            f"personal_limit:days:{plan.id}:{day:%Y-%m}",
            f"More {name} days this month than your own limit",
            f"{len(days)} days with {name} in {day:%B %Y}; your plan says at most {plan.max_days_per_month}.",
            [dose],
        )
    ]


def _hours_between(plan: Plan, dose: Dose, same: Any) -> list[Alert]:
    if not plan.min_hours_between:
        return []
    previous = same.filter(taken_at__lt=dose.taken_at).exclude(pk=dose.pk).order_by("-taken_at").first()
    if previous is None:
        return []
    gap = (dose.taken_at - previous.taken_at).total_seconds() / 3600
    if gap >= plan.min_hours_between:
        return []
    return [
        _alert(
            plan,
            f"personal_limit:gap:{plan.id}:{dose.id}",
            f"{plan.substance.name} sooner than your own limit",
            f"{gap:.1f} hours after the previous dose; your plan says at least "
            f"{plan.min_hours_between:g} hours.",
            [previous, dose],
        )
    ]


def _amount_a_day(plan: Plan, dose: Dose, same: Any, tz: str) -> list[Alert]:
    limit_g = plan.max_daily_g
    if limit_g is None:
        return []
    day = local_day(dose.taken_at, tz)
    day_start, day_end = day_bounds(day, tz)
    today = same.filter(taken_at__gte=day_start, taken_at__lt=day_end, taken_at__lte=dose.taken_at)
    total = sum(d.amount_g or 0 for d in today)
    if total <= limit_g:
        return []
    return [
        _alert(
            plan,
            f"personal_limit:daily:{plan.id}:{day}",
            f"More {plan.substance.name} today than your own limit",
            f"{total:g} g on {day}; your plan says at most {plan.max_daily_amount:g} "
            f"{plan.max_daily_unit} a day.",
            [dose],
        )
    ]
