"""`relief plan ...` and `relief trial ...`: guided plans, reassessments and personal trials.

A thin layer over relief.plans.services, used exactly as the plan and trial pages
use it.  Plans and trials are named by their id (or a unique start of it) and
only ever looked up among the chosen person's own rows: anyone else's id is
"no such plan".  A trial never shows the option of a sealed allocation, nor
the fingerprint of the sealed sequence while any place is still sealed.
"""

from __future__ import annotations

import textwrap
from typing import Any

import click

from relief.cli.common import current_user, echo_json, reports_errors

MIN_PREFIX = 4
STEP_KEYS = ["clinician", "interactions", "lab_report", "limits", "baseline", "reassess", "storage"]
STEP_STATES = ["done", "skipped", "not_yet"]
DECISIONS = ["continue", "change", "cut_down", "stop"]


# ------------------------------------------------------------------ shared helpers


def _find(user, model, text: str, noun: str):
    """The person's own plan or trial with this id or unique start of an id; anything else is 'no such'."""
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.core.access import owned

    key = text.strip().lower().replace("-", "")
    matches = []
    if len(key) >= MIN_PREFIX:
        matches = [pk for pk in owned(model, user).values_list("pk", flat=True) if pk.hex.startswith(key)]
    if not matches:
        raise click.ClickException(f"no such {noun}: {text!r} (see: relief {noun} list)")
    if len(matches) > 1:
        raise click.ClickException(f"several of your {noun}s start with {text!r}; give more of the id")
    return owned(model, user).get(pk=matches[0])


def _day(user, text: str | None, field: str):
    """A calendar day from the command line; a bad one is an error on the model field it fills."""
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.core.exceptions import ValidationError

    from relief.accounts.services import time_zone_of
    from relief.core.timeutil import TimeInputError, parse_day

    if text is None:
        return None
    try:
        return parse_day(text, time_zone_of(user))
    except TimeInputError as exc:
        raise ValidationError({field: str(exc)}) from None


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(str(text), width=100, initial_indent=indent, subsequent_indent=indent)


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


# ------------------------------------------------------------------ plans


def _plan_summary(plan) -> dict[str, Any]:
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.accounts.services import today_for
    from relief.plans import services

    return {
        "id": str(plan.pk),
        "treatment": plan.substance.name,
        "product": plan.product.name if plan.product else None,
        "kind": plan.kind,
        "status": plan.status,
        "starts_on": str(plan.starts_on),
        "reassess_on": str(plan.reassess_on),
        "reassessment_due": plan.reassess_on <= today_for(plan.user),
        "progress": services.plan_progress(plan),
    }


def _plan_detail(plan) -> dict[str, Any]:
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans import services

    return {
        **_plan_summary(plan),
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
            for s in services.steps_of(plan)
        ],
        "limits": {
            "max_days_per_month": plan.max_days_per_month,
            "min_hours_between": plan.min_hours_between,
            "max_daily_amount": plan.max_daily_amount,
            "max_daily_unit": plan.max_daily_unit,
            "text": services.limits_text(plan),
        },
        "baseline": services.baseline_status(plan),
        "interaction_screen": services.interaction_screen(plan),
        "lab_report_check": services.lab_report_check(plan),
        "decisions": [
            {"decided_on": str(d.decided_on), "choice": d.choice, "reasons": d.reasons}
            for d in plan.decisions.all()
        ],
    }


def _finding_text(finding: Any) -> str:
    if not isinstance(finding, dict):
        return str(finding)
    who = finding.get("medication") or finding.get("title") or ""
    what = finding.get("mechanism") or finding.get("message") or ""
    level = finding.get("level", "")
    return f"{who} ({level}): {what}" if level else f"{who}: {what}"


def _print_plan(data: dict[str, Any]) -> None:
    progress = data["progress"]
    click.echo(f"{data['kind'].capitalize()} plan for {data['treatment']}  (id {data['id']})")
    due = "  - reassessment due: relief plan review" if data["reassessment_due"] else ""
    click.echo(
        f"Status: {data['status']}; starts {data['starts_on']}; reassess on {data['reassess_on']}{due}"
    )
    if data["product"]:
        click.echo(f"Product: {data['product']}")
    if data["goal"]:
        click.echo(_wrap(f"Goal: {data['goal']}", ""))
    click.echo("")
    click.echo(
        f"Steps ({progress['done']} done, {progress['skipped']} skipped, {progress['not_yet']} not yet):"
    )
    for step in data["steps"]:
        click.echo(f"  {step['position']}. [{step['state']}] {step['label']}  (key: {step['key']})")
        if step["explanation"]:
            click.echo(_wrap(step["explanation"], "       "))
        if step["note"]:
            click.echo(_wrap(f"Your note: {step['note']}", "       "))
    click.echo("")
    limits = data["limits"]["text"]
    click.echo("Your limits: " + ("; ".join(limits) if limits else "none set (relief plan limits)"))
    click.echo(_wrap(f"Baseline: {data['baseline']['explanation']}", ""))
    screen = data["interaction_screen"]
    click.echo(_wrap(f"Interaction screen ({screen['status']}): {screen['explanation']}", ""))
    for finding in screen["findings"]:
        click.echo(_wrap(f"- {_finding_text(finding)}"))
    lab = data["lab_report_check"]
    click.echo(_wrap(f"Lab report check ({lab['status']}): {lab['explanation']}", ""))
    for decision in data["decisions"]:
        click.echo(
            _wrap(f"Decided {decision['choice']} on {decision['decided_on']}: {decision['reasons']}", "")
        )


@click.group("plan")
def plan() -> None:
    """Plans for trying a treatment carefully: steps, your own limits, reassessment and decisions.

    \b
    Example:
      relief plan start --treatment kratom --kind acute --starts-on 2026-12-01 --reassess-on 2027-01-01
    """


@plan.command("start")
@click.option("--treatment", required=True, help="Substance name from the catalogue or your own list.")
@click.option("--kind", type=click.Choice(["acute", "preventive"]), default="acute", show_default=True)
@click.option("--starts-on", required=True, help="The day you plan to start (YYYY-MM-DD, today).")
@click.option("--reassess-on", required=True, help="The day you look back and decide (YYYY-MM-DD).")
@click.option("--goal", default="", help="What you hope it changes, in your own words.")
@click.option("--product", default=None, help="Name of the product you will use (for its lab report).")
@reports_errors
def plan_start(treatment, kind, starts_on, reassess_on, goal, product) -> None:
    """Start a plan; its seven steps are checked once right away. Prints the plan as JSON.

    \b
    Example:
      relief plan start --treatment kratom --kind acute --starts-on 2026-12-01 \\
          --reassess-on 2027-01-01 --goal "fewer days lost to attacks"
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.core.exceptions import ValidationError

    from relief.core.access import owned
    from relief.plans import services
    from relief.products.models import Product
    from relief.treatments.services import require_substance

    user = current_user()
    found_product = None
    if product:
        found_product = owned(Product, user).filter(name__iexact=product).first()
        if found_product is None:
            raise ValidationError(
                {"product": f"no product named {product!r}; add it with: relief log product"}
            )
    saved = services.start_plan(
        user,
        substance=require_substance(user, treatment),
        kind=kind,
        product=found_product,
        goal=goal,
        starts_on=_day(user, starts_on, "starts_on"),
        reassess_on=_day(user, reassess_on, "reassess_on"),
    )
    echo_json(_plan_detail(saved))


@plan.command("list")
def plan_list() -> None:
    """List your plans as JSON, newest start first, with the progress of their steps.

    \b
    Example:
      relief plan list
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.core.access import owned
    from relief.plans.models import Plan

    user = current_user()
    echo_json([_plan_summary(p) for p in owned(Plan, user).select_related("substance", "product")])


@plan.command("show")
@click.argument("plan_id", metavar="PLAN")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def plan_show(plan_id, as_json) -> None:
    """Show a plan: its steps (checked again now), your limits, the baseline, the interaction screen and
    the lab-report check.

    \b
    Examples:
      relief plan show 4f1c
      relief plan show 4f1c --json
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans import services
    from relief.plans.models import Plan

    user = current_user()
    found = _find(user, Plan, plan_id, "plan")
    services.refresh_steps(found)
    data = _plan_detail(found)
    if as_json:
        echo_json(data)
    else:
        _print_plan(data)


@plan.command("step")
@click.argument("plan_id", metavar="PLAN")
@click.argument("key", type=click.Choice(STEP_KEYS))
@click.option("--state", type=click.Choice(STEP_STATES), required=True)
@click.option("--note", default=None, help="Your own note on the step (omit to keep the one there).")
@reports_errors
def plan_step(plan_id, key, state, note) -> None:
    """Mark a step of a plan done, skipped or not yet.

    \b
    Example:
      relief plan step 4f1c clinician --state done --note "saw Dr Lee on 2 Dec"
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans import services
    from relief.plans.models import Plan

    user = current_user()
    step = services.set_step(user, _find(user, Plan, plan_id, "plan"), key, state, note)
    echo_json({"plan": str(step.plan_id), "key": step.key, "state": step.state, "note": step.note})


@plan.command("limits")
@click.argument("plan_id", metavar="PLAN")
@click.option("--max-days-per-month", type=int, default=None, help="At most this many days a month (1-31).")
@click.option("--min-hours-between", type=float, default=None, help="At least this many hours between doses.")
@click.option("--max-daily-amount", type=float, default=None, help="At most this much in one day.")
@click.option(
    "--max-daily-unit",
    "--unit",
    "max_daily_unit",
    type=click.Choice(["g", "mg", "mcg"]),
    default=None,
    help="Unit of the daily amount.",
)
@reports_errors
def plan_limits(plan_id, **limits) -> None:
    """Set your own limits (agreed with your clinician; the journal never proposes an amount).
    Limits you leave out stay as they are.

    \b
    Example:
      relief plan limits 4f1c --max-days-per-month 8 --min-hours-between 24 --max-daily-amount 4 --unit g
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans import services
    from relief.plans.models import Plan

    user = current_user()
    given = {name: value for name, value in limits.items() if value is not None}
    if not given:
        raise click.UsageError("give at least one limit, e.g. --max-days-per-month 8")
    saved = services.set_limits(user, _find(user, Plan, plan_id, "plan"), **given)
    echo_json(_plan_detail(saved)["limits"])


def _print_review(plan, review: dict[str, Any]) -> None:
    counts = review["counts"]
    click.echo(f"Benefit-risk review of the {plan} ({counts['start']} to {counts['end']})")
    click.echo(_wrap(counts["wording"], ""))
    click.echo("")
    rows = [
        ("days", "days"),
        ("recorded_days", "days with diary"),
        ("attacks", "attacks"),
        ("days_with_intake", f"days with {counts['treatment']}"),
        ("side_effects", "side effects"),
    ]
    before, during = counts["before"], counts["during"]
    click.echo(f"  {'':<24}{'before':>10}{'during':>10}")
    for key, label in rows:
        click.echo(f"  {label:<24}{before[key]:>10}{during[key]:>10}")
    if during["side_effect_symptoms"]:
        click.echo(_wrap("Side effects during: " + ", ".join(during["side_effect_symptoms"])))
    for part, pairs in (review.get("highlights") or {}).items():
        if pairs:
            click.echo(f"{part.capitalize()}: " + "; ".join(f"{k} {v}" for k, v in pairs))
    for note in [*((review.get("analysis") or {}).get("notes") or []), *review["notes"]]:
        click.echo(_wrap(f"- {note}", ""))


@plan.command("review")
@click.argument("plan_id", metavar="PLAN")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def plan_review(plan_id, as_json) -> None:
    """The benefit-risk review for the reassessment: the diary before and during the plan, and the
    analysis of the treatment. Association, not proof of cause.

    \b
    Examples:
      relief plan review 4f1c
      relief plan review 4f1c --json
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans import services
    from relief.plans.models import Plan

    user = current_user()
    found = _find(user, Plan, plan_id, "plan")
    review = services.benefit_risk_review(found)
    if as_json:
        echo_json(review)
    else:
        _print_review(found, review)


@plan.command("decide")
@click.argument("plan_id", metavar="PLAN")
@click.option(
    "--decision",
    "choice",
    type=click.Choice(DECISIONS),
    required=True,
    help="Continue, change something, cut down or stop.",
)
@click.option("--reasons", required=True, help="Why, in your own words.")
@click.option(
    "--next-reassessment", default=None, help="The next reassessment (needed to continue or change)."
)
@reports_errors
def plan_decide(plan_id, choice, reasons, next_reassessment) -> None:
    """Record your decision at a reassessment, with the review it was based on.

    \b
    Example:
      relief plan decide 4f1c --decision continue --reasons "fewer attack days" --next-reassessment 2027-03-01
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans import services
    from relief.plans.models import Plan

    user = current_user()
    found = _find(user, Plan, plan_id, "plan")
    next_on = _day(user, next_reassessment, "next_reassess_on")
    decision = services.record_decision(
        user,
        found,
        choice=choice,
        reasons=reasons,
        next_reassess_on=next_on,
        review=services.benefit_risk_review(found),
    )
    echo_json(
        {
            "id": str(decision.pk),
            "plan": str(found.pk),
            "decided_on": str(decision.decided_on),
            "choice": decision.choice,
            "reasons": decision.reasons,
            "next_reassess_on": str(decision.next_reassess_on) if decision.next_reassess_on else None,
            "plan_status": found.status,
        }
    )


@plan.command("history")
def plan_history() -> None:
    """Every reassessment decision, newest first, as JSON.

    \b
    Example:
      relief plan history
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans import services

    echo_json(services.decision_history(current_user()))


# ------------------------------------------------------------------ trials


def _trial_summary(trial) -> dict[str, Any]:
    allocations = list(trial.allocations.values_list("revealed_at", flat=True))
    return {
        "id": str(trial.pk),
        "title": trial.title,
        "design": trial.design,
        "status": trial.status,
        "outcome": trial.outcome,
        "planned_units": trial.planned_units,
        "places": len(allocations),
        "revealed": sum(1 for r in allocations if r is not None),
        "plan": str(trial.plan_id) if trial.plan_id else None,
    }


def _trial_detail(trial) -> dict[str, Any]:
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans import services
    from relief.plans.models import Trial

    slots = services.slots(trial)  # sealed places carry no option
    data = {
        **_trial_summary(trial),
        "outcome_label": trial.get_outcome_display(),
        "protocol": {f: getattr(trial, f) for f in Trial.PROTOCOL_FIELDS},
        "block_repeats": trial.block_repeats,
        "options": [
            {"position": o.position, "label": o.label, "substance": o.substance.name if o.substance else None}
            for o in trial.options.select_related("substance").order_by("position")
        ],
        "started": trial.locked_at,
        "starts_on": trial.starts_on,
        "ended": trial.ended_at,
        "slots": [
            {
                "position": s.position,
                "revealed": s.revealed,
                "option": s.option,
                "attack": s.attack_id,
                "revealed_at": s.revealed_at,
                "period_starts_on": s.period_starts_on,
            }
            for s in slots
        ],
        "amendments": [
            {
                "made_at": a.made_at,
                "field": a.field,
                "old": a.old_value,
                "new": a.new_value,
                "reason": a.reason,
            }
            for a in trial.amendments.all()
        ],
        "attacks_waiting": [str(a.pk) for a in services.unallocated_attacks(trial)],
    }
    if slots and all(s.revealed for s in slots):
        data["sequence_digest"] = trial.sequence_digest
        data["sequence_salt"] = trial.sequence_salt
    return data


def _print_trial(data: dict[str, Any]) -> None:
    click.echo(f"{data['title']}  (id {data['id']})")
    click.echo(f"{data['design']} design, {data['status']}; outcome: {data['outcome_label']}")
    click.echo("Options: " + ", ".join(o["label"] for o in data["options"]))
    click.echo(_wrap("Protocol: " + ", ".join(f"{k} {v}" for k, v in data["protocol"].items()), ""))
    if data["started"]:
        click.echo(f"Started {data['started']:%Y-%m-%d %H:%M} UTC")
    for amendment in data["amendments"]:
        click.echo(
            _wrap(
                f"Amended {amendment['field']}: {amendment['old']} -> {amendment['new']} ({amendment['reason']})"
            )
        )
    click.echo("")
    click.echo(f"Sequence ({data['revealed']} of {data['places']} revealed):")
    for slot in data["slots"]:
        when = f" from {slot['period_starts_on']}" if slot["period_starts_on"] else ""
        if slot["revealed"]:
            attack = f", attack {slot['attack']}" if slot["attack"] else ""
            click.echo(f"  #{slot['position']}{when}: {slot['option']}{attack}")
        else:
            click.echo(f"  #{slot['position']}{when}: sealed")
    if data["attacks_waiting"]:
        click.echo(f"Attacks since the start without a place: {', '.join(data['attacks_waiting'])}")


def _running_view(user, trial) -> None:
    """What the trial page does on every visit: reveal the periods that have begun."""
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans import services
    from relief.plans.models import Trial

    if trial.design == Trial.Design.PERIOD and trial.status == Trial.Status.RUNNING:
        services.reveal_due_periods(user, trial)


@click.group("trial")
def trial() -> None:
    """Personal (n-of-1) trials: the fixed protocol, the sealed sequence and the result.

    \b
    Example:
      relief trial show 9a0b
    """


@trial.command("list")
def trial_list() -> None:
    """List your trials as JSON, with how many places of the sequence are revealed.

    \b
    Example:
      relief trial list
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.core.access import owned
    from relief.plans.models import Trial

    echo_json([_trial_summary(t) for t in owned(Trial, current_user())])


@trial.command("show")
@click.argument("trial_id", metavar="TRIAL")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def trial_show(trial_id, as_json) -> None:
    """Show a trial: its protocol, options, amendments and sequence. A sealed place shows no option.

    \b
    Examples:
      relief trial show 9a0b
      relief trial show 9a0b --json
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans.models import Trial

    user = current_user()
    found = _find(user, Trial, trial_id, "trial")
    _running_view(user, found)
    data = _trial_detail(found)
    if as_json:
        echo_json(data)
    else:
        _print_trial(data)


def _percent(value: Any) -> str:
    return "-" if value is None or value != value else f"{value:.0%}"


def _print_result(found, result: dict[str, Any]) -> None:
    click.echo(
        f"{found.title}: {result['design']} analysis "
        f"(margin {result['margin']:g}, verdicts need {_percent(result['threshold'])})"
    )
    for label, arm in (result.get("arms") or {}).items():
        click.echo(
            f"  {label}: {arm['successes']} of {arm['n']} ({_percent(arm['rate'])}), "
            f"posterior mean {_percent(arm['posterior_mean'])}"
        )
    for period in result.get("periods") or []:
        click.echo(
            "  "
            + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in period.items())
        )
    comparisons = [
        *(result.get("comparisons") or []),
        *([result["comparison"]] if result.get("comparison") else []),
    ]
    for comparison in comparisons:
        click.echo(f"Verdict: {comparison.get('verdict', '?')}")
        if comparison.get("explanation"):
            click.echo(_wrap(comparison["explanation"]))
    for line in result.get("deviation_lines") or []:
        click.echo(_wrap(f"- {line}", ""))
    for note in [*(result.get("notes") or []), *(result.get("warnings") or [])]:
        click.echo(_wrap(f"Note: {note}", ""))
    click.echo("Use --json for the full result with the CENT 2015 items.")


@trial.command("result")
@click.argument("trial_id", metavar="TRIAL")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def trial_result(trial_id, as_json) -> None:
    """The result so far: the Bayesian and frequentist analysis, deviations and the CENT 2015 items.

    \b
    Examples:
      relief trial result 9a0b
      relief trial result 9a0b --json
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans import services
    from relief.plans.models import Trial

    found = _find(current_user(), Trial, trial_id, "trial")
    result = services.analyse_trial(found)
    if as_json:
        echo_json(result)
    else:
        _print_result(found, result)


@trial.command("attack")
@click.argument("trial_id", metavar="TRIAL")
@click.option("--start", default="now", show_default=True, help="When the attack began: now, '30m ago'.")
@reports_errors
def trial_attack(trial_id, start) -> None:
    """Log an attack in the diary and reveal which option of the trial treats it.

    \b
    Example:
      relief trial attack 9a0b --start "20m ago"
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.accounts.services import time_zone_of
    from relief.core.timeutil import parse_when
    from relief.plans import services
    from relief.plans.models import Trial

    user = current_user()
    found = _find(user, Trial, trial_id, "trial")
    started = parse_when(start, time_zone_of(user))
    allocation = services.log_attack_and_reveal(user, found, started_at=started)
    echo_json(
        {
            "trial": str(found.pk),
            "position": allocation.position,
            "option": allocation.option.label,
            "attack": str(allocation.attack_id),
        }
    )


@trial.command("outcome")
@click.argument("trial_id", metavar="TRIAL")
@click.argument("position", type=int)
@click.option(
    "--taken", default=None, help="Label of the option you took, or 'none' (default: the one revealed)."
)
@click.option("--pain-at-dose", type=int, default=None, help="Pain 0-10 when you took it.")
@click.option("--pain-2h", type=int, default=None, help="Pain 0-10 two hours later.")
@click.option("--pain-24h", type=int, default=None, help="Pain 0-10 a day later.")
@click.option(
    "--mbs-gone-2h",
    type=click.Choice(["yes", "no"]),
    default=None,
    help="Most bothersome symptom gone at 2 h.",
)
@click.option("--rescue", type=click.Choice(["yes", "no"]), default=None, help="Took a rescue medicine.")
@click.option(
    "--rescue-after-min", type=int, default=None, help="Minutes after the dose the rescue was taken."
)
@click.option(
    "--returned-24h", type=click.Choice(["yes", "no"]), default=None, help="The pain came back within 24 h."
)
@reports_errors
def trial_outcome(
    trial_id,
    position,
    taken,
    pain_at_dose,
    pain_2h,
    pain_24h,
    mbs_gone_2h,
    rescue,
    rescue_after_min,
    returned_24h,
) -> None:
    """Record what you took for a revealed attack of the trial and how it worked.

    \b
    Example:
      relief trial outcome 9a0b 1 --pain-at-dose 6 --pain-2h 0 --rescue no
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.core.exceptions import ValidationError

    from relief.plans import services
    from relief.plans.models import Trial

    user = current_user()
    found = _find(user, Trial, trial_id, "trial")
    allocation = found.allocations.filter(position=position).first()
    if allocation is None:
        raise ValidationError({"position": f"no attack {position} in this trial"})
    if taken is None:
        option = allocation.option if allocation.is_revealed else None
    elif taken.strip().lower() == "none":
        option = None
    else:
        option = found.options.filter(label__iexact=taken.strip()).first()
        if option is None:
            labels = ", ".join(found.options.values_list("label", flat=True))
            raise ValidationError(
                {"taken": f"is not an option of this trial; choose one of {labels} or none"}
            )
    dose = services.record_attack_outcome(
        user,
        allocation,
        taken=option,
        pain_at_dose=pain_at_dose,
        pain_2h=pain_2h,
        pain_24h=pain_24h,
        mbs_gone_2h=_yes_no(mbs_gone_2h),
        rescue_taken=_yes_no(rescue),
        rescue_after_min=rescue_after_min,
        returned_24h=_yes_no(returned_24h),
    )
    echo_json(
        {
            "trial": str(found.pk),
            "position": allocation.position,
            "taken": option.label if option else None,
            "dose": str(dose.pk) if dose else None,
        }
    )


COMMANDS = [plan, trial]
