"""`relief user`, `relief profile`, `relief substance` and `relief docs`."""

from __future__ import annotations

import json
from typing import Any

import click

from relief.cli.common import current_user, echo_json, reports_errors


@click.group("user")
def user() -> None:
    """Manage accounts on this install.

    \b
    Examples:
      relief user create alex --password-prompt
      relief user link alex
    """


@user.command("create")
@click.argument("name")
@click.option("--email", default="")
@click.option("--time-zone", default=None, help="IANA name, e.g. Europe/Berlin.")
@click.option("--password-prompt", is_flag=True, help="Ask for a password (for the web app).")
@reports_errors
def user_create(name: str, email: str, time_zone: str | None, password_prompt: bool) -> None:
    """Create an account.

    \b
    Example:
      relief user create alex --time-zone Europe/Berlin
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.accounts.services import AccountError, create_account

    # lazy: cycle: relief.cli imports the command modules while it is being built
    from relief.cli import ensure_migrated

    ensure_migrated()
    password = (
        click.prompt("Password", hide_input=True, confirmation_prompt=True) if password_prompt else None
    )
    try:
        account = create_account(name, password=password, email=email, time_zone=time_zone)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    echo_json({"created": account.username})


@user.command("link")
@click.argument("name", required=False)
@click.option(
    "--url",
    default="http://127.0.0.1:8000",
    show_default=True,
    help="Where the web app is reached, as the browser will open it.",
)
def user_link(name: str | None, url: str) -> None:
    """Print a one-time sign-in link for an account (the only one, or NAME), valid for 15 minutes.

    For when the link `relief serve` printed has expired or there are several accounts. It signs in
    without a password, so send it only to the account's owner.

    \b
    Example:
      relief user link alex --url https://journal.example.org
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.accounts.services import AccountError, resolve_user
    from relief.accounts.services_links import LIFETIME, create_login_link

    # lazy: cycle: relief.cli imports the command modules while it is being built
    from relief.cli import ensure_migrated

    ensure_migrated()
    try:
        account = resolve_user(name or click.get_current_context().find_root().obj.get("username"))
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    minutes = int(LIFETIME.total_seconds() // 60)
    click.echo(f"One-time sign-in link for {account.username} (within {minutes} minutes):", err=True)
    click.echo(f"{url.rstrip('/')}{create_login_link(account)}")


@user.command("list")
def user_list() -> None:
    """List accounts.

    \b
    Example:
      relief user list
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.contrib.auth import get_user_model

    # lazy: cycle: relief.cli imports the command modules while it is being built
    from relief.cli import ensure_migrated

    ensure_migrated()
    echo_json([u.username for u in get_user_model().objects.order_by("username")])


@click.command("profile")
@click.option("--time-zone", default=None, help="IANA name, e.g. America/Chicago.")
@click.option("--country", default=None, help="Two-letter code, e.g. US.")
@click.option("--region", default=None, help="State or province, e.g. US-WI.")
@click.option("--city", default=None, help="City only (for weather).")
@click.option("--units", type=click.Choice(["metric", "us"]), default=None)
@click.option("--sex", type=click.Choice(["female", "male", "intersex", "other", ""]), default=None)
@click.option("--track-menstruation/--no-track-menstruation", default=None)
@click.option("--birth-year", type=int, default=None)
@click.option("--pregnant/--not-pregnant", default=None)
@click.option("--breastfeeding/--not-breastfeeding", default=None)
@click.option("--drives/--does-not-drive", default=None)
@reports_errors
def profile(**changes: Any) -> None:
    """Show the profile, or change it with options.

    \b
    Example:
      relief profile --time-zone Europe/Berlin --country DE
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.accounts.services import get_profile
    from relief.exchange.jsonformat import PROFILE_FIELDS, to_json_value

    account = current_user()
    p = get_profile(account)
    for name, value in changes.items():
        if value is not None:
            setattr(p, name, value)
    p.full_clean()
    p.save()
    echo_json(
        {
            "user": account.username,
            **{n: to_json_value(p._meta.get_field(n), getattr(p, n)) for n in PROFILE_FIELDS},
        }
    )


@click.group("substance")
def substance() -> None:
    """The treatment catalogue: search it, or add your own substance or measure.

    \b
    Example:
      relief substance find sumatriptan
    """


@substance.command("find")
@click.argument("text")
def substance_find(text: str) -> None:
    """Find catalogue entries by name, alias or class.

    \b
    Example:
      relief substance find triptan
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.db.models import Q

    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.treatments.services import substances_for

    account = current_user()
    hits = substances_for(account).filter(
        Q(name__icontains=text) | Q(key__icontains=text) | Q(substance_class__icontains=text)
    )
    echo_json([{"id": str(s.id), "name": s.name, "class": s.substance_class, "kind": s.kind} for s in hits])


@substance.command("add")
@click.argument("name")
@click.option(
    "--class",
    "substance_class",
    default="other",
    show_default=True,
    help="A class such as triptan, nsaid, herbal.",
)
@click.option(
    "--kind",
    type=click.Choice(["drug", "herbal", "supplement", "non_drug", "other"]),
    default="drug",
    show_default=True,
)
@click.option("--unit", "default_unit", default="mg", show_default=True)
@reports_errors
def substance_add(name: str, substance_class: str, kind: str, default_unit: str) -> None:
    """Add your own substance or relief measure.

    \b
    Example:
      relief substance add "Butterbur" --class herbal --kind herbal
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.treatments.services import add_substance

    account = current_user()
    s = add_substance(
        account, name=name, substance_class=substance_class, kind=kind, default_unit=default_unit
    )
    echo_json({"id": str(s.id), "name": s.name, "class": s.substance_class})


@click.command("docs")
@click.argument("what", type=click.Choice(["configuration", "schema", "cli"]))
def docs(what: str) -> None:
    """Print generated documentation (kept in docs/ and checked by tests).

    \b
    Example:
      relief docs configuration > docs/configuration.md
    """
    if what == "configuration":
        # lazy: command modules load before Django is set up (relief.cli.main)
        from relief.conf import configuration_markdown

        click.echo(configuration_markdown(), nl=False)
    elif what == "schema":
        # lazy: command modules load before Django is set up (relief.cli.main)
        from relief.exchange.schema import build_schema

        click.echo(json.dumps(build_schema(), indent=2, ensure_ascii=False))
    else:
        click.echo(cli_markdown(), nl=False)


def cli_markdown() -> str:
    """docs/cli.md: every command with its help text."""
    # lazy: cycle: relief.cli imports the command modules while it is being built
    from relief.cli import cli

    lines = [
        "# The `relief` command",
        "",
        "Generated by `relief docs cli > docs/cli.md`; a test fails when it is out of date.",
        "",
    ]

    def walk(command: click.Command, path: list[str]) -> None:
        ctx = click.Context(
            command,
            info_name=" ".join(path),
            terminal_width=100,
            max_content_width=100,
            help_option_names=["-h", "--help"],
        )
        if path[1:]:
            lines.extend([f"## `{' '.join(path)}`", "", "```", command.get_help(ctx), "```", ""])
        if isinstance(command, click.Group):
            for name in sorted(command.list_commands(ctx)):
                sub = command.get_command(ctx, name)
                if sub is not None:
                    walk(sub, [*path, name])

    walk(cli, ["relief"])
    return "\n".join(lines)


COMMANDS = [user, profile, substance, docs]
