"""`relief backup` and `relief restore`: a consistent copy of the whole database, and putting one back."""

from __future__ import annotations

from pathlib import Path

import click

from relief.cli.common import echo_json


@click.command("backup")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write; default: a time-stamped file in the data directory's backups/ folder.",
)
def backup(output: Path | None) -> None:
    """Back up every account and entry while the app keeps running.

    SQLite databases are copied with SQLite's online backup API; PostgreSQL
    databases are written as a JSON snapshot read in one REPEATABLE READ
    transaction. Prints where the backup went as JSON.

    \b
    Examples:
      relief backup
      relief backup -o /mnt/usb/relief-2026-11-21.sqlite3
    """
    # lazy: cycle: relief.cli imports the command modules while it is being built
    from relief.cli import ensure_migrated

    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.core.backup import BackupError
    from relief.core.backup import backup as make_backup

    ensure_migrated()
    try:
        echo_json(make_backup(output).as_dict())
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--no-keep-current", is_flag=True, help="Do not back up the current database before replacing it."
)
def restore(file: Path, yes: bool, no_keep_current: bool) -> None:
    """Replace the whole database with a backup, all or nothing.

    The current database is backed up first (unless --no-keep-current), so a
    restore can be undone by restoring that file.

    \b
    Example:
      relief restore ~/.local/share/relief-journal/backups/relief-20261121T050000000000Z.sqlite3 --yes
    """
    # lazy: cycle: relief.cli imports the command modules while it is being built
    from relief.cli import ensure_migrated

    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.core.backup import BackupError
    from relief.core.backup import restore as restore_backup

    if not yes:
        click.confirm(f"Replace every account and entry with the contents of {file}?", abort=True)
    ensure_migrated()
    try:
        echo_json(restore_backup(file, keep_current=not no_keep_current))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc


COMMANDS = [backup, restore]
