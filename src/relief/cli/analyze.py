"""`relief analyze`: the n-of-1 analysis of your diary as one JSON document (docs/analysis.md)."""

from __future__ import annotations

import click

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
def analyze(start, end, baseline, as_json) -> None:
    """Analyse headache frequency, triggers and protectors, treatment response, dose-response, side
    effects, tolerance and the ICHD-3 diary findings, with intervals and "not enough data" notes.

    Associations in a diary are not proof of cause, and diary findings are not a diagnosis.

    \b
    Example:
      relief analyze --from 2026-01-01 --to 2026-10-31 --baseline 2026-01-01:2026-01-28 --json
    """
    from relief.analysis.report import analyze as run_analysis
    from relief.insights.frames import build_diary

    user = current_user()
    base = None
    if baseline:
        first, sep, last = baseline.partition(":")
        if not sep:
            raise click.BadParameter(
                "write the baseline as FIRST:LAST, e.g. 2026-01-01:2026-01-28", param_hint="--baseline"
            )
        base = (first, last)
    try:
        document = run_analysis(build_diary(user), start=start, end=end, baseline=base)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    echo_json(document)


COMMANDS = [analyze]
