"""Plans, reassessment decisions, personal trials and tapers.

Functions other parts of the app call:

* ``personal_limit_alerts(dose) -> list[dict]``: the limits a person set in their
  own active plans (days a month, hours between doses, amount a day) checked for
  a saved dose.  The safety engine adds these to its alerts; each dict has
  ``key``, ``rule`` ("personal_limit"), ``level`` ("caution"), ``title``,
  ``message``, ``plan`` (id) and ``evidence`` (dose ids).
* ``withdrawal_window_days(user) -> set[date]``: the local days of the ICHD-3
  8.3.2 opioid-withdrawal headache window (from the day of the last intake
  through 7 days later) of every taper that reached its last intake, for the
  calendar.
* ``decision_history(user) -> list[dict]``: every reassessment decision, newest
  first, for the report.
* ``reassessment_reminders(user) -> list[dict]``: ``id``, ``label``, ``url`` of
  each plan whose reassessment date has come, for the reminders endpoint.

The journal never proposes an amount: limits and taper steps are the person's
own, set with their clinician.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import secrets
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from relief.accounts.services import time_zone_of, today_for
from relief.analysis.exceptions import InsufficientDataWarning
from relief.core.lazy import lazy_module
from relief.core.timeutil import day_bounds, local_day
from relief.plans.models import (
    Allocation,
    Amendment,
    Decision,
    Plan,
    PlanStep,
    Taper,
    TaperStep,
    Trial,
    TrialOption,
)

if TYPE_CHECKING:
    import numpy as np

    from relief.analysis import trials as trial_analysis
else:  # imported on first use: the web app imports this module and must not load NumPy and SciPy
    np = lazy_module("numpy")
    trial_analysis = lazy_module("relief.analysis.trials")

log = logging.getLogger("relief.plans")

BASELINE_DAYS = 28
WITHDRAWAL_RESOLUTION_DAYS = 7
REVEAL_GRACE = timedelta(hours=6)
"""An attack that began up to this long before the trial started may still take the first place."""

CLINICIAN_CHECKLIST = (
    "My diagnosis, and what I want to change (pain, attacks, function).",
    "Everything I take: the standing medications below, plus supplements and alcohol.",
    "My history with substances, including opioids and sedatives.",
    "Liver, heart rhythm and mental health: anything that makes this riskier for me?",
)
CLINICIAN_QUESTIONS = (
    "Is this treatment a reasonable thing to try for my kind of headache or pain?",
    "Does it combine safely with each of my standing medications?",
    "What side effects should make me stop and call you?",
    "What limits (how often, how much) fit my situation?",
    "How will we know whether it helps, and when should we look again?",
    "If I stop, how should I cut down, and what withdrawal should I expect?",
)


# =========================================================================== plans


@transaction.atomic
def start_plan(
    user: User,
    *,
    substance: Any,
    starts_on: date,
    reassess_on: date,
    kind: str = Plan.Kind.ACUTE,
    product: Any = None,
    goal: str = "",
    **limits: Any,
) -> Plan:
    """Start a plan with its seven steps, each checked once right away."""
    plan = Plan(
        user=user,
        substance=substance,
        kind=kind,
        product=product,
        goal=goal,
        starts_on=starts_on,
        reassess_on=reassess_on,
        **limits,
    )
    plan.full_clean()
    plan.save()
    PlanStep.objects.bulk_create(PlanStep(plan=plan, key=key) for key in PlanStep.ORDER)
    refresh_steps(plan)
    return plan


def steps_of(plan: Plan) -> list[PlanStep]:
    return sorted(plan.steps.all(), key=lambda s: s.position)


@transaction.atomic
def set_step(user: User, plan: Plan, key: str, state: str, note: str | None = None) -> PlanStep:
    if plan.user_id != user.pk:
        raise ValidationError({"plan": "belongs to another person"})
    if state not in PlanStep.State.values:
        raise ValidationError({"state": f"choose one of {', '.join(PlanStep.State.values)}"})
    step = plan.steps.get(key=key)
    step.state = state
    if note is not None:
        step.note = note
    step.updated_at = timezone.now()
    step.save()
    return step


@transaction.atomic
def set_limits(user: User, plan: Plan, **limits: Any) -> Plan:
    """Save the person's own limits (any of max_days_per_month, min_hours_between, max_daily_amount/unit)."""
    if plan.user_id != user.pk:
        raise ValidationError({"plan": "belongs to another person"})
    for name in ("max_days_per_month", "min_hours_between", "max_daily_amount", "max_daily_unit"):
        if name in limits:
            setattr(plan, name, limits.pop(name))
    if limits:
        raise ValidationError({name: "is not a limit of a plan" for name in limits})
    plan.full_clean()
    plan.save()
    refresh_steps(plan)
    return plan


def _automatic_checks(plan: Plan) -> dict[str, tuple[bool, str]]:
    screen = interaction_screen(plan)
    lab = lab_report_check(plan)
    base = baseline_status(plan)
    limits = limits_text(plan)
    return {
        "interactions": (screen["status"] == "checked", screen["explanation"]),
        "lab_report": (lab["status"] == "checked", lab["explanation"]),
        "limits": (
            bool(limits),
            "Your limits: " + "; ".join(limits) + "." if limits else "No limits set yet.",
        ),
        "baseline": (base["enough"], base["explanation"]),
        "reassess": (True, f"Reassessment on {plan.reassess_on}."),
    }


def refresh_steps(plan: Plan) -> list[PlanStep]:
    """Run the automatic checks again; a step the person skipped stays skipped."""
    checks = _automatic_checks(plan)
    for step in plan.steps.all():
        if step.key not in checks:
            continue
        ok, text = checks[step.key]
        step.explanation = text
        if step.state != PlanStep.State.SKIPPED:
            step.state = PlanStep.State.DONE if ok else PlanStep.State.NOT_YET
        step.updated_at = timezone.now()
        step.save()
    return steps_of(plan)


def standing_medications(user: User, on: date) -> list[Any]:
    from relief.treatments.models import StandingMedication

    meds = StandingMedication.objects.filter(user=user).select_related("substance")
    return [m for m in meds if m.active_on(on)]


def interaction_screen(plan: Plan) -> dict[str, Any]:
    """The plan's treatment against the standing medications, through the safety knowledge when there is one.

    Status "checked" when every medication could be screened; "not_yet" with an
    explanation otherwise (the person then checks with their pharmacist).
    """
    on = max(plan.starts_on, today_for(plan.user))
    meds = standing_medications(plan.user, on)
    names = [m.substance.name for m in meds]
    engine = _optional("relief.safety.engine")
    if engine is not None and hasattr(engine, "screen_treatment"):
        found = list(engine.screen_treatment(plan.user, plan.substance))
        return {
            "status": "checked",
            "medications": names,
            "findings": [getattr(a, "as_dict", lambda a=a: a)() for a in found],
            "explanation": _screen_text(names, len(found)),
        }
    kb_module = _optional("relief.safety.kb")
    if kb_module is None or not plan.substance.is_kratom:
        return {
            "status": "not_yet",
            "medications": names,
            "findings": [],
            "explanation": (
                "The journal's safety knowledge does not cover this treatment yet. "
                + (
                    f"Ask your pharmacist about: {', '.join(names)}."
                    if names
                    else "No standing medications listed."
                )
            ),
        }
    kb = kb_module.load_knowledge()
    findings = []
    for med in meds:
        entry = kb.worst_interaction(med.substance.substance_class, med.substance.properties or ())
        if entry is not None:
            findings.append(
                {
                    "medication": med.substance.name,
                    "level": entry["level"],
                    "mechanism": entry.get("mechanism", ""),
                }
            )
    return {
        "status": "checked",
        "medications": names,
        "findings": findings,
        "explanation": _screen_text(names, len(findings)),
    }


def _screen_text(names: list[str], found: int) -> str:
    if not names:
        return "No standing medications in your diary; add them under treatments if you take any."
    if not found:
        return f"Checked against {', '.join(names)}: no known combination problem in the journal's knowledge."
    return f"Checked against {', '.join(names)}: {found} combination(s) to discuss with your clinician."


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None


def lab_report_check(plan: Plan) -> dict[str, Any]:
    from relief.products.models import LabReport

    if plan.product is None:
        if plan.substance.kind in ("drug", "non_drug"):
            return {
                "status": "checked",
                "reports": 0,
                "explanation": "A pharmacy product: no lab report needed.",
            }
        return {
            "status": "not_yet",
            "reports": 0,
            "explanation": "Choose the product you will use to check its lab report.",
        }
    reports = list(LabReport.objects.filter(batch__product=plan.product).select_related("batch"))
    if not reports:
        return {
            "status": "not_yet",
            "reports": 0,
            "explanation": f"No lab report for {plan.product.name} yet; ask the vendor for a recent third-party report "
            "(identity, alkaloid content, heavy metals, microbes) and add it to the batch.",
        }
    latest = max(reports, key=lambda r: r.test_date or date.min)
    return {
        "status": "checked",
        "reports": len(reports),
        "explanation": f"{len(reports)} lab report(s) for {plan.product.name}; latest for lot "
        f"{latest.batch.lot_number or '?'} from {latest.lab or 'an unnamed lab'} ({latest.test_date or 'no date'}).",
    }


def limits_text(plan: Plan) -> list[str]:
    out = []
    if plan.max_days_per_month:
        out.append(f"at most {plan.max_days_per_month} days a month")
    if plan.min_hours_between:
        out.append(f"at least {plan.min_hours_between:g} hours between doses")
    if plan.max_daily_amount:
        out.append(f"at most {plan.max_daily_amount:g} {plan.max_daily_unit} a day")
    return out


def diary_days(user: User, first: date, last: date) -> set[date]:
    """Local days between first and last (inclusive) with a day check-in or an attack."""
    from relief.diary.models import Attack, DayRecord

    tz = time_zone_of(user)
    days = set(DayRecord.objects.filter(user=user, date__range=(first, last)).values_list("date", flat=True))
    start, _ = day_bounds(first, tz)
    _, end = day_bounds(last, tz)
    for started in Attack.objects.filter(user=user, started_at__gte=start, started_at__lt=end).values_list(
        "started_at", flat=True
    ):
        days.add(local_day(started, tz))
    return days


def baseline_status(plan: Plan) -> dict[str, Any]:
    """Days of diary in the 8 weeks before the start; IHS asks for at least 28 before a preventive."""
    first = plan.starts_on - timedelta(days=2 * BASELINE_DAYS)
    days = diary_days(plan.user, first, plan.starts_on - timedelta(days=1))
    enough = len(days) >= BASELINE_DAYS
    need = "needed before a preventive (IHS)" if plan.kind == Plan.Kind.PREVENTIVE else "recommended"
    if enough:
        text = f"{len(days)} diary days before the start: a baseline of {BASELINE_DAYS} days is there."
    else:
        text = (
            f"{len(days)} of {BASELINE_DAYS} diary days before the start ({need}). "
            f"Keep the daily check-in for {BASELINE_DAYS - len(days)} more days"
            + (", or move the start later." if plan.kind == Plan.Kind.PREVENTIVE else ".")
        )
    return {"days": len(days), "needed": BASELINE_DAYS, "enough": enough, "explanation": text}


def clinician_sheet(plan: Plan) -> dict[str, Any]:
    """The printable checklist and question list for the clinician visit."""
    own = [line.strip() for line in plan.questions.splitlines() if line.strip()]
    on = max(plan.starts_on, today_for(plan.user))
    return {
        "checklist": list(CLINICIAN_CHECKLIST),
        "medications": [
            f"{m.substance.name}{' ' + m.dose_text if m.dose_text else ''}"
            for m in standing_medications(plan.user, on)
        ],
        "questions": [*CLINICIAN_QUESTIONS, *own],
        "limits": limits_text(plan),
    }


def plan_progress(plan: Plan) -> dict[str, int]:
    steps = steps_of(plan)
    return {s: sum(1 for x in steps if x.state == s) for s in PlanStep.State.values}


# --------------------------------------------------------------------------- personal limits


def personal_limit_alerts(dose: Any) -> list[dict[str, Any]]:
    """Alerts for a saved dose that goes beyond a limit the person set in an active plan of that substance."""
    from relief.treatments.models import Dose

    plans = Plan.objects.filter(
        user_id=dose.user_id,
        substance_id=dose.substance_id,
        status__in=(Plan.Status.PREPARING, Plan.Status.ACTIVE, Plan.Status.TAPERING),
    )
    if not plans:
        return []
    tz = time_zone_of(dose.user)
    day = local_day(dose.taken_at, tz)
    month_start, _ = day_bounds(day.replace(day=1), tz)
    next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    month_end, _ = day_bounds(next_month, tz)
    same = Dose.objects.filter(user_id=dose.user_id, substance_id=dose.substance_id)
    in_month = list(same.filter(taken_at__gte=month_start, taken_at__lt=month_end))
    day_start, day_end = day_bounds(day, tz)
    alerts = []
    for plan in plans:
        base = {
            "rule": "personal_limit",
            "level": "caution",
            "plan": str(plan.id),
            "evidence": [str(dose.id)],
        }
        name = plan.substance.name
        if plan.max_days_per_month:
            days = {local_day(d.taken_at, tz) for d in in_month if d.taken_at <= dose.taken_at}
            if len(days) > plan.max_days_per_month:
                alerts.append(
                    {
                        **base,
                        "key": f"personal_limit:days:{plan.id}:{day:%Y-%m}",
                        "title": f"More {name} days this month than your own limit",
                        "message": f"{len(days)} days with {name} in {day:%B %Y}; your plan says at most "
                        f"{plan.max_days_per_month}.",
                    }
                )
        if plan.min_hours_between:
            previous = (
                same.filter(taken_at__lt=dose.taken_at).exclude(pk=dose.pk).order_by("-taken_at").first()
            )
            if previous is not None:
                gap = (dose.taken_at - previous.taken_at).total_seconds() / 3600
                if gap < plan.min_hours_between:
                    alerts.append(
                        {
                            **base,
                            "key": f"personal_limit:gap:{plan.id}:{dose.id}",
                            "title": f"{name} sooner than your own limit",
                            "message": f"{gap:.1f} hours after the previous dose; your plan says at least "
                            f"{plan.min_hours_between:g} hours.",
                            "evidence": [str(previous.id), str(dose.id)],
                        }
                    )
        limit_g = plan.max_daily_g
        if limit_g is not None:
            today = same.filter(taken_at__gte=day_start, taken_at__lt=day_end, taken_at__lte=dose.taken_at)
            total = sum(d.amount_g or 0 for d in today)
            if total > limit_g:
                alerts.append(
                    {
                        **base,
                        "key": f"personal_limit:daily:{plan.id}:{day}",
                        "title": f"More {name} today than your own limit",
                        "message": f"{total:g} g on {day}; your plan says at most {plan.max_daily_amount:g} "
                        f"{plan.max_daily_unit} a day.",
                    }
                )
    return alerts


def due_reassessments(user: User, on: date | None = None) -> list[Plan]:
    on = on or today_for(user)
    return list(
        Plan.objects.filter(user=user, reassess_on__lte=on)
        .exclude(status=Plan.Status.STOPPED)
        .select_related("substance")
    )


def reassessment_reminders(user: User, on: date | None = None) -> list[dict[str, str]]:
    """Reminders for the reminders endpoint: one per plan whose reassessment date has come."""
    from django.urls import reverse

    return [
        {
            "id": str(plan.pk),
            "label": f"Time to look back on your {plan}: continue, change or stop?",
            "url": reverse("plans:reassess", args=[plan.pk]),
        }
        for plan in due_reassessments(user, on)
    ]


# =========================================================================== reassessment


def benefit_risk_review(plan: Plan, *, end: date | None = None) -> dict[str, Any]:
    """The review for the reassessment: diary counts before and during, plus the analysis library's review.

    ``counts`` is always there; ``analysis`` is the result of
    ``relief.analysis.review.review_treatment`` on ``relief.insights.frames.build_diary``
    when both exist (``None`` otherwise, with a note saying why).
    """
    end = end or min(plan.reassess_on, today_for(plan.user))
    out: dict[str, Any] = {"counts": _diary_counts(plan, end), "analysis": None, "notes": []}
    review = _optional("relief.analysis.review")
    frames = _optional("relief.insights.frames")
    if review is None or frames is None:
        out["notes"].append("Counts only; the fuller review appears once the analysis is available.")
        return out
    try:
        diary = frames.build_diary(plan.user)
        result = review.review_treatment(diary, plan.substance.name, plan.starts_on, end)
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
    from relief.diary.models import Attack, SideEffect
    from relief.treatments.models import Dose

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


# =========================================================================== personal trials


@transaction.atomic
def create_trial(
    user: User,
    *,
    title: str,
    options: Sequence[tuple[str, Any]],
    design: str = Trial.Design.ATTACK,
    plan: Plan | None = None,
    **protocol: Any,
) -> Trial:
    """A draft trial: options as (label, substance or None); the protocol can change until it starts."""
    if not 2 <= len(options) <= (3 if design == Trial.Design.ATTACK else 2):
        raise ValidationError({"options": "compare 2 or 3 options attack by attack, or 2 in periods"})
    substances = [s.pk for _, s in options if s is not None]
    labels = [label.strip().lower() for label, _ in options]
    if len(set(substances)) != len(substances) or len(set(labels)) != len(labels):
        raise ValidationError({"options": "each option needs its own treatment and its own name"})
    trial = Trial(user=user, title=title, design=design, plan=plan, **protocol)
    trial.full_clean()
    trial.save()
    for position, (label, substance) in enumerate(options):
        if substance is not None and substance.user_id not in (None, user.pk):
            raise ValidationError({"options": f"{label}: the substance belongs to another person"})
        option = TrialOption(trial=trial, label=label.strip(), substance=substance, position=position)
        option.full_clean()
        option.save()
    return trial


@transaction.atomic
def update_protocol(user: User, trial: Trial, **fields: Any) -> Trial:
    """Change the protocol of a draft; after the start only ``amend_protocol`` can."""
    _own(user, trial)
    if trial.is_locked:
        raise ValidationError({"__all__": "the protocol is fixed; record an amendment with a reason instead"})
    for name, value in fields.items():
        if name not in (*Trial.PROTOCOL_FIELDS, "title", "block_repeats"):
            raise ValidationError({name: "is not part of the protocol"})
        setattr(trial, name, value)
    trial.full_clean()
    trial.save()
    return trial


def _own(user: User, trial: Trial) -> None:
    if trial.user_id != user.pk:
        raise ValidationError({"trial": "belongs to another person"})


def _options(trial: Trial) -> list[TrialOption]:
    return list(trial.options.order_by("position"))


def _sequence(trial: Trial, n_units: int, rng: np.random.Generator) -> list[str]:
    labels = [o.label for o in _options(trial)]
    if trial.design == Trial.Design.ATTACK:
        return trial_analysis.permuted_blocks(labels, n_units, rng, repeats=trial.block_repeats)
    return trial_analysis.randomised_pairs(labels, n_units, rng)


def _digest(trial: Trial) -> str:
    """SHA-256 commitment to the sealed sequence.

    A trial has few possible sequences (2^n for n attacks at most), so an
    unsalted digest of known ids and labels could be matched against all of
    them; the secret salt makes the published fingerprint reveal nothing until
    the salt itself is shown at the end.  Trials sealed before the salt existed
    keep their unsalted digest.
    """
    text = "|".join(
        f"{a.position}:{a.sealed_option.label}"
        for a in trial.allocations.select_related("sealed_option").order_by("position")
    )
    salt = f"{trial.sequence_salt}|" if trial.sequence_salt else ""
    return hashlib.sha256(f"{salt}{trial.id}|{text}".encode()).hexdigest()


@transaction.atomic
def start_trial(
    user: User, trial: Trial, *, starts_on: date | None = None, rng: np.random.Generator | None = None
) -> Trial:
    """Fix the protocol and generate the sealed sequence, before the first allocation."""
    _own(user, trial)
    if trial.is_locked:
        raise ValidationError({"__all__": "the trial has started already"})
    rng = rng or np.random.default_rng(secrets.randbits(128))
    by_label = {o.label: o for o in _options(trial)}
    sequence = _sequence(trial, trial.planned_units, rng)
    Allocation.objects.bulk_create(
        Allocation(trial=trial, position=i + 1, sealed_option=by_label[label])
        for i, label in enumerate(sequence)
    )
    trial.locked_at = timezone.now()
    trial.status = Trial.Status.RUNNING
    if trial.design == Trial.Design.PERIOD:
        trial.starts_on = starts_on or today_for(user)
    trial.sequence_salt = secrets.token_hex(16)
    trial.sequence_digest = _digest(trial)
    trial.save()
    return trial


@transaction.atomic
def amend_protocol(user: User, trial: Trial, *, reason: str, **changes: Any) -> list[Amendment]:
    """Change a fixed protocol; every change is recorded with its reason and cannot be undone silently."""
    _own(user, trial)
    if not trial.is_locked:
        raise ValidationError({"__all__": "the trial has not started; change the protocol directly"})
    if not reason.strip():
        raise ValidationError({"reason": "say why the protocol changes"})
    made = []
    old_units = trial.planned_units
    for name, value in changes.items():
        if name not in Trial.PROTOCOL_FIELDS:
            raise ValidationError({name: "is not part of the protocol"})
        old = getattr(trial, name)
        if old == value:
            continue
        setattr(trial, name, value)
        made.append(
            Amendment(trial=trial, field=name, old_value=str(old), new_value=str(value), reason=reason)
        )
    trial._amending = True  # type: ignore[attr-defined]
    trial.full_clean()
    trial.save()
    if trial.planned_units != old_units:
        _resize_sequence(trial, old_units)
    for amendment in made:
        amendment.save()
    trial.sequence_digest = _digest(trial)
    trial.save(update_fields=["sequence_digest"])
    return made


def _resize_sequence(trial: Trial, old_units: int) -> None:
    allocations = list(trial.allocations.all())
    per_unit = 1 if trial.design == Trial.Design.ATTACK else 2
    wanted = trial.planned_units * per_unit
    revealed = sum(1 for a in allocations if a.is_revealed)
    if wanted < revealed:
        raise ValidationError(
            {"planned_units": f"{revealed} allocations are revealed already; plan at least that many"}
        )
    if wanted < len(allocations):
        trial.allocations.filter(position__gt=wanted, revealed_at__isnull=True).delete()
        return
    by_label = {o.label: o for o in _options(trial)}
    extra = _sequence(trial, trial.planned_units - old_units, np.random.default_rng(secrets.randbits(128)))
    start = len(allocations)
    Allocation.objects.bulk_create(
        Allocation(
            trial=trial, position=start + i + 1, sealed_option=by_label[label], added_by_amendment=True
        )
        for i, label in enumerate(extra)
    )


@dataclass(frozen=True)
class Slot:
    """What may be shown about one place of the sequence: its option only once revealed."""

    position: int
    revealed: bool
    option: str | None
    attack_id: str | None
    revealed_at: datetime | None
    period_starts_on: date | None = None


def slots(trial: Trial) -> list[Slot]:
    """The sequence as pages and the API see it: sealed places carry no option."""
    out = []
    for a in trial.allocations.select_related("sealed_option"):
        starts = None
        if trial.design == Trial.Design.PERIOD and trial.starts_on:
            starts = trial.starts_on + timedelta(days=(a.position - 1) * trial.period_days)
        out.append(
            Slot(
                position=a.position,
                revealed=a.is_revealed,
                option=a.option.label if a.is_revealed else None,
                attack_id=str(a.attack_id) if a.attack_id else None,
                revealed_at=a.revealed_at,
                period_starts_on=starts,
            )
        )
    return out


@transaction.atomic
def reveal_for_attack(user: User, trial: Trial, attack: Any) -> Allocation:
    """Tie the next sealed allocation to a logged attack and reveal its option (the same attack gets the same one)."""
    _own(user, trial)
    if attack.user_id != user.pk:
        raise ValidationError({"attack": "belongs to another person"})
    if trial.design != Trial.Design.ATTACK or trial.status != Trial.Status.RUNNING:
        raise ValidationError({"trial": "is not a running attack-by-attack trial"})
    existing = trial.allocations.filter(attack=attack).first()
    if existing is not None:
        return existing
    if trial.locked_at and attack.started_at < trial.locked_at - REVEAL_GRACE:
        raise ValidationError({"attack": "started before the trial began; log a new attack"})
    allocation = (
        Allocation.objects.select_for_update()
        .filter(trial=trial, revealed_at__isnull=True)
        .order_by("position")
        .first()
    )
    if allocation is None:
        raise ValidationError({"trial": "every planned attack has its allocation; the trial is complete"})
    allocation.attack = attack
    allocation.revealed_at = timezone.now()
    allocation.save(update_fields=["attack", "revealed_at"])
    return allocation


def unallocated_attacks(trial: Trial, limit: int = 3) -> list[Any]:
    """Attacks already in the diary since the trial began that have no place in it yet, newest first."""
    from relief.diary.models import Attack

    if trial.locked_at is None or trial.design != Trial.Design.ATTACK:
        return []
    taken = trial.allocations.filter(attack__isnull=False).values_list("attack_id", flat=True)
    return list(
        Attack.objects.filter(user_id=trial.user_id, started_at__gte=trial.locked_at - REVEAL_GRACE)
        .exclude(pk__in=taken)
        .order_by("-started_at")[:limit]
    )


@transaction.atomic
def log_attack_and_reveal(
    user: User, trial: Trial, *, started_at: datetime | None = None, **fields: Any
) -> Allocation:
    """Log a new attack in the diary and reveal which option treats it."""
    from relief.diary.services import log_attack

    saved = log_attack(user, started_at=started_at or timezone.now(), **fields)
    return reveal_for_attack(user, trial, saved.entry)


@transaction.atomic
def reveal_due_periods(user: User, trial: Trial, on: date | None = None) -> list[Allocation]:
    """Reveal the periods that have begun (period design): a period's option is sealed until its first day."""
    _own(user, trial)
    if trial.design != Trial.Design.PERIOD or not trial.starts_on:
        return []
    on = on or today_for(user)
    begun = (on - trial.starts_on).days // trial.period_days + 1
    due = list(trial.allocations.filter(revealed_at__isnull=True, position__lte=begun))
    for allocation in due:
        allocation.revealed_at = timezone.now()
        allocation.save(update_fields=["revealed_at"])
    return due


@transaction.atomic
def record_attack_outcome(
    user: User,
    allocation: Allocation,
    *,
    taken: TrialOption | None,
    taken_at: datetime | None = None,
    **outcome: Any,
) -> Any:
    """Log what was taken for the attack (a dose linked to it) and how it worked (the IHS time points).

    ``taken=None`` records that no option of the trial was taken (a deviation, kept in the report).
    """
    from relief.treatments.services import log_dose

    if allocation.trial.user_id != user.pk:
        raise ValidationError({"allocation": "belongs to another person"})
    if not allocation.is_revealed or allocation.attack is None:
        raise ValidationError({"allocation": "is not revealed yet; log the attack first"})
    if taken is None:
        return None
    if taken.trial_id != allocation.trial_id or taken.substance is None:
        raise ValidationError({"taken": "is not an option of this trial"})
    fields = {k: v for k, v in outcome.items() if v is not None and v != ""}
    saved = log_dose(
        user,
        substance=taken.substance,
        amount=None,
        unit="",
        taken_at=taken_at or max(allocation.attack.started_at, timezone.now() - timedelta(hours=2)),
        reason="acute",
        attack=allocation.attack,
        outcome=fields or None,
    )
    return saved.entry


def _endpoint(outcome: str, o: Any) -> bool | None:
    """The IHS endpoint of one dose outcome (0-10 pain; relief means moderate/severe to none/mild)."""
    if o is None:
        return None
    if outcome == "pain_free_2h":
        return None if o.pain_2h is None else o.pain_2h == 0
    if outcome == "relief_2h":
        if o.pain_2h is None or o.pain_at_dose is None:
            return None
        return bool(o.pain_at_dose >= 4 and o.pain_2h <= 3)
    if outcome == "mbs_free_2h":
        return None if o.mbs_gone_2h is None else bool(o.mbs_gone_2h)
    if outcome == "sustained_24h":
        if o.pain_2h is None:
            return None
        if o.pain_2h != 0 or o.rescue_taken or o.returned_24h:
            return False
        return None if o.returned_24h is None else True
    raise ValueError(f"not an attack endpoint: {outcome}")


def attack_records(trial: Trial) -> list[trial_analysis.AttackRecord]:
    """The revealed allocations with what was taken and the endpoint, read from the diary."""
    from relief.treatments.models import Dose, DoseOutcome

    options = _options(trial)
    by_substance = {o.substance_id: o.label for o in options if o.substance_id}
    records = []
    for a in trial.allocations.filter(revealed_at__isnull=False, attack__isnull=False).select_related(
        "sealed_option"
    ):
        doses = list(Dose.objects.filter(attack=a.attack, substance_id__in=by_substance).order_by("taken_at"))
        dose = next(
            (d for d in doses if by_substance[d.substance_id] == a.option.label), doses[0] if doses else None
        )
        result = DoseOutcome.objects.filter(dose=dose).first() if dose else None
        rescue_early = bool(
            result
            and result.rescue_taken
            and result.rescue_after_min is not None
            and result.rescue_after_min < 120
        )
        records.append(
            trial_analysis.AttackRecord(
                position=a.position,
                allocated=a.option.label,
                taken=by_substance[dose.substance_id] if dose else None,
                success=_endpoint(trial.outcome, result),
                rescue_before_2h=rescue_early,
            )
        )
    return records


def period_days(trial: Trial) -> list[trial_analysis.PeriodDay]:
    """Diary days of the revealed periods: worst pain, or 1/0 for a day with or without an attack."""
    from relief.diary.models import Attack, DayRecord

    if not trial.starts_on:
        return []
    tz = time_zone_of(trial.user)
    today = today_for(trial.user)
    out = []
    for a in trial.allocations.filter(revealed_at__isnull=False).select_related("sealed_option"):
        first = trial.starts_on + timedelta(days=(a.position - 1) * trial.period_days)
        last = min(first + timedelta(days=trial.period_days - 1), today)
        records = {r.date: r for r in DayRecord.objects.filter(user=trial.user, date__range=(first, last))}
        attack_days: set[date] = set()
        start, _ = day_bounds(first, tz)
        _, stop = day_bounds(last, tz)
        for attack in Attack.objects.filter(user=trial.user, started_at__lt=stop).exclude(ended_at__lt=start):
            d, end = local_day(attack.started_at, tz), local_day(attack.ended_at or attack.started_at, tz)
            while d <= end:
                attack_days.add(d)
                d += timedelta(days=1)
        for i in range((last - first).days + 1):
            day = first + timedelta(days=i)
            record = records.get(day)
            if trial.outcome == "daily_pain":
                value = float(record.worst_pain) if record and record.worst_pain is not None else float("nan")
            elif day in attack_days:
                value = 1.0
            else:
                value = 0.0 if record else float("nan")
            out.append(
                trial_analysis.PeriodDay((a.position - 1) // 2, a.position - 1, a.option.label, i, value)
            )
    return out


def _period_outcome(trial: Trial) -> trial_analysis.PeriodOutcome:
    return "migraine_days" if trial.outcome == "migraine_days" else "daily_pain"


def trial_protocol(trial: Trial) -> trial_analysis.TrialProtocol:
    labels = tuple(o.label for o in _options(trial))
    if trial.design == Trial.Design.ATTACK:
        prior = trial_analysis.BetaPrior(trial.prior_a, trial.prior_b).describe()
        randomisation = f"permuted blocks of {len(labels) * trial.block_repeats}, generated by the journal"
    else:
        prior = trial_analysis.PeriodTrialAnalysis(
            labels,
            _period_outcome(trial),
            prior_sd=trial.prior_sd,
        ).prior_text()
        randomisation = "each pair of periods in random order (AB or BA)"
    meds = [m.substance.name for m in standing_medications(trial.user, today_for(trial.user))]
    return trial_analysis.TrialProtocol(
        title=trial.title,
        design=trial.design,  # type: ignore[arg-type]
        arms=labels,
        outcome=trial.get_outcome_display(),
        planned_units=trial.planned_units,
        margin=trial.margin,
        threshold=trial.threshold,
        prior=prior,
        randomisation=randomisation,
        concurrent_therapies=tuple(meds),
        period_days=trial.period_days,
        washout_days=trial.washout_days,
        amendments=tuple(str(a) for a in trial.amendments.all()),
        started=f"{trial.locked_at:%Y-%m-%d}" if trial.locked_at else None,
        ended=f"{trial.ended_at:%Y-%m-%d}" if trial.ended_at else None,
    )


def analyse_trial(trial: Trial) -> dict[str, Any]:
    """The Bayesian and frequentist result with deviations, and the CENT 2015 items, for one trial."""
    labels = [o.label for o in _options(trial)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InsufficientDataWarning)
        if trial.design == Trial.Design.ATTACK:
            fit: Any = trial_analysis.AttackTrialAnalysis(
                labels,
                prior=trial_analysis.BetaPrior(trial.prior_a, trial.prior_b),
                margin=trial.margin,
                threshold=trial.threshold,
            ).fit(attack_records(trial))
        else:
            fit = trial_analysis.PeriodTrialAnalysis(
                labels,
                _period_outcome(trial),
                washout_days=trial.washout_days,
                margin=trial.margin,
                threshold=trial.threshold,
                prior_sd=trial.prior_sd,
            ).fit(period_days(trial))
    summary: dict[str, Any] = fit.summary()
    summary["warnings"] = [str(w.message) for w in caught if issubclass(w.category, InsufficientDataWarning)]
    summary["cent"] = [i.as_dict() for i in trial_analysis.cent_report(trial_protocol(trial), summary)]
    return summary


@transaction.atomic
def finish_trial(user: User, trial: Trial, *, early: bool = False) -> Trial:
    _own(user, trial)
    trial.status = Trial.Status.STOPPED if early else Trial.Status.FINISHED
    trial.ended_at = timezone.now()
    trial.save(update_fields=["status", "ended_at"])
    return trial


# =========================================================================== tapers


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
    from relief.treatments.models import Dose

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
    from relief.diary.services import log_questionnaire

    if taper.user_id != user.pk:
        raise ValidationError({"taper": "belongs to another person"})
    fields = {"answered_at": answered_at} if answered_at else {}
    return log_questionnaire(user, instrument="sows", answers=answers, **fields).entry


def sows_history(taper: Taper) -> list[dict[str, Any]]:
    from relief.diary.models import QuestionnaireResponse
    from relief.diary.questionnaires import score

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


def withdrawal_window_days(user: User) -> set[date]:
    """Every local day inside a withdrawal-headache window of the person's tapers (for the calendar)."""
    days: set[date] = set()
    for taper in Taper.objects.filter(user=user, last_intake_at__isnull=False):
        days.update(withdrawal_window(taper))
    return days
