"""`relief plan ...`: guided plans, reassessments and decisions (trials: relief.cli.trials).

A thin layer over relief.plans.services, used exactly as the plan pages use it. Plans are named
by their id (or a unique start of it) and only ever looked up among the chosen person's own rows:
anyone else's id is "no such plan". Every command prints JSON unless --text asks for words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from relief.plans.models import Plan

from relief.cli.common import current_user, echo_json, reports_errors
from relief.cli.plan_common import day_option, find_own, wrap
from relief.cli.trials import trial

MIN_PREFIX = 4
STEP_KEYS = ["clinician", "interactions", "lab_report", "limits", "baseline", "reassess", "storage"]
STEP_STATES = ["done", "skipped", "not_yet"]
DECISIONS = ["continue", "change", "cut_down", "stop"]


# ------------------------------------------------------------------ plans


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
        click.echo(wrap(f"Goal: {data['goal']}", ""))
    click.echo("")
    click.echo(
        f"Steps ({progress['done']} done, {progress['skipped']} skipped, {progress['not_yet']} not yet):"
    )
    for step in data["steps"]:
        click.echo(f"  {step['position']}. [{step['state']}] {step['label']}  (key: {step['key']})")
        if step["explanation"]:
            click.echo(wrap(step["explanation"], "       "))
        if step["note"]:
            click.echo(wrap(f"Your note: {step['note']}", "       "))
    click.echo("")
    limits = data["limits"]["text"]
    click.echo("Your limits: " + ("; ".join(limits) if limits else "none set (relief plan limits)"))
    click.echo(wrap(f"Baseline: {data['baseline']['explanation']}", ""))
    screen = data["interaction_screen"]
    click.echo(wrap(f"Interaction screen ({screen['status']}): {screen['explanation']}", ""))
    for finding in screen["findings"]:
        click.echo(wrap(f"- {_finding_text(finding)}"))
    lab = data["lab_report_check"]
    click.echo(wrap(f"Lab report check ({lab['status']}): {lab['explanation']}", ""))
    for decision in data["decisions"]:
        click.echo(
            wrap(f"Decided {decision['choice']} on {decision['decided_on']}: {decision['reasons']}", "")
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
def plan_start(
    treatment: str, kind: str, starts_on: str, reassess_on: str, goal: str, product: str | None
) -> None:
    """Start a plan; its seven steps are checked once right away. Prints the plan as JSON.

    \b
    Example:
      relief plan start --treatment kratom --kind acute --starts-on 2026-12-01 \\
          --reassess-on 2027-01-01 --goal "fewer days lost to attacks"
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.core.exceptions import ValidationError

    # lazy: command modules load before Django is set up (relief.cli.main)
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
        starts_on=day_option(user, starts_on, "starts_on"),
        reassess_on=day_option(user, reassess_on, "reassess_on"),
    )
    echo_json(services.plan_detail(saved))


@plan.command("list")
def plan_list() -> None:
    """List your plans as JSON, newest start first, with the progress of their steps.

    \b
    Example:
      relief plan list
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.core.access import owned
    from relief.plans import services
    from relief.plans.models import Plan

    user = current_user()
    echo_json([services.plan_summary(p) for p in owned(Plan, user).select_related("substance", "product")])


@plan.command("show")
@click.argument("plan_id", metavar="PLAN")
@click.option("--json/--text", "as_json", default=True, help="Print JSON (the default) or words.")
def plan_show(plan_id: str, as_json: bool) -> None:
    """Show a plan: its steps (checked again now), your limits, the baseline, the interaction screen and
    the lab-report check.

    \b
    Examples:
      relief plan show 4f1c
      relief plan show 4f1c --text
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans import services
    from relief.plans.models import Plan

    user = current_user()
    found = find_own(user, Plan, plan_id, "plan")
    services.refresh_steps(found)
    data = services.plan_detail(found)
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
def plan_step(plan_id: str, key: str, state: str, note: str | None) -> None:
    """Mark a step of a plan done, skipped or not yet.

    \b
    Example:
      relief plan step 4f1c clinician --state done --note "saw Dr Lee on 2 Dec"
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans import services
    from relief.plans.models import Plan

    user = current_user()
    step = services.set_step(user, find_own(user, Plan, plan_id, "plan"), key, state, note)
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
def plan_limits(plan_id: str, **limits: Any) -> None:
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
    saved = services.set_limits(user, find_own(user, Plan, plan_id, "plan"), **given)
    echo_json(services.plan_detail(saved)["limits"])


def _print_review(plan: Plan, review: dict[str, Any]) -> None:
    counts = review["counts"]
    click.echo(f"Benefit-risk review of the {plan} ({counts['start']} to {counts['end']})")
    click.echo(wrap(counts["wording"], ""))
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
        click.echo(wrap("Side effects during: " + ", ".join(during["side_effect_symptoms"])))
    for part, pairs in (review.get("highlights") or {}).items():
        if pairs:
            click.echo(f"{part.capitalize()}: " + "; ".join(f"{k} {v}" for k, v in pairs))
    for note in [*((review.get("analysis") or {}).get("notes") or []), *review["notes"]]:
        click.echo(wrap(f"- {note}", ""))


@plan.command("review")
@click.argument("plan_id", metavar="PLAN")
@click.option("--json/--text", "as_json", default=True, help="Print JSON (the default) or words.")
def plan_review(plan_id: str, as_json: bool) -> None:
    """The benefit-risk review for the reassessment: the diary before and during the plan, and the
    analysis of the treatment. Association, not proof of cause.

    \b
    Examples:
      relief plan review 4f1c
      relief plan review 4f1c --text
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans import services
    from relief.plans.models import Plan

    user = current_user()
    found = find_own(user, Plan, plan_id, "plan")
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
def plan_decide(plan_id: str, choice: str, reasons: str, next_reassessment: str | None) -> None:
    """Record your decision at a reassessment, with the review it was based on.

    \b
    Example:
      relief plan decide 4f1c --decision continue --reasons "fewer attack days" --next-reassessment 2027-03-01
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans import services
    from relief.plans.models import Plan

    user = current_user()
    found = find_own(user, Plan, plan_id, "plan")
    next_on = day_option(user, next_reassessment, "next_reassess_on")
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


COMMANDS = [plan, trial]
