"""`relief report`: the clinician report as a PDF."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from relief.cli.common import current_user, echo_json


@click.command("report")
@click.option(
    "--from", "start", type=click.DateTime(formats=["%Y-%m-%d"]), help="First day (default: six months ago)."
)
@click.option("--to", "end", type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day (default: today).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("report.pdf"),
    show_default=True,
    help="PDF file to write.",
)
def report(start: datetime | None, end: datetime | None, output: Path) -> None:
    """Write the report for your clinician: a one-page summary, then treatment response, triggers,
    side effects, products, medications and charts. Every page says the data is self-reported.

    \b
    Examples:
      relief report -o report.pdf
      relief report --from 2026-01-01 --to 2026-06-30 -o first-half.pdf
    """
    # lazy: matplotlib and fpdf2 load only for `relief report`
    from relief.exchange.reports.pdf import write_report

    user = current_user()
    first = start.date() if start else None
    last = end.date() if end else None
    if first and last and last < first:
        raise click.UsageError(f"--to {last} is before --from {first}")
    built = write_report(user, output, first, last)
    echo_json(
        {
            "written": str(output),
            "from": built.start,
            "to": built.end,
            "attacks": built.doc["period"]["attacks"],
        }
    )


COMMANDS = [report]
