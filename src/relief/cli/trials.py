"""`relief trial ...`: personal (n-of-1) trials: the fixed protocol, the sealed sequence and the result.

A thin layer over relief.plans.services, used exactly as the trial pages use it. A trial is named
by its id (or a unique start of it) among the person's own trials only. A trial never shows the
option of a sealed allocation, nor the fingerprint of the sealed sequence while any place is still
sealed. Every command prints JSON unless --text asks for words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from relief.plans.models import Trial

from relief.cli.common import current_user, echo_json, reports_errors
from relief.cli.plan_common import find_own, wrap


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _print_trial(data: dict[str, Any]) -> None:
    click.echo(f"{data['title']}  (id {data['id']})")
    click.echo(f"{data['design']} design, {data['status']}; outcome: {data['outcome_label']}")
    click.echo("Options: " + ", ".join(o["label"] for o in data["options"]))
    click.echo(wrap("Protocol: " + ", ".join(f"{k} {v}" for k, v in data["protocol"].items()), ""))
    if data["started"]:
        click.echo(f"Started {data['started']:%Y-%m-%d %H:%M} UTC")
    for amendment in data["amendments"]:
        click.echo(
            wrap(
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


def _running_view(user: User, trial: Trial) -> None:
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
    from relief.plans import services
    from relief.plans.models import Trial

    echo_json([services.trial_summary(t) for t in owned(Trial, current_user())])


@trial.command("show")
@click.argument("trial_id", metavar="TRIAL")
@click.option("--json/--text", "as_json", default=True, help="Print JSON (the default) or words.")
def trial_show(trial_id: str, as_json: bool) -> None:
    """Show a trial: its protocol, options, amendments and sequence. A sealed place shows no option.

    \b
    Examples:
      relief trial show 9a0b
      relief trial show 9a0b --text
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans import services
    from relief.plans.models import Trial

    user = current_user()
    found = find_own(user, Trial, trial_id, "trial")
    _running_view(user, found)
    data = services.trial_detail(found)
    if as_json:
        echo_json(data)
    else:
        _print_trial(data)


def _percent(value: Any) -> str:
    return "-" if value is None or value != value else f"{value:.0%}"


def _print_result(found: Trial, result: dict[str, Any]) -> None:
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
            click.echo(wrap(comparison["explanation"]))
    for line in result.get("deviation_lines") or []:
        click.echo(wrap(f"- {line}", ""))
    for note in [*(result.get("notes") or []), *(result.get("warnings") or [])]:
        click.echo(wrap(f"Note: {note}", ""))
    click.echo("Leave out --text for the full result with the CENT 2015 items.")


@trial.command("result")
@click.argument("trial_id", metavar="TRIAL")
@click.option("--json/--text", "as_json", default=True, help="Print JSON (the default) or words.")
def trial_result(trial_id: str, as_json: bool) -> None:
    """The result so far: the Bayesian and frequentist analysis, deviations and the CENT 2015 items.

    \b
    Examples:
      relief trial result 9a0b
      relief trial result 9a0b --json
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans import services
    from relief.plans.models import Trial

    found = find_own(current_user(), Trial, trial_id, "trial")
    result = services.analyse_trial(found)
    if as_json:
        echo_json(result)
    else:
        _print_result(found, result)


@trial.command("attack")
@click.argument("trial_id", metavar="TRIAL")
@click.option("--start", default="now", show_default=True, help="When the attack began: now, '30m ago'.")
@reports_errors
def trial_attack(trial_id: str, start: str) -> None:
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
    found = find_own(user, Trial, trial_id, "trial")
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
    trial_id: str,
    position: int,
    taken: str | None,
    pain_at_dose: int | None,
    pain_2h: int | None,
    pain_24h: int | None,
    mbs_gone_2h: str | None,
    rescue: str | None,
    rescue_after_min: int | None,
    returned_24h: str | None,
) -> None:
    """Record what you took for a revealed attack of the trial and how it worked.

    \b
    Example:
      relief trial outcome 9a0b 1 --pain-at-dose 6 --pain-2h 0 --rescue no
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.core.exceptions import ValidationError

    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans import services
    from relief.plans.models import Trial

    user = current_user()
    found = find_own(user, Trial, trial_id, "trial")
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


@trial.command("finish")
@click.argument("trial_id", metavar="TRIAL")
@click.option("--early", is_flag=True, help="Stop before every planned place is used (kept in the report).")
@reports_errors
def trial_finish(trial_id: str, early: bool) -> None:
    """End a running trial: finished, or stopped early. Prints the trial as JSON.

    \b
    Example:
      relief trial finish 9a0b --early
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.plans import services
    from relief.plans.models import Trial

    user = current_user()
    found = services.finish_trial(user, find_own(user, Trial, trial_id, "trial"), early=early)
    echo_json(services.trial_detail(found))
