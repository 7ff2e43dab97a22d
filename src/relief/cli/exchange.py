"""`relief export` and `relief import`: the project's JSON format (and, where installed, other formats)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from django.contrib.auth.models import User

from relief.cli.common import current_user, echo_json
from relief.core.validation import finite


@click.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv", "fhir"]), default="json", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=True, path_type=Path),
    default=None,
    help="File to write (a directory for csv); default: standard output.",
)
def export(fmt: str, output: Path | None) -> None:
    """Export your whole journal (docs/format.md describes the JSON format).

    \b
    Examples:
      relief export -o journal.json
      relief export --format fhir -o journal.fhir.json
      relief export --format csv -o journal-csv/
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.exchange.jsonformat import dumps, export_document

    user = current_user()
    if fmt == "csv":
        # lazy: command modules load before Django is set up (relief.cli.main)
        from relief.exchange.csvexport import export_csv

        if output is None:
            raise click.UsageError("--format csv needs -o DIRECTORY")
        written = export_csv(user, output)
        echo_json({"written": [str(p) for p in written]})
        return
    if fmt == "fhir":
        # lazy: command modules load before Django is set up (relief.cli.main)
        from relief.exchange.fhir import export_bundle

        text = json.dumps(finite(export_bundle(user)), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    else:
        text = dumps(export_document(user))
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    default="auto",
    show_default=True,
    help="auto (recognise the file), json (this app), or another app's export: migraine-buddy, flaredown, "
    "flaredown-research, bearable, headi, migraine-navigator, psychonautwiki, generic.",
)
@click.option(
    "--mapping",
    default=None,
    help="Column mapping for --format generic, e.g. 'date=Date,medication=Medication' or "
    "'day=dos,day1=2024-03-01,factors=medication;airq' (docs/importers.md).",
)
@click.option("--person", default=None, help="In a file with several people's rows: import this person's.")
@click.option(
    "--dry-run", is_flag=True, help="Check everything and show what would be saved, but save nothing."
)
def import_(file: Path, fmt: str, mapping: str | None, person: str | None, dry_run: bool) -> None:
    """Import a file: all of it, or nothing (every problem is reported with where it is).

    The format is recognised from the content unless --format names it.  Entries
    imported before (the same file twice, or an overlapping later export) are
    skipped, never saved twice.

    \b
    Examples:
      relief import journal.json --dry-run
      relief import MigraineBuddy.csv
      relief import diary.csv --mapping 'day1=2024-01-01,factors=medication' --person P07 --dry-run
    """
    # lazy: tqdm loads only when an import shows progress, not for every command
    from tqdm import tqdm

    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.exchange.importers import FORMATS, ImportFormatError, run_import
    from relief.exchange.importers.detect import ALL_FORMATS, detect

    known = {"auto", *ALL_FORMATS, *FORMATS}
    if fmt not in known:
        raise click.UsageError(f"unknown --format {fmt!r}; use one of {', '.join(sorted(known))}")
    user = current_user()
    detected = ""
    if fmt == "auto":
        try:
            found = detect(file.read_bytes())
        except ImportFormatError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
        fmt, detected = found.fmt, found.reason
        click.echo(f"recognised {file.name} as {detected} (--format {fmt})", err=True)
    if fmt == "json":
        _import_json(user, file, dry_run)
        return
    with tqdm(unit="entry", disable=not sys.stderr.isatty(), file=sys.stderr, desc="importing") as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            report = run_import(
                user, file, fmt, mapping=mapping, dry_run=dry_run, progress=progress, person=person
            )
        except ImportFormatError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
    report.detected = detected
    echo_json(report.as_dict())
    if not report.ok:
        sys.exit(1)


def _import_json(user: User, file: Path, dry_run: bool) -> None:
    # lazy: tqdm loads only when an import shows progress, not for every command
    from tqdm import tqdm

    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.exchange.jsonformat import ImportFailed, import_document, parse_text

    try:
        doc = parse_text(file.read_text(encoding="utf-8"))
        total = sum(len(v) for v in doc.values() if isinstance(v, list)) if isinstance(doc, dict) else 0
        with tqdm(total=total, unit="record", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
            summary = import_document(user, doc, dry_run=dry_run, progress=bar.update)
    except ImportFailed as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    echo_json(summary.as_dict())


COMMANDS = [export, import_]
