"""The `relief` command: a thin layer over the same services the web app uses.

Each command family lives in its own module and is registered from
COMMAND_MODULES; every command has --help with an example, and commands that
print data print JSON.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from relief import __version__

COMMAND_MODULES = [
    "log",
    "entries",
    "demo",
    "exchange",
    "serve",
    "admin",
    "check",
    "report",
    "analyze",
    "worker",
    "backup",
    "plans",
    "doctor",
]


class ReliefGroup(click.Group):
    """A group whose commands come from the modules in COMMAND_MODULES (the CLI's plug-in point)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in COMMAND_MODULES:
            module = importlib.import_module(f"relief.cli.{name}")
            for command in getattr(module, "COMMANDS", []):
                self.add_command(command)

    def invoke(self, ctx: click.Context) -> Any:
        # Django is set up once a command is about to run: `relief --help`, `relief log --help`
        # and mistyped arguments are answered without it (click parses before invoking).
        _set_up_before_running(self)
        return super().invoke(ctx)


def _set_up_before_running(group: click.Group) -> None:
    """Wrap each command's invoke (once) so that Django is set up just before it runs.

    Groups inside (``relief log``) are walked, not wrapped: ``relief log dose --help`` is
    answered before anything is set up.
    """
    for command in group.commands.values():
        if isinstance(command, click.Group):
            _set_up_before_running(command)
            continue
        if getattr(command, "_relief_sets_up_django", False):
            continue
        run = command.invoke

        def invoke(ctx: click.Context, run: Any = run) -> Any:
            setup_django()
            return run(ctx)

        command.invoke = invoke  # type: ignore[method-assign]
        command._relief_sets_up_django = True  # type: ignore[attr-defined]


@click.group(
    cls=ReliefGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(__version__, prog_name="relief")
@click.option(
    "--user", "username", envvar="RELIEF_USER", help="Account to work on (default: the only account)."
)
@click.pass_context
def cli(ctx: click.Context, username: str | None) -> None:
    """Relief Journal: log attacks, doses and days; check safety; analyse; export.

    \b
    Examples:
      relief log attack --start "30m ago" --pain 7 --nausea --photophobia
      relief log dose kratom 3 g --reason acute
      relief list doses --from 2026-11-01
      relief demo --days 365 && relief serve
    """
    ctx.ensure_object(dict)
    ctx.obj["username"] = username


def setup_django() -> None:
    """Set Django up (once); commands call it through the group just before they run."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relief.settings")
    # lazy: Django loads only when a command runs; `relief --help` answers without it
    from django.apps import apps

    if apps.ready:
        return
    # lazy: Django loads only when a command runs; `relief --help` answers without it
    import django

    django.setup()


def ensure_migrated() -> None:
    """Create and migrate the database on first use (cheap when it is up to date)."""
    # lazy: Django loads only when a command runs; `relief --help` answers without it
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)


def main() -> None:
    try:
        cli.main(prog_name="relief", standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.exit(130)
