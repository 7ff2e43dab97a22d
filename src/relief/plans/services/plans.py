"""Plans: the seven careful steps, the person's own limits and the sheet for the clinician visit.

The journal never proposes an amount: limits are the person's own, set with their clinician. The
safety rule ``relief.safety.rules.personal_limits`` says when a saved dose goes beyond them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from relief.accounts.services import time_zone_of, today_for
from relief.core.timeutil import day_bounds, local_day
from relief.diary.models import Attack, DayRecord
from relief.plans.models import Plan, PlanStep
from relief.products.models import LabReport
from relief.safety.kb import load_knowledge
from relief.treatments.models import StandingMedication

BASELINE_DAYS = 28

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
    meds = StandingMedication.objects.filter(user=user).select_related("substance")
    return [m for m in meds if m.active_on(on)]


def interaction_screen(plan: Plan) -> dict[str, Any]:
    """The plan's treatment against the standing medications, through the safety knowledge.

    Status "checked" when every medication could be screened; "not_yet" with an
    explanation otherwise (the person then checks with their pharmacist).
    """
    on = max(plan.starts_on, today_for(plan.user))
    meds = standing_medications(plan.user, on)
    names = [m.substance.name for m in meds]
    if not plan.substance.is_kratom:
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
    kb = load_knowledge()
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


def lab_report_check(plan: Plan) -> dict[str, Any]:
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


def plan_summary(plan: Plan) -> dict[str, Any]:
    """A plan as the CLI and its JSON show it in a list."""
    return {
        "id": str(plan.pk),
        "treatment": plan.substance.name,
        "product": plan.product.name if plan.product else None,
        "kind": plan.kind,
        "status": plan.status,
        "starts_on": str(plan.starts_on),
        "reassess_on": str(plan.reassess_on),
        "reassessment_due": plan.reassess_on <= today_for(plan.user),
        "progress": plan_progress(plan),
    }


def plan_detail(plan: Plan) -> dict[str, Any]:
    """A plan with its steps, limits, baseline, interaction screen, lab-report check and decisions."""
    return {
        **plan_summary(plan),
        "goal": plan.goal,
        "steps": [
            {
                "position": s.position,
                "key": s.key,
                "label": s.get_key_display(),
                "state": s.state,
                "explanation": s.explanation,
                "note": s.note,
            }
            for s in steps_of(plan)
        ],
        "limits": {
            "max_days_per_month": plan.max_days_per_month,
            "min_hours_between": plan.min_hours_between,
            "max_daily_amount": plan.max_daily_amount,
            "max_daily_unit": plan.max_daily_unit,
            "text": limits_text(plan),
        },
        "baseline": baseline_status(plan),
        "interaction_screen": interaction_screen(plan),
        "lab_report_check": lab_report_check(plan),
        "decisions": [
            {"decided_on": str(d.decided_on), "choice": d.choice, "reasons": d.reasons}
            for d in plan.decisions.all()
        ],
    }
