"""Helpers shared by the command modules: the current account, JSON output, error reporting."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

import click
from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from django.contrib.auth.models import User

F = TypeVar("F", bound=Callable[..., Any])


def current_user(ctx: click.Context | None = None) -> User:
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.accounts.services import AccountError, resolve_user

    # lazy: cycle: relief.cli imports the command modules while it is being built
    from relief.cli import ensure_migrated

    ctx = ctx or click.get_current_context()
    ensure_migrated()
    try:
        return resolve_user(ctx.find_root().obj.get("username"))
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def alert_dicts(alerts: list[Any]) -> list[dict[str, Any]]:
    return [a.as_dict() for a in alerts]


def show_alerts(alerts: list[Any]) -> None:
    """Alerts go to stderr in words, after the notice that they are information; they never stop a save."""
    if not alerts:
        return
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.safety.alerts import DISCLAIMER

    click.echo(DISCLAIMER, err=True)
    for alert in alert_dicts(alerts):
        level = str(alert.get("level", "info")).upper()
        click.echo(f"[{level}] {alert.get('message', '')}", err=True)
        if alert.get("action"):
            click.echo(f"        {alert['action']}", err=True)


def reports_errors(func: F) -> F:
    """Turn validation errors into a clear message (field: what to fix) and exit code 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        # lazy: command modules load before Django is set up (relief.cli.main)
        from relief.core.services import error_lines
        from relief.core.timeutil import TimeInputError

        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            click.echo("Not saved; nothing was changed:", err=True)
            for line in error_lines(exc):
                click.echo(f"  {line}", err=True)
            sys.exit(1)
        except TimeInputError as exc:
            click.echo(f"Not saved; nothing was changed: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]
