"""`relief worker`: run the background task queue (reminders, weather, insights)."""

from __future__ import annotations

import click


@click.command("worker")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 32), help="Worker threads.")
@click.option("--no-periodic", is_flag=True, help="Run queued tasks only, not the scheduled ones.")
def worker(workers: int, no_periodic: bool) -> None:
    """Run queued and scheduled background tasks until stopped (Ctrl-C or SIGTERM).

    The queue is an SQLite file in the data directory, or Redis when
    RELIEF_REDIS_URL is set. Run one worker beside `relief serve`.

    \b
    Example:
      RELIEF_REDIS_URL=redis://127.0.0.1:6379/0 relief worker --workers 4
    """
    # lazy: the queue consumer loads only for `relief worker`
    from huey.consumer import Consumer

    # lazy: cycle: relief.cli imports the command modules while it is being built
    from relief.cli import ensure_migrated

    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.core.tasks import describe_queue, huey
    from relief.exchange import tasks as import_tasks
    from relief.push import tasks as push_tasks

    del push_tasks, import_tasks

    ensure_migrated()
    click.echo(f"relief worker: queue {describe_queue()}, {workers} threads", err=True)
    Consumer(huey, workers=workers, periodic=not no_periodic, worker_type="thread").run()


COMMANDS = [worker]
