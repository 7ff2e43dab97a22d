"""`relief demo`: fill a realistic demo diary."""

from __future__ import annotations

import click

from relief.cli.common import echo_json


@click.command("demo")
@click.option(
    "--days",
    type=click.IntRange(1, 3660),
    default=365,
    show_default=True,
    help="How many days, ending yesterday.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same diary.")
@click.option("--name", "username", default="demo", show_default=True, help="Account to create for the demo.")
@click.option("--replace", is_flag=True, help="Delete an existing account of that name first.")
@click.option("--progress", is_flag=True, help="Say each step on stderr while it builds the diary.")
def demo(days: int, seed: int, username: str, replace: bool, progress: bool) -> None:
    """Create an account with a simulated diary (attacks, days with factors, kratom and other doses with
    outcomes, side effects, products with lab reports, standing medications, questionnaires).

    Known trigger and treatment effects are planted, so the analysis has something real to find.

    \b
    Example:
      relief demo --days 365 --seed 1
      relief demo --progress > summary.json
    """
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.contrib.auth import get_user_model

    # lazy: cycle: relief.cli imports the command modules while it is being built
    from relief.cli import ensure_migrated

    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.diary.demo import create_demo

    ensure_migrated()
    existing = get_user_model().objects.filter(username=username).first()
    if existing is not None:
        if not replace:
            raise click.ClickException(
                f"an account named {username!r} exists; add --replace to start it over"
            )
        existing.delete()
    say = (lambda text: click.echo(f"  {text}...", err=True)) if progress else None
    summary = create_demo(username, days=days, seed=seed, progress=say)
    echo_json(summary.as_dict())


COMMANDS = [demo]
