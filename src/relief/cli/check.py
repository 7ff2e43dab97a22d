"""`relief check`: every active safety alert over the diary."""

from __future__ import annotations

import textwrap
from typing import Any

import click

from relief.cli.common import current_user, echo_json, reports_errors


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent)


def _as_text(data: dict[str, Any]) -> None:
    click.echo(_wrap(data["notice"], ""))
    click.echo("")
    if not data["alerts"]:
        click.echo("No active alerts.")
        return
    for alert in data["alerts"]:
        flag = " (acknowledged)" if alert["acknowledged_at"] else ""
        ask = (
            " - please acknowledge" if alert["needs_acknowledgement"] and not alert["acknowledged_at"] else ""
        )
        click.echo(f"[{alert['level'].upper()}] {alert['title']}{flag}{ask}")
        click.echo(_wrap(alert["message"]))
        for action in alert["actions"]:
            click.echo(_wrap(f"- {action}"))
        click.echo(
            _wrap(
                "Based on: "
                + "; ".join(e["label"] for e in alert["evidence"][:5])
                + (f" and {len(alert['evidence']) - 5} more" if len(alert["evidence"]) > 5 else "")
            )
        )
        for source in alert["sources"]:
            where = source.get("url") or source.get("locator", "")
            date = f", {source['date']}" if source.get("date") else ""
            click.echo(_wrap(f"Source: {source['title']}{date} <{where}>"))
        click.echo(
            _wrap(
                f"Knowledge as of {alert['as_of']}; evidence {alert['certainty_label']}. Key: {alert['key']}"
            )
        )
        click.echo("")


@click.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option(
    "--at", "at_text", default=None, help="Check as of this time instead of now (e.g. '2026-11-01 20:00')."
)
@click.option(
    "--dose",
    "dose_text",
    default=None,
    metavar="'NAME [AMOUNT UNIT]'",
    help="Check a dose before you take it (nothing is saved), e.g. --dose 'sumatriptan 50 mg'.",
)
@click.option(
    "--acknowledge",
    "ack_keys",
    multiple=True,
    metavar="KEY",
    help="Record that you have read the alert with this key (repeatable).",
)
@reports_errors
def check(as_json: bool, at_text: str | None, dose_text: str | None, ack_keys: tuple[str, ...]) -> None:
    """Print every active safety alert: interactions, frequency, overuse, dose, red flags, products,
    legal notices and special situations, each with its evidence and dated sources.

    This is information, not medical advice; talk to your clinician or pharmacist.

    \b
    Examples:
      relief check
      relief check --json
      relief check --dose "sumatriptan 50 mg"
      relief check --dose "kratom 3 g" --at "2026-11-30 21:00"
      relief check --acknowledge interaction:kratom+benzodiazepine:<id>:<id>
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.accounts.services import time_zone_of
    from relief.core.timeutil import parse_when
    from relief.safety.engine import UnknownAlertError, acknowledge_keys, check_diary, report

    user = current_user()
    at = parse_when(at_text, time_zone_of(user)) if at_text else None
    if dose_text is not None:
        _check_dose(user, dose_text, at, as_json)
        return
    try:
        alerts = acknowledge_keys(user, list(ack_keys), at) if ack_keys else check_diary(user, at)
    except UnknownAlertError as exc:
        raise click.ClickException(str(exc)) from exc
    data = report(alerts)
    if as_json:
        echo_json(data)
    else:
        _as_text(data)


def _check_dose(user: Any, text: str, at: Any, as_json: bool) -> None:
    """The alerts a dose would raise, before it is taken; nothing is saved."""
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.utils import timezone

    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.safety.engine import report
    from relief.safety.preview import parse_dose_text, preview_dose
    from relief.treatments.services import require_substance

    name, amount, unit = parse_dose_text(text)
    substance = require_substance(user, name)
    when = at or timezone.now()
    data = {**report(preview_dose(user, substance, taken_at=when, amount=amount, unit=unit)), "saved": False}
    if as_json:
        echo_json({**data, "substance": substance.name, "taken_at": when.isoformat()})
        return
    amount_text = f" {amount:g} {unit}" if amount is not None else ""
    click.echo(f"Before you take {substance.name}{amount_text} (nothing has been saved):")
    if not data["alerts"]:
        click.echo("No alert would fire for this dose at this time.")
        click.echo("")
        click.echo(_wrap(data["notice"], ""))
        return
    _as_text(data)


COMMANDS = [check]
