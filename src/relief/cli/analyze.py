"""`relief analyze`: the n-of-1 analysis of your diary as one JSON document (docs/analysis.md)."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from django.contrib.auth.models import User

from relief.cli.common import current_user, echo_json


@click.command("analyze")
@click.option(
    "--from", "start", default=None, help="First day (YYYY-MM-DD); default: the start of the diary."
)
@click.option("--to", "end", default=None, help="Last day (YYYY-MM-DD); default: the end of the diary.")
@click.option(
    "--baseline", default=None, help="Baseline period FIRST:LAST for the change in monthly migraine days."
)
@click.option(
    "--json", "as_json", is_flag=True, default=True, help="Print JSON (the default and only format)."
)
@click.option(
    "--fresh", is_flag=True, help="Run the analysis again even when the stored result is still current."
)
def analyze(start: str | None, end: str | None, baseline: str | None, as_json: bool, fresh: bool) -> None:
    """Analyse headache frequency, triggers and protectors, treatment response, dose-response, side
    effects, tolerance and the ICHD-3 diary findings, with intervals and "not enough data" notes.

    Associations in a diary are not proof of cause, and diary findings are not a diagnosis.

    The result is stored; while the diary is unchanged (and on the same day) the next run prints
    it at once, without loading the analysis libraries. --fresh runs the analysis again.

    \b
    Example:
      relief analyze --from 2026-01-01 --to 2026-10-31 --baseline 2026-01-01:2026-01-28 --json
    """
    user = current_user()
    base = None
    if baseline:
        first, sep, last = baseline.partition(":")
        if not sep:
            raise click.BadParameter(
                "write the baseline as FIRST:LAST, e.g. 2026-01-01:2026-01-28", param_hint="--baseline"
            )
        base = (first, last)
    period = f"analyze:{start or ''}..{end or ''}|{baseline or ''}"
    if len(period) > 100:
        raise click.BadParameter("write the days as YYYY-MM-DD", param_hint="--from/--to/--baseline")
    if not fresh:
        stored = stored_document(user, period)
        if stored is not None:
            click.echo(stored)
            return
    try:
        document = run(user, period, start, end, base)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    echo_json(document)


def _basis(user: User) -> str:
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.accounts.services import today_for
    from relief.insights.services import analysis_version

    return f"{analysis_version()}|{today_for(user).isoformat()}"


def stored_document(user: User, period: str) -> str | None:
    """The stored document of this command's period as printed, when the diary has not changed since."""
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.insights.models import StoredInsights
    from relief.insights.services import diary_version, is_current

    row = StoredInsights.objects.filter(user=user, period=period).first()
    if row is None or not is_current(row, diary_version(user), _basis(user)):
        return None
    return json.dumps(json.loads(row.doc), indent=2, ensure_ascii=False, default=str)


def run(
    user: User, period: str, start: str | None, end: str | None, base: tuple[str, str] | None
) -> dict[str, Any]:
    """Run the analysis now (loading pandas and SciPy) and store the result for the next run."""
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.utils import timezone

    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.insights.services import Insights, analysis_for, diary_version, store_result

    version, expected = diary_version(user), _basis(user)  # read before the analysis, as the worker does
    document = analysis_for(user, start, end, baseline=base).doc
    period_doc = document.get("period") or {}
    try:
        first, last = date.fromisoformat(str(period_doc["start"])), date.fromisoformat(str(period_doc["end"]))
    except (KeyError, ValueError):
        first = last = timezone.localdate()
    stored = json.loads(json.dumps(document, default=str))
    store_result(
        user, period, version, expected, Insights(first, last, stored, {}, timezone.now(), stored=False)
    )
    return document


COMMANDS = [analyze]
