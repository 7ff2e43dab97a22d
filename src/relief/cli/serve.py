"""`relief serve`: run the web app on gunicorn (a production-grade server, not runserver)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import click

from relief.conf import wide_permissions


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option(
    "--with-worker/--no-worker",
    default=True,
    show_default=True,
    help="Also run the background worker (insights, reminders) beside the server; "
    "turn it off when `relief worker` runs as its own service.",
)
def serve(host: str, port: int, workers: int, with_worker: bool) -> None:
    """Serve the web app. On a fresh install it prints a one-time login link for the only account.

    The insights are computed by the background worker, which `relief serve` starts beside the
    server unless told not to (--no-worker).

    \b
    Example:
      relief serve --port 8000
    """
    # lazy: gunicorn loads only for `relief serve`
    from gunicorn.app.base import BaseApplication

    # lazy: cycle: relief.cli imports the command modules while it is being built
    from relief.cli import ensure_migrated
    from relief.core.logging import gunicorn_logconfig

    ensure_migrated()
    _collect_static()

    for line in wide_permissions():
        click.echo(f"Warning: {line} (others on this machine could read health data)", err=True)
    _welcome(host, port)

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", None)  # request lines could carry health data in query strings
            # gunicorn's own lines ("Error handling request GET /shared/rs_…") pass the filter
            # that redacts share, sign-in and API tokens and drops query strings.
            self.cfg.set("logconfig_dict", gunicorn_logconfig(access=False))
            self.cfg.set("graceful_timeout", 10)
            # Load the app (and its analysis libraries) once in the master, so no worker's
            # first request pays for importing pandas and SciPy under the worker timeout.
            self.cfg.set("preload_app", True)

        def load(self) -> Any:
            # lazy: command modules load before Django is set up (relief.cli.main); importing it
            # loads every view and the knowledge base in the master, then freezes them (its docstring)
            from relief.wsgi import application

            return application

    worker = _start_worker() if with_worker else None
    try:
        Server().run()
    finally:
        if worker is not None and worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()


def _start_worker() -> subprocess.Popen:
    """`relief worker` (one thread) as a child process, so the analysis never runs in the web workers."""
    click.echo("Starting the background worker beside the server (--no-worker to leave it out).", err=True)
    return subprocess.Popen([sys.executable, "-m", "relief.cli", "worker", "--workers", "1"])


def _collect_static() -> None:
    """Write the hashed, gzip- and brotli-compressed static files WhiteNoise serves with long cache lifetimes."""
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def _welcome(host: str, port: int) -> None:
    """Let a person alone on their machine in with one step."""
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.order_by("date_joined")
    base = f"http://{host}:{port}"
    if not users.exists():
        click.echo(f"No account yet: open {base}/accounts/signup/ to create yours.", err=True)
        return
    try:
        # lazy: command modules load before Django is set up (relief.cli.main)
        from relief.accounts.services_links import create_login_link
    except ModuleNotFoundError:
        click.echo(f"Open {base}/", err=True)
        return
    only = users.first()
    if users.count() == 1 and only is not None:
        link = f"{base}{create_login_link(only)}"
        click.echo(
            f"\nOpen this one-time login link to sign in as {only.username} (within 15 minutes): {link}\n",
            err=True,
        )
    else:
        click.echo(f"Open {base}/ and log in.", err=True)


COMMANDS = [serve]
