"""`relief doctor`: what in this installation needs fixing, with the command that fixes it."""

from __future__ import annotations

import sys

import click

from relief.conf import data_dir


@click.command("doctor")
def doctor() -> None:
    """Check the installation: file permissions of the data directory and Django's own checks.

    Exits with status 1 when something needs fixing.

    \b
    Example:
      relief doctor
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.core import checks

    found = checks.run_checks(include_deployment_checks=False)
    for message in found:
        click.echo(f"warning: {message.msg}" + (f" ({message.hint})" if message.hint else ""))
    if found:
        sys.exit(1)
    click.echo(f"ok: {data_dir()} and its files are readable by their owner only")


COMMANDS = [doctor]
